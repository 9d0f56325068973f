#if Hummingbird
import DeliveryTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RoasProof
import RoasProofHummingbird
import Testing

/// The Hummingbird middleware on a real server on loopback: a visitor lands from an ad behind
/// a trusted proxy, buys, and the stored Purchase carries the click, the fbp, the buyer's
/// address and user agent.
@Suite struct HummingbirdMiddlewareTests {
    static let pixel: PixelID = "111111111111111"

    static func client(store: InMemoryEventStore) throws -> CAPIClient {
        CAPIClient(
            destinations: [.init(pixel: PixelDestination(pixelID: pixel, accessToken: AccessToken("EAAB-hummingbird")))],
            store: store, trustedProxies: [try #require(IPAddressRange("127.0.0.0/8"))])
    }

    @Test func aLandingFromAnAdThenACheckoutStoresAPurchaseWithTheVisitsClickIDsAddressAndUserAgent() async throws {
        let store = InMemoryEventStore()
        let capi = try Self.client(store: store)
        let router = Router(context: CAPIBasicRequestContext.self)
        // The test client talks to 127.0.0.1, so the site's cookie domain is configured.
        let configuration = VisitTracker.Configuration(cookieDomain: CookieDomain(host: "https://www.shop.example"))
        router.add(middleware: CAPIMiddleware(client: capi, configuration: configuration, memory: InMemoryVisitorMemory()))
        router.get("/") { _, context in "visitor \(try context.capi.visit.isNewVisitor ? "new" : "returning")" }
        router.post("/checkout") { _, context -> String in
            let sent = try await context.capi.send(
                .purchase(orderID: "HB-1001", value: 89.9, currency: "EUR"),
                customer: CustomerRecord(emails: ["jane.doe@example.com"]), consent: .granted)
            return sent.pixelSnippet
        }
        let app = Application(router: router)

        try await app.test(.live) { client in
            let landing = try await client.execute(
                uri: "/?fbclid=IwAR-hummingbird_1", method: .get,
                headers: [.userAgent: "hb-test/1", .xForwardedFor: "203.0.113.50"])
            #expect(String(buffer: landing.body) == "visitor new")
            let setCookies = landing.headers[values: .setCookie]
            let cookies = Self.cookies(setCookies)
            #expect(cookies["_fbc"]?.hasPrefix("fb.1.") == true)
            #expect(cookies["_fbc"]?.hasSuffix(".IwAR-hummingbird_1") == true)
            #expect(cookies["_fbp"]?.hasPrefix("fb.1.") == true)
            let visitor = try #require(cookies[VisitorID.defaultCookieName])
            #expect(setCookies.allSatisfy { $0.contains("Domain=shop.example") })
            #expect(setCookies.contains { $0.hasPrefix("\(VisitorID.defaultCookieName)=") && $0.contains("HttpOnly") })

            let cookieHeader = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
            let checkout = try await client.execute(
                uri: "/checkout", method: .post,
                headers: [.userAgent: "hb-test/1", .xForwardedFor: "203.0.113.50", .cookie: cookieHeader])
            #expect(checkout.status == .ok)
            #expect(String(buffer: checkout.body).contains("{eventID: 'ord_HB-1001'}"))
            // Everything was in the browser already: nothing new to set.
            #expect(checkout.headers[values: .setCookie].isEmpty)

            let stored = try #require(
                await store.status(of: EventKey(pixelID: Self.pixel, eventName: .purchase, eventID: "ord_HB-1001")))
            let userData = try Self.userData(stored.json)
            #expect(userData["fbc"] as? String == cookies["_fbc"])
            #expect(userData["fbp"] as? String == cookies["_fbp"])
            #expect(userData["client_ip_address"] as? String == "203.0.113.50")
            #expect(userData["client_user_agent"] as? String == "hb-test/1")
            #expect((userData["external_id"] as? [String])?.count == 1)
            #expect(!stored.json.contains(visitor), "the visitor id is sent hashed")
            let sourceURL = try #require(try Self.event(stored.json)["event_source_url"] as? String)
            #expect(sourceURL.hasPrefix("https://") && sourceURL.hasSuffix("/checkout"))
        }
    }

    @Test func aRouteWithoutTheMiddlewareGetsATypedErrorNamingTheFix() async throws {
        let router = Router(context: CAPIBasicRequestContext.self)
        router.get("/") { _, context -> String in
            do {
                _ = try context.capi
                return "tracked"
            } catch let error as CAPIClientError {
                return "\(error.code): \(error.message)"
            }
        }
        try await Application(router: router).test(.router) { client in
            let response = try await client.execute(uri: "/", method: .get)
            let body = String(buffer: response.body)
            #expect(body.hasPrefix("visit_not_tracked:"))
            #expect(body.contains("router.add(middleware: CAPIMiddleware"))
        }
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

    static func event(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    static func userData(_ json: String) throws -> [String: Any] {
        try #require(try event(json)["user_data"] as? [String: Any])
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
#endif
