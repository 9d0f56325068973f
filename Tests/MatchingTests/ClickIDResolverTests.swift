import Foundation
import CAPIModel
import Matching
import DeliveryTesting
import Testing

@Suite struct ClickIDResolverTests {
    let resolver = ClickIDResolver()

    @Test func landingWithoutCookiesSynthesizesAndSetsBoth() throws {
        var rng = FixedRandom(value: UInt64.max)
        let result = resolver.resolve(
            BrowserRequest(url: "https://shop.example.com/p?fbclid=IwAR2F4-dbP0_x"),
            at: Timestamp(milliseconds: 1_712_345_678_901), using: &rng)
        #expect(result.fbc == "fb.1.1712345678901.IwAR2F4-dbP0_x")
        #expect(result.fbcSelection.origin == .synthesized)
        #expect(result.click == (try ClickRecord(fbclid: "IwAR2F4-dbP0_x", landedAt: Timestamp(milliseconds: 1_712_345_678_901))))
        let fbp = try #require(result.fbp)
        let parsed = try FacebookCookie(parsing: fbp, as: .fbp)
        #expect(parsed.subdomainIndex == 1 && parsed.creationTime == 1_712_345_678_901)
        #expect(Int64(parsed.payload)! <= Int64(Int32.max))
        #expect(result.fbpIsNew)
        #expect(result.cookiesToSet.map(\.name) == ["_fbc", "_fbp"])
        let fbpCookie = result.cookiesToSet[1]
        #expect(fbpCookie.headerValue == "_fbp=\(fbp); Domain=example.com; Path=/; Max-Age=7776000; Secure; SameSite=Lax")
    }

    @Test func validFBPIsNeverReplaced() {
        var rng = SeededGenerator(seed: 1)
        for cookie in ["fb.1.1596403881668.1116446470", "fb.2.1596403881668.1116446470.AQQCAQAA", "fb.1.1.1.Ag"] {
            let result = resolver.resolve(
                BrowserRequest(url: "https://www.example.com/", fbpCookie: cookie), at: Timestamp(milliseconds: 9), using: &rng)
            #expect(result.fbp == cookie)
            #expect(!result.fbpIsNew)
            #expect(result.cookiesToSet.isEmpty)
        }
    }

    @Test func malformedFBPIsReplacedWithANote() {
        var rng = SeededGenerator(seed: 1)
        let result = resolver.resolve(
            BrowserRequest(url: "https://www.example.com/", fbpCookie: "fb.1.123."), at: Timestamp(milliseconds: 9), using: &rng)
        #expect(result.fbpIsNew)
        #expect(result.fbp?.hasPrefix("fb.1.9.") == true)
        #expect(
            result.notes.contains { $0.subject == "fbp" && $0.code == ClickIDResolver.Note.Code(cookieRejection: .emptyPayload) })
    }

    @Test func storedClickRestoresAPurgedCookie() throws {
        var rng = SeededGenerator(seed: 2)
        let click = try ClickRecord(fbclid: "Stored-Click_1", landedAt: Timestamp(milliseconds: 1_700_000_000_000))
        let result = resolver.resolve(
            BrowserRequest(url: "https://checkout.example.co.uk/pay", fbpCookie: "fb.2.1.2", storedClick: click),
            at: Timestamp(milliseconds: 1_700_000_999_000), using: &rng)
        #expect(result.fbc == "fb.2.1700000000000.Stored-Click_1")
        #expect(result.cookiesToSet.map(\.name) == ["_fbc"])
        #expect(result.cookiesToSet.first?.domain == "example.co.uk")
        #expect(result.notes.contains { $0.code == .storedClick })
    }

    @Test func ipHostsGetHostOnlyCookies() {
        var rng = SeededGenerator(seed: 3)
        let result = resolver.resolve(
            BrowserRequest(url: "http://127.0.0.1:8080/?fbclid=abc"), at: Timestamp(milliseconds: 5), using: &rng)
        #expect(result.fbc == "fb.0.5.abc")
        #expect(result.cookiesToSet.allSatisfy { $0.isHostOnly && !$0.headerValue.contains("Domain=") })
    }

    @Test func configuredCookieDomainWins() {
        var rng = SeededGenerator(seed: 4)
        let fixed = ClickIDResolver(cookieDomain: CookieDomain(domain: "example.com", subdomainIndex: 1, isHostOnly: false))
        let result = fixed.resolve(BrowserRequest(url: "/landing?fbclid=abc"), at: Timestamp(milliseconds: 5), using: &rng)
        #expect(result.fbc == "fb.1.5.abc")
        #expect(result.cookiesToSet.allSatisfy { $0.domain == "example.com" })
    }

    @Test func noHostStillResolvesWithoutCookies() {
        var rng = SeededGenerator(seed: 5)
        let result = resolver.resolve(BrowserRequest(url: "/landing?fbclid=abc"), at: Timestamp(milliseconds: 5), using: &rng)
        #expect(result.fbc == "fb.1.5.abc")
        #expect(result.cookiesToSet.isEmpty)
        #expect(result.notes.first?.code == .noHost)
    }

    /// Note codes go to logs (the example shop logs them as `shop.click_ids`); renaming one
    /// breaks what is keyed on it. Codes carried from another type keep that type's raw value.
    @Test func noteCodesAreStable() throws {
        typealias Code = ClickIDResolver.Note.Code
        let pinned: [(Code, String)] = [
            (.noHost, "no_host"), (.capturedFromURL, "captured_url"), (.capturedFromReferer, "captured_referer"),
            (.storedClick, "stored_click"), (.cookie, "cookie"), (.generated, "generated"),
            (Code(FBCSelection.Reason.synthesizedNewerClick), "synthesized_newer_click"),
            (Code(cookieRejection: .wrongPartCount), "wrong_part_count"),
            (Code(clickIDRejection: .invalidCharacters), "invalid_fbclid_characters"),
        ]
        #expect(Set(pinned.map(\.0)).count == pinned.count)
        for (code, raw) in pinned {
            #expect(code.rawValue == raw)
            #expect("\(code)" == raw)
            #expect(Code(rawValue: raw) == code)
            #expect(String(decoding: try JSONEncoder().encode(code), as: UTF8.self) == "\"\(raw)\"")
        }
        #expect(Code(FBCSelection.Reason.cookie) == .cookie)
    }

    /// Each kind of note, from a resolution that makes it, with its subject.
    @Test func notesCarryTheirCodes() throws {
        typealias Code = ClickIDResolver.Note.Code
        var rng = SeededGenerator(seed: 6)
        let click = try ClickRecord(fbclid: "Old", landedAt: Timestamp(milliseconds: 1))
        let fromReferer = resolver.resolve(
            BrowserRequest(
                url: "https://shop.example.com/", referer: "https://shop.example.com/?fbclid=a.b", fbcCookie: "fb.1.1",
                fbpCookie: "fb.1.1.1"),
            at: Timestamp(milliseconds: 5), using: &rng)
        #expect(
            fromReferer.notes.map { "\($0.subject) \($0.code)" } == [
                "fbclid invalid_fbclid_characters", "fbc wrong_part_count", "fbc none", "fbp cookie",
            ])
        let captured = resolver.resolve(
            BrowserRequest(url: "https://shop.example.com/", referer: "https://shop.example.com/?fbclid=New", storedClick: click),
            at: Timestamp(milliseconds: 5), using: &rng)
        #expect(captured.notes.map(\.code) == [.capturedFromReferer, Code(.synthesizedNoCookie), .generated])
        let stored = resolver.resolve(
            BrowserRequest(url: "https://shop.example.com/", fbcCookie: "fb.1.9.Later", storedClick: click),
            at: Timestamp(milliseconds: 5), using: &rng)
        #expect(stored.notes.map(\.code) == [.storedClick, Code(.cookieLaterClick), .generated])
    }
}

