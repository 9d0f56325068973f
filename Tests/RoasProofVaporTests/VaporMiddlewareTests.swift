#if Vapor
import AsyncHTTPClient
import DeliveryTesting
import Foundation
import RoasProof
import RoasProofVapor
import Testing
import Vapor

/// The Vapor middleware on a real server on loopback: a visitor lands from an ad behind a
/// trusted proxy, buys, and the stored Purchase carries the click, the fbp, the buyer's
/// address and user agent.
@Suite struct VaporMiddlewareTests {
    static let pixel: PixelID = "111111111111111"

    @Test func aLandingFromAnAdThenACheckoutStoresAPurchaseWithTheVisitsClickIDsAddressAndUserAgent() async throws {
        let store = InMemoryEventStore()
        let capi = CAPIClient(
            destinations: [.init(pixel: PixelDestination(pixelID: Self.pixel, accessToken: AccessToken("EAAB-vapor")))],
            store: store, trustedProxies: [try #require(IPAddressRange("127.0.0.0/8"))])
        try await Self.withServer { app in
            app.middleware.use(CAPIMiddleware(client: capi, memory: InMemoryVisitorMemory()))
            app.get { request in "visitor \(try request.capi.visit.isNewVisitor ? "new" : "returning")" }
            app.post("checkout") { request -> String in
                let sent = try await request.capi.send(
                    .purchase(orderID: "VP-1001", value: 89.9, currency: "EUR"),
                    customer: CustomerRecord(emails: ["jane.doe@example.com"]), consent: .granted)
                return sent.pixelSnippet
            }
        } requests: { baseURL in
            let headers = [("Host", "shop.example"), ("User-Agent", "vapor-test/1"), ("X-Forwarded-For", "203.0.113.51")]
            let landing = try await Self.execute("\(baseURL)/?fbclid=IwAR-vapor_1", headers: headers)
            #expect(landing.body == "visitor new")
            let setCookies = landing.headers["Set-Cookie"]
            let cookies = Self.cookies(setCookies)
            #expect(cookies["_fbc"]?.hasPrefix("fb.1.") == true)
            #expect(cookies["_fbc"]?.hasSuffix(".IwAR-vapor_1") == true)
            #expect(cookies["_fbp"]?.hasPrefix("fb.1.") == true)
            let visitor = try #require(cookies[VisitorID.defaultCookieName])
            #expect(setCookies.allSatisfy { $0.contains("Domain=shop.example") })
            #expect(setCookies.contains { $0.hasPrefix("\(VisitorID.defaultCookieName)=") && $0.contains("HttpOnly") })

            let cookieHeader = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
            let checkout = try await Self.execute(
                "\(baseURL)/checkout", method: .POST, headers: headers + [("Cookie", cookieHeader)])
            #expect(checkout.status == .ok)
            #expect(checkout.body.contains("{eventID: 'ord_VP-1001'}"))
            #expect(checkout.headers["Set-Cookie"].isEmpty)

            let stored = try #require(
                await store.status(of: EventKey(pixelID: Self.pixel, eventName: .purchase, eventID: "ord_VP-1001")))
            let event = try #require(try JSONSerialization.jsonObject(with: Data(stored.json.utf8)) as? [String: Any])
            let userData = try #require(event["user_data"] as? [String: Any])
            #expect(userData["fbc"] as? String == cookies["_fbc"])
            #expect(userData["fbp"] as? String == cookies["_fbp"])
            #expect(userData["client_ip_address"] as? String == "203.0.113.51")
            #expect(userData["client_user_agent"] as? String == "vapor-test/1")
            #expect((userData["external_id"] as? [String])?.count == 1)
            #expect(!stored.json.contains(visitor), "the visitor id is sent hashed")
            #expect(event["event_source_url"] as? String == "https://shop.example/checkout")
        }
    }

    @Test func anUntrustedPeersForwardingHeaderIsNotBelieved() async throws {
        let store = InMemoryEventStore()
        // No trusted proxies: the loopback peer is the buyer, and a loopback address is not sent.
        let capi = CAPIClient(
            destinations: [.init(pixel: PixelDestination(pixelID: Self.pixel, accessToken: AccessToken("EAAB-vapor")))],
            store: store)
        try await Self.withServer { app in
            app.middleware.use(CAPIMiddleware(client: capi))
            app.get { request in try request.capi.visit.clientIPAddresses.map(\.description).joined(separator: ",") }
        } requests: { baseURL in
            let response = try await Self.execute("\(baseURL)/", headers: [("X-Forwarded-For", "203.0.113.99")])
            #expect(response.body == "127.0.0.1")
        }
    }

    @Test func aRouteWithoutTheMiddlewareGetsATypedErrorNamingTheFix() async throws {
        try await Self.withServer { app in
            app.get { request -> String in
                do {
                    _ = try request.capi
                    return "tracked"
                } catch let error as CAPIClientError {
                    return "\(error.code): \(error.message)"
                }
            }
        } requests: { baseURL in
            let body = try await Self.execute("\(baseURL)/").body
            #expect(body.hasPrefix("visit_not_tracked:"))
            #expect(body.contains("app.middleware.use(CAPIMiddleware"))
        }
    }

    // MARK: Helpers

    /// Runs a Vapor application on an ephemeral loopback port for `requests`.
    static func withServer(
        _ configure: (Application) throws -> Void, requests: (String) async throws -> Void
    ) async throws {
        let app = try await Application.make(.testing)
        do {
            try configure(app)
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(app.http.server.shared.localAddress?.port)
            try await requests("http://127.0.0.1:\(port)")
        } catch {
            await app.server.shutdown()
            try await app.asyncShutdown()
            throw error
        }
        await app.server.shutdown()
        try await app.asyncShutdown()
    }

    struct Answer {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: String
    }

    static func execute(
        _ url: String, method: HTTPMethod = .GET, headers: [(String, String)] = []
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: response.status, headers: response.headers, body: String(buffer: body))
    }

    static func cookies(_ setCookies: [String]) -> [String: String] {
        var cookies: [String: String] = [:]
        for header in setCookies {
            let pair = header.prefix { $0 != ";" }
            guard let equals = pair.firstIndex(of: "=") else { continue }
            cookies[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return cookies
    }
}
#endif
