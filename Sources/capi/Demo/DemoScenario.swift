import CAPIModel
import Dedup
import Delivery
import DeliveryTesting
import FoundationEssentials
import Identity
import Matching

/// The sample shop of `capi demo`: customers and the sessions that converted, as an app would
/// have them, turned into events through the real Matching, Identity and Dedup APIs.
///
/// Everything is derived from `now` and a fixed seed, so two runs build the same events (only
/// the times move).
struct DemoScenario {
    /// One conversion: what the app knows, before RoasProof touches it.
    struct Case {
        /// Who and what, in a few words, for the printed log.
        var story: String
        /// The event without `user_data`.
        var event: ServerEvent
        var customer: CustomerRecord
        var session: SessionContext
    }

    static let pixel: PixelID = "1234567890"
    static let testEventCode = "TEST61045"
    static let shop = "https://store.example"

    let now: Timestamp
    /// The conversions delivered in the first round.
    let cases: [Case]
    /// The conversion that arrives during a Graph API outage, is parked and replayed.
    let outageCase: Case
    /// Purchases from a CRM export whose phone numbers have no country code and whose
    /// customers no country: the phone is rejected (`missing_region`), and Meta's EMQ dips.
    let crmImportCases: [Case]

    init(now: Timestamp) throws {
        self.now = now
        var rng = SeededGenerator(seed: 84_213)
        let domain = CookieDomain(host: Self.shop) ?? CookieDomain(domain: "store.example", subdomainIndex: 1, isHostOnly: false)
        let nowMs = now.milliseconds  // cookies carry Unix milliseconds
        func minutesAgo(_ minutes: Int64) -> Timestamp { now - .seconds(minutes * 60) }
        func visitor() -> VisitorID { VisitorID.mint(using: &rng) }
        func ip(_ text: String) -> IPAddress { IPAddress(text)! }  // literals below are valid addresses
        let iPhone =
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1"
        let chrome =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36"
        let android =
            "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Mobile Safari/537.36"
        let fbcCookie = "fb.1.\(nowMs - 2 * 86_400_000).IwZXh0bgNhZW0"
        let fbpCookie = "fb.1.\(nowMs - 9 * 86_400_000).83179243"
        let thankYou = Self.shop + "/checkout/thank-you"

        func purchase(
            _ order: String, minutes: Int64, value: String, currency: String?, skus: [String],
            source: ActionSource = .website
        ) throws -> ServerEvent {
            ServerEvent(
                eventName: .purchase, eventTime: minutesAgo(minutes), actionSource: source, userData: UserData(),
                customData: CustomData(
                    value: Decimal(string: value), currency: currency, contentIDs: skus, contentType: "product",
                    orderID: order),
                eventID: try EventID.forOrder(order).rawValue, eventSourceURL: source == .website ? thankYou : nil)
        }
        func event(_ name: EventName, key: String, minutes: Int64, page: String) throws -> ServerEvent {
            ServerEvent(
                eventName: name, eventTime: minutesAgo(minutes), actionSource: .website, userData: UserData(),
                eventID: try EventID.derive(eventName: name, key: key).rawValue, eventSourceURL: Self.shop + page)
        }

        var cases: [Case] = []
        cases.append(
            Case(
                story: "Jane: signed-in checkout, _fbc and _fbp cookies",
                event: try purchase("84213", minutes: 42, value: "184.50", currency: "EUR", skus: ["SKU-2481", "SKU-1177"]),
                customer: CustomerRecord(
                    emails: [" Jane.Doe@Example.com "], phones: ["0151 1234 5678"], firstName: "Jane", lastName: "Doe",
                    city: "Berlin", zipCode: "10115", country: "DE"),
                session: SessionContext(
                    consent: .granted, fbcCookie: fbcCookie, fbpCookie: fbpCookie, cookieDomain: domain, visitorID: visitor(),
                    clientIPAddresses: [ip("203.0.113.24"), ip("2001:db8:4a7f::24")], userAgent: iPhone)))
        cases.append(
            Case(
                story: "Marco: iOS blocked the cookies; fbclid stored on landing",
                event: try purchase("84214", minutes: 37, value: "59.90", currency: "EUR", skus: ["SKU-3310"]),
                customer: CustomerRecord(emails: ["marco.rossi@example.it"], phones: ["+39 312 345 6789"], country: "IT"),
                session: SessionContext(
                    consent: .granted, click: try ClickRecord(fbclid: "IwAR2F4-dbP0l7Mn_x", landedAt: now - .seconds(26 * 3_600)),
                    cookieDomain: domain, visitorID: visitor(), clientIPAddresses: [ip("198.51.100.77")], userAgent: iPhone)))
        cases.append(
            Case(
                story: "guest checkout: mistyped phone, malformed _fbc cookie",
                event: try purchase("84215", minutes: 31, value: "24.00", currency: "USD", skus: ["SKU-0042"]),
                customer: CustomerRecord(emails: ["sam.lee@example.org"], phones: ["555-12"], country: "US"),
                session: SessionContext(
                    consent: .granted, fbcCookie: "fb.1.yesterday.IwAR-broken",
                    fbpCookie: "fb.1.\(nowMs - 86_400_000).1122334455",
                    cookieDomain: domain, visitorID: visitor(), clientIPAddresses: [ip("192.0.2.14")], userAgent: chrome)))
        cases.append(
            Case(
                story: "till in the Berlin shop: no browser, action_source physical_store",
                event: try purchase(
                    "84216", minutes: 25, value: "310.00", currency: "EUR", skus: ["SKU-7001"], source: .physicalStore),
                customer: CustomerRecord(emails: ["k.weber@example.de"], phones: ["+49 30 901820"], country: "DE"),
                session: SessionContext(consent: .granted)))
        var imported = try purchase("84217", minutes: 20, value: "99.00", currency: nil, skus: ["SKU-1177"])
        imported.eventTime = Timestamp(seconds: nowMs)  // the classic bug: milliseconds where seconds belong
        cases.append(
            Case(
                story: "ERP import: event_time in milliseconds, no currency",
                event: imported,
                customer: CustomerRecord(emails: ["ops@example.com"]),
                session: SessionContext(consent: .granted, clientIPAddresses: [ip("203.0.113.99")], userAgent: chrome)))
        cases.append(
            Case(
                story: "anonymous visitor with _fbc and _fbp cookies",
                event: try event(.addToCart, key: "cart-5521/line-1", minutes: 55, page: "/p/trail-shoe"),
                customer: CustomerRecord(),
                session: SessionContext(
                    consent: .granted, fbcCookie: fbcCookie, fbpCookie: "fb.1.\(nowMs - 3_600_000).2093847561",
                    cookieDomain: domain, visitorID: visitor(), clientIPAddresses: [ip("203.0.113.51")], userAgent: android)))
        cases.append(
            Case(
                story: "back from an ad with cookies purged: only the stored fbclid",
                event: try event(.addToCart, key: "cart-5522/line-1", minutes: 48, page: "/p/rain-jacket"),
                customer: CustomerRecord(),
                session: SessionContext(
                    consent: .granted, click: try ClickRecord(fbclid: "IwY2xjawKx9_Zk3", landedAt: now - .seconds(50 * 60)),
                    cookieDomain: domain, visitorID: visitor(), clientIPAddresses: [ip("198.51.100.4")], userAgent: iPhone)))
        cases.append(
            Case(
                story: "first visit, no cookies, no click: IP and user agent only",
                event: try event(.addToCart, key: "cart-5523/line-2", minutes: 12, page: "/p/wool-socks"),
                customer: CustomerRecord(),
                session: SessionContext(consent: .granted, clientIPAddresses: [ip("192.0.2.200")], userAgent: chrome)))
        cases.append(
            Case(
                story: "newsletter form, California visitor: Limited Data Use",
                event: try event(.lead, key: "form-7/submission-991", minutes: 35, page: "/newsletter"),
                customer: CustomerRecord(emails: ["ava.martin@example.com"], phones: ["(415) 555-2671"], country: "US"),
                session: SessionContext(
                    consent: ConsentSignal(status: .granted, limitedDataUse: .california), fbpCookie: fbpCookie,
                    cookieDomain: domain, visitorID: visitor(), clientIPAddresses: [ip("198.51.100.23")], userAgent: chrome)))
        cases.append(
            Case(
                story: "contact form, visitor declined tracking",
                event: try event(.lead, key: "form-2/submission-377", minutes: 28, page: "/contact"),
                customer: CustomerRecord(emails: ["no.thanks@example.net"], phones: ["+44 20 7946 0018"]),
                session: SessionContext(consent: .denied, fbpCookie: fbpCookie, visitorID: visitor(), userAgent: chrome)))
        cases.append(
            Case(
                story: "new account with its own user id",
                event: try event(.completeRegistration, key: "account/cust-20931", minutes: 15, page: "/account/welcome"),
                customer: CustomerRecord(emails: ["li.wei@example.com"], firstName: "Wei", lastName: "Li", userID: "cust-20931"),
                session: SessionContext(
                    consent: .granted, fbcCookie: fbcCookie, fbpCookie: fbpCookie, cookieDomain: domain, visitorID: visitor(),
                    clientIPAddresses: [ip("2001:db8:ffff::9")], userAgent: android)))
        cases.append(
            Case(
                story: "sign-up in an in-app browser without cookies",
                event: try event(.completeRegistration, key: "account/cust-20932", minutes: 8, page: "/account/welcome"),
                customer: CustomerRecord(emails: ["PAT@EXAMPLE.COM"], userID: "cust-20932"),
                session: SessionContext(consent: .granted, clientIPAddresses: [ip("203.0.113.140")], userAgent: android)))
        self.cases = cases
        crmImportCases = try [
            ("84230", "m.dubois@example.fr", "06 12 34 56 78", "129.00"),
            ("84231", "t.nakamura@example.jp", "090-1234-5678", "45.50"),
            ("84232", "a.kowalski@example.pl", "512 345 678", "78.20"),
        ].map { order, email, phone, value in
            Case(
                story: "CRM export: phone without country code, no country",
                event: try purchase(order, minutes: 2, value: value, currency: "EUR", skus: ["SKU-2481"]),
                customer: CustomerRecord(emails: [email], phones: [phone]),
                session: SessionContext(
                    consent: .granted, clientIPAddresses: [ip("198.51.100.\(order.suffix(2))")], userAgent: chrome))
        }
        outageCase = Case(
            story: "callback request sent while the Graph API was down",
            event: try event(.lead, key: "form-3/submission-4410", minutes: 3, page: "/contact/callback"),
            customer: CustomerRecord(emails: ["r.patel@example.co.uk"], phones: ["020 7946 0958"], country: "GB"),
            session: SessionContext(
                consent: .granted, fbpCookie: fbpCookie, cookieDomain: domain, visitorID: visitor(),
                clientIPAddresses: [ip("203.0.113.7")], userAgent: chrome))
    }
}
