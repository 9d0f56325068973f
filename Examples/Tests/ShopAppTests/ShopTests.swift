import DeliveryTesting
import FakeGraphAPI
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Logging
import RoasProof
import ShopApp
import Testing

@Suite("ShopApp")
struct ShopTests {
    static let pixel: PixelID = "1234567890"
    static let userAgent = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) Safari/604.1"
    static let fbclid = "IwAR2F4-dbP0l7Mn_x"

    /// The shop with its worker, delivering to a fake Graph API, served by a live server.
    static func withShop(
        _ body: @Sendable (any TestClientProtocol, FakeGraphAPI, InMemoryEventStore) async throws -> Void
    )
        async throws
    {
        try await withFakeGraphAPI { server in
            let store = InMemoryEventStore()
            var destination = PixelDestination(pixelID: pixel, accessToken: AccessToken("test-token"))
            destination.baseURL = server.baseURL
            var workerConfiguration = DeliveryWorker.Configuration()
            workerConfiguration.idlePollInterval = .milliseconds(100)
            let capi = CAPIClient(
                destinations: [.init(pixel: destination)], store: store,
                trustedProxies: [IPAddressRange("127.0.0.0/8"), IPAddressRange("::1/128")].compactMap { $0 },
                workerConfiguration: workerConfiguration)
            var configuration = Shop.Configuration(pixelID: pixel)
            configuration.visits.cookieDomain = CookieDomain(host: "https://www.store.example")
            let shop = Shop(configuration: configuration, capi: capi)
            var app = buildApplication(
                shop: shop, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
                logger: Logger(label: "shop-test", factory: { _ in SwiftLogNoOpLogHandler() }))
            app.addServices(capi)
            try await app.test(.live) { client in try await body(client, server, store) }
        }
    }

    /// `name=value` of every `Set-Cookie` header.
    static func cookies(_ response: TestResponse) -> [String: String] {
        var cookies: [String: String] = [:]
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            cookies[String(pair[0])] = pair.count > 1 ? String(pair[1]) : ""
        }
        return cookies
    }

    @Test func landingCheckoutThankYouAndDeliveryShareOneEventID() async throws {
        try await Self.withShop { client, server, store in
            // 1. The visitor lands from an ad: fbclid captured, _fbc, _fbp and the visitor cookie set.
            let landing = try await client.execute(
                uri: "/?fbclid=\(Self.fbclid)&utm_source=meta", method: .get, headers: [.userAgent: Self.userAgent])
            #expect(landing.status == .ok)
            let cookies = Self.cookies(landing)
            let fbc = try #require(cookies["_fbc"])
            #expect(fbc.range(of: #"^fb\.1\.\d{13}\.IwAR2F4-dbP0l7Mn_x$"#, options: .regularExpression) != nil)
            #expect(cookies["_fbp"]?.range(of: #"^fb\.1\.\d{13}\.\d+$"#, options: .regularExpression) != nil)
            let visitor = try #require(cookies["rp_vid"])
            #expect(visitor.count == 26)
            let setCookies = landing.headers[values: .setCookie]
            #expect(
                setCookies.contains {
                    $0.hasPrefix("_fbc=") && $0.contains("Domain=store.example") && $0.contains("Max-Age=7776000")
                })
            #expect(setCookies.contains { $0.hasPrefix("rp_vid=") && $0.contains("HttpOnly") })
            let page = String(buffer: landing.body)
            #expect(page.contains("fbq('init', '1234567890', {external_id: '\(visitor)'});"))

            // 2. At checkout the browser has lost _fbc (Safari purged it); _fbp and the visitor
            //    cookie remain. The buyer's address comes through the local reverse proxy.
            let form = "email=%20Jane.Doe%40Example.com%20&phone=%2B49%20151%2012345678&country=DE&consent=granted"
            let checkout = try await client.execute(
                uri: "/checkout", method: .post,
                headers: [
                    .contentType: "application/x-www-form-urlencoded", .userAgent: Self.userAgent,
                    .cookie: "rp_vid=\(visitor); _fbp=\(cookies["_fbp"] ?? "")",
                    HTTPField.Name("X-Forwarded-For")!: "203.0.113.50",
                ],
                body: ByteBuffer(string: form))
            #expect(checkout.status == .seeOther)
            let location = try #require(checkout.headers[.location])
            #expect(location == "/thank-you?order=10001")

            // 3. The thank-you page fires the pixel Purchase with the server event's id.
            let thanks = try await client.execute(uri: location, method: .get, headers: [.cookie: "rp_vid=\(visitor)"])
            let thanksPage = String(buffer: thanks.body)
            #expect(thanksPage.contains("fbq('track', 'Purchase', {"))
            #expect(thanksPage.contains(#""value":89.9"#))
            #expect(thanksPage.contains("{eventID: 'ord_10001'});"))

            // 4. The worker delivers the server copy: same event_id, fbc from the stored click.
            let deadline = ContinuousClock.now + .seconds(20)
            while !server.acceptedEventIDs.contains("ord_10001") && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(server.acceptedEventIDs == ["ord_10001"])
            let body = try #require(server.requests.last?.body)
            #expect(body.contains(#""fbc":"\#(fbc)""#))
            #expect(body.contains(#""fbp":"\#(cookies["_fbp"] ?? "")""#))
            #expect(body.contains(#""client_ip_address":"203.0.113.50""#))
            #expect(body.contains(#""client_user_agent":"\#(Self.userAgent)""#))
            #expect(body.contains(#""event_source_url":"https://"#))
            #expect(body.range(of: #""em":\["[0-9a-f]{64}"\]"#, options: .regularExpression) != nil)
            #expect(!body.lowercased().contains("jane.doe"))
            // The server has answered; the worker settles the event right after it reads the answer.
            let key = EventKey(pixelID: Self.pixel, eventName: .purchase, eventID: "ord_10001")
            var status = await store.status(of: key)
            while status?.state != .delivered && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
                status = await store.status(of: key)
            }
            #expect(status?.state == .delivered)

            // 5. The admin dashboard shows it.
            let dashboard = try await client.execute(uri: "/admin/capi", method: .get)
            #expect(String(buffer: dashboard.body).contains("Purchase <span class=\"muted\">1 event</span>"))
        }
    }

    @Test func noConsentMeansNoServerEventAndNoPixelPurchase() async throws {
        try await Self.withShop { client, server, store in
            let checkout = try await client.execute(
                uri: "/checkout", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .userAgent: Self.userAgent],
                body: ByteBuffer(string: "email=sam%40example.org"))
            #expect(checkout.status == .seeOther)
            let thanks = try await client.execute(uri: try #require(checkout.headers[.location]), method: .get)
            #expect(thanks.status == .ok)
            #expect(!String(buffer: thanks.body).contains("'Purchase'"))
            #expect(await store.counts(pixel: nil).total == 0)
            #expect(server.requests.isEmpty)
        }
    }

    @Test func unknownOrdersAreNotFound() async throws {
        try await Self.withShop { client, _, _ in
            let response = try await client.execute(uri: "/thank-you?order=nope", method: .get)
            #expect(response.status == .notFound)
        }
    }
}

extension EventCounts {
    var total: Int { pending + inFlight + delivered + parked }
}