@Suite struct ClickIDDiagnosisTests {
    func run(_ line: String) -> String {
        var rng = FixedRandom(value: 0)
        return ClickIDDiagnosis.run(line: line, resolver: ClickIDResolver(), defaultNow: Timestamp(milliseconds: 42), using: &rng)
    }

    @Test func synthesizesFromTheURL() {
        let output = run(#"{"url": "https://shop.example.com/?fbclid=IwAR-x_Y", "now_ms": 1712345678901}"#)
        #expect(
            output
                == #"{"fbc":"fb.1.1712345678901.IwAR-x_Y","fbp":"fb.1.1712345678901.0","set_cookies":[{"name":"_fbc","value":"fb.1.1712345678901.IwAR-x_Y","domain":"example.com","max_age":7776000},{"name":"_fbp","value":"fb.1.1712345678901.0","domain":"example.com","max_age":7776000}],"notes":["fbclid: captured the click id from the URL, landing at 1712345678901 ms; store the click record","fbc: no _fbc cookie; synthesized fb.{subdomainIndex}.{landing_ms}.{fbclid} from the click and set the cookie","fbp: no valid _fbp cookie; generated one and set it on example.com for 90 days"]}"#
        )
    }

    @Test func keepsValidCookiesAndDropsBadOnes() {
        let output = run(
            #"{"url": "https://shop.example.com/", "cookies": {"_fbc": "fb.1.123.abc.invalid", "_fbp": "fb.1.5.77"}, "click": {"fbclid": "Stored", "landing_ms": 1000}}"#
        )
        #expect(
            output.hasPrefix(
                #"{"fbc":"fb.1.1000.Stored","fbp":"fb.1.5.77","set_cookies":[{"name":"_fbc","value":"fb.1.1000.Stored","domain":"example.com","max_age":7776000}],"notes":["#
            ))
        #expect(output.contains("fbc: dropped the _fbc cookie: _fbc's fifth part must be a param-builder language token"))
        #expect(output.contains("fbp: kept the valid _fbp cookie unchanged"))
    }

    @Test func noClickMeansNullFBC() {
        let output = run(#"{"url": "https://example.com/", "cookies": {"_fbp": "fb.1.5.77"}}"#)
        #expect(output.hasPrefix(#"{"fbc":null,"fbp":"fb.1.5.77","set_cookies":[],"notes":["#))
    }

    @Test(arguments: ["not json", "{}", #"{"url": 5}"#, "[]"])
    func unreadableLines(line: String) {
        #expect(run(line).hasPrefix(#"{"error":{"code":"invalid_input","#))
    }

    @Test func badStoredClickIsReported() {
        let output = run(#"{"url": "https://example.com/", "click": {"fbclid": "a.b", "landing_ms": 1}}"#)
        #expect(output.contains("click: ignored the stored click record"))
        #expect(output.hasPrefix(#"{"fbc":null,"#))
    }
}
