import CAPIModel
import Delivery
import DeliveryConsole
import DeliveryTesting
import Testing

@Suite("Console security: token, CSRF, headers, escaping")
struct ConsoleSecurityTests {
    static let token = "console-token-0123456789abcdef"

    static func tokenConfiguration() throws -> DeliveryConsole.Configuration {
        var configuration = DeliveryConsole.Configuration()
        configuration.accessToken = try ConsoleAccessToken(token)
        return configuration
    }

    @Test func shortTokensAreRefused() {
        #expect(throws: ConsoleSetupError.self) { try ConsoleAccessToken("short") }
        #expect(String(describing: try? ConsoleAccessToken(Self.token + "\n")).contains("redacted"))
    }

    @Test func withATokenEveryPageNeedsIt() async throws {
        let fixture = try await ConsoleFixture(configuration: try Self.tokenConfiguration())
        let anonymous = await fixture.get("/")
        #expect(anonymous.status == 403)
        #expect(anonymous.text.contains("Sign in"))
        #expect(await fixture.get("/events/\(fixture.parkedID.rawValue)").status == 403)
        #expect(await fixture.get("/", headers: [("Authorization", "Bearer wrong-token-wrong-token")]).status == 403)
        #expect(await fixture.get("/", headers: [("Authorization", "Bearer \(Self.token)")]).status == 200)
        // The stylesheet and script are public: the login page needs them.
        #expect(await fixture.get("/console.css").status == 200)
    }

    @Test func postWithoutTheAccessTokenChangesNothing() async throws {
        let fixture = try await ConsoleFixture(configuration: try Self.tokenConfiguration())
        let bearer = [(name: "Authorization", value: "Bearer \(Self.token)")]
        let page = await fixture.get("/events/\(fixture.parkedID.rawValue)", headers: bearer)
        let csrf = try #require(ConsoleFixture.csrfToken(in: page.text))
        // The right CSRF token without the access token: refused.
        #expect(await fixture.post("/events/\(fixture.parkedID.rawValue)/replay", [("csrf", csrf)]).status == 403)
        // The access token without a CSRF token: refused.
        #expect(await fixture.post("/events/\(fixture.parkedID.rawValue)/replay", [], headers: bearer).status == 403)
        // The anonymous CSRF token (of the login form) is not the session's.
        let loginCSRF = try #require(ConsoleFixture.csrfToken(in: (await fixture.get("/login")).text))
        #expect(loginCSRF != csrf)
        #expect(
            await fixture.post("/events/\(fixture.parkedID.rawValue)/replay", [("csrf", loginCSRF)], headers: bearer).status
                == 403)
        #expect(await fixture.state(of: fixture.parkedID) == .parked)
        // Both: replayed.
        #expect(
            await fixture.post("/events/\(fixture.parkedID.rawValue)/replay", [("csrf", csrf)], headers: bearer).status == 303)
        #expect(await fixture.state(of: fixture.parkedID) == .pending)
    }

    @Test func loginFormSetsAStrictHttpOnlyCookieWithoutTheToken() async throws {
        let fixture = try await ConsoleFixture(configuration: try Self.tokenConfiguration())
        let loginCSRF = try #require(ConsoleFixture.csrfToken(in: (await fixture.get("/login")).text))
        let wrong = await fixture.post("/login", [("csrf", loginCSRF), ("token", "not-the-token-at-all")])
        #expect(wrong.status == 403 && wrong.header("Set-Cookie") == nil)
        #expect(await fixture.post("/login", [("token", Self.token)]).status == 403)
        let signedIn = await fixture.post("/login", [("csrf", loginCSRF), ("token", Self.token)])
        #expect(signedIn.status == 303)
        let cookie = try #require(signedIn.header("Set-Cookie"))
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
        #expect(!cookie.contains(Self.token))
        let session = String(cookie.prefix { $0 != ";" })
        let page = await fixture.get("/", headers: [("Cookie", session)])
        #expect(page.status == 200)
        #expect(!page.text.contains(Self.token))
        #expect(await fixture.get("/", headers: [("Cookie", "capi_console_session=forged")]).status == 403)
    }

    @Test func loopbackHostIsRequiredWhenConfigured() async throws {
        var configuration = DeliveryConsole.Configuration()
        configuration.requireLoopbackHost = true
        let fixture = try await ConsoleFixture(configuration: configuration)
        #expect(await fixture.get("/", headers: [("Host", "127.0.0.1:8080")]).status == 200)
        #expect(await fixture.get("/", headers: [("Host", "localhost")]).status == 200)
        #expect(await fixture.get("/", headers: [("Host", "[::1]:8080")]).status == 200)
        #expect(await fixture.get("/", headers: [("Host", "attacker.example:8080")]).status == 403)
        #expect(await fixture.get("/").status == 403)
    }

    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        let fixture = try await ConsoleFixture()
        let csrf = try #require(ConsoleFixture.csrfToken(in: (await fixture.get("/")).text))
        var responses = [
            await fixture.get("/"), await fixture.get("/events"), await fixture.get("/events/\(fixture.parkedID.rawValue)"),
            await fixture.get("/events/\(fixture.parkedID.rawValue)/state"), await fixture.get("/console.css"),
            await fixture.get("/console.js"), await fixture.get("/missing"), await fixture.get("/events/1/replay"),
            await fixture.post("/events/1/replay", []), await fixture.get("/login"),
        ]
        responses.append(await fixture.post("/events/\(fixture.parkedID.rawValue)/replay", [("csrf", csrf)]))
        for response in responses {
            let policy = try #require(response.header("Content-Security-Policy"))
            for directive in [
                "default-src 'none'", "style-src 'self'", "script-src 'self'", "form-action 'self'", "frame-ancestors 'none'",
            ] {
                #expect(policy.contains(directive))
            }
            #expect(!policy.contains("unsafe-inline"))
            #expect(response.header("X-Content-Type-Options") == "nosniff")
            #expect(response.header("Referrer-Policy") == "no-referrer")
            #expect(response.header("Cache-Control") == "no-store")
        }
    }

    /// Hostile text in every stored string that reaches a page: event name, event_id, pixel,
    /// payload fields, park reason, Meta's message and fbtrace_id, a suspension's message and trace.
    @Test func xssProbeAppearsOnlyEscaped() async throws {
        let hostile = ConsoleFixture.hostile
        let fixture = try await ConsoleFixture()
        let store = fixture.store
        let pixel = PixelID(hostile)
        let now = ConsoleFixture.now
        let json =
            #"{"event_name":"\#(jsonEscaped(hostile))","event_id":"\#(jsonEscaped(hostile))","user_data":{"client_user_agent":"\#(jsonEscaped(hostile))","\#(jsonEscaped(hostile))":"x"},"custom_data":{"content_name":"\#(jsonEscaped(hostile))"}}"#
        _ = try await store.append(
            [
                PendingEvent(
                    key: EventKey(pixelID: pixel, eventName: EventName(hostile), eventID: hostile), eventTime: now.wholeSeconds,
                    actionSource: .website, json: json, matchKeys: UserDataKeySet(.clientUserAgent))
            ], at: now)
        var coverage = MatchKeyCoverage()
        coverage.recordRejection(eventName: EventName(hostile), key: .phone, reason: hostile)
        await store.mergeCoverage(coverage, pixel: pixel)
        let leased = try await store.lease(pixel: pixel, now: now, limit: 1, leaseDuration: .seconds(60))
        try await store.park(
            leased.map(\.id), reason: ParkReason(code: .rejected, message: hostile, graphCode: 100),
            attempt: ConsoleFixture.receipt(
                .invalidParameter, status: 400, code: 100, trace: hostile, message: hostile, pixel: pixel),
            at: now)
        _ = await store.updatePixelHold(
            pixel,
            .suspend(
                GraphError(message: hostile, code: 190, fbtraceID: hostile), credentials: CredentialFingerprint(rawValue: hostile)
            ),
            at: now)
        _ = await store.updatePixelHold(ConsoleFixture.pixel, .pause(until: now + .seconds(600)), at: now)
        let id = try #require(leased.first?.id)
        let pages = [
            await fixture.get("/"), await fixture.get("/events"), await fixture.get("/events?state=parked"),
            await fixture.get("/events/\(id.rawValue)"), await fixture.get("/events?q=\(ConsoleFixture.formEncode(hostile))"),
            await fixture.get("/events?pixel=\(ConsoleFixture.formEncode(hostile))&name=\(ConsoleFixture.formEncode(hostile))"),
        ]
        let token = try #require(ConsoleFixture.csrfToken(in: pages[0].text))
        let confirmation = await fixture.post("/replay-parked", [("csrf", token), ("pixel", hostile)])
        for page in pages + [confirmation] {
            #expect(page.status == 200)
            #expect(!page.text.contains("<script>alert"))
            #expect(!page.text.contains("<img src=x"))
            #expect(!page.text.contains("'y'>"))
        }
        #expect(pages[0].text.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
        #expect(pages[3].text.contains("&lt;img src=x onerror=&#39;y&#39;&gt;"))
        #expect(confirmation.text.contains("&lt;/td&gt;&lt;script&gt;"))
    }

    func jsonEscaped(_ text: String) -> String {
        text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
    }
}
