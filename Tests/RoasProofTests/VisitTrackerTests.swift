import DeliveryTesting
import Foundation
import RoasProof
import Testing

/// What a page request tells about the visitor: the part every framework middleware shares.
@Suite struct VisitTrackerTests {
    static let landing = Timestamp(milliseconds: 1_767_225_600_000)

    @Test func aNewVisitorFromAnAdGetsFbcFbpAndAVisitorCookieOnTheRegistrableDomain() throws {
        var rng = SeededGenerator(seed: 7)
        let visit = VisitTracker().visit(
            PageRequest(
                url: "https://shop.example.co.uk/?fbclid=IwAR-ad_1", peerAddress: "198.51.100.20",
                userAgent: "Mozilla/5.0 (X11; Linux x86_64)"),
            remembered: nil, at: Self.landing, using: &rng)

        #expect(visit.isNewVisitor)
        // example.co.uk has three labels: subdomainIndex 2.
        #expect(visit.fbc == "fb.2.1767225600000.IwAR-ad_1")
        #expect(visit.fbp?.hasPrefix("fb.2.1767225600000.") == true)
        #expect(visit.clientIPAddresses == [try #require(IPAddress("198.51.100.20"))])
        #expect(visit.userAgent == "Mozilla/5.0 (X11; Linux x86_64)")
        #expect(visit.pageURL == "https://shop.example.co.uk/?fbclid=IwAR-ad_1")
        let cookies = Dictionary(uniqueKeysWithValues: visit.cookiesToSet.map { ($0.name, $0) })
        #expect(cookies.keys.sorted() == ["_fbc", "_fbp", VisitorID.defaultCookieName])
        #expect(cookies.values.allSatisfy { $0.domain == "example.co.uk" })
        #expect(cookies["_fbc"]?.value == visit.fbc)
        #expect(cookies["_fbp"]?.value == visit.fbp)
        #expect(cookies[VisitorID.defaultCookieName]?.value == visit.visitorID.rawValue)
        #expect(cookies[VisitorID.defaultCookieName]?.httpOnly == true)
    }

    @Test func aReturningVisitorKeepsItsCookiesAndGetsNoNewOnes() throws {
        var rng = SeededGenerator(seed: 8)
        let visitor = VisitorID.mint(using: &rng)
        let visit = VisitTracker().visit(
            PageRequest(
                url: "https://www.shop.example/cart", fbcCookie: "fb.1.1767225000000.IwAR-earlier",
                fbpCookie: "fb.1.1767225000000.123456789", visitorCookie: visitor.rawValue),
            remembered: nil, at: Self.landing, using: &rng)

        #expect(!visit.isNewVisitor)
        #expect(visit.visitorID == visitor)
        #expect(visit.fbc == "fb.1.1767225000000.IwAR-earlier")
        #expect(visit.fbp == "fb.1.1767225000000.123456789")
        #expect(visit.cookiesToSet.isEmpty)
    }

    @Test func aVisitorWhoseBrowserDroppedMetasCookiesGetsTheRememberedClickAndFbpBack() throws {
        var rng = SeededGenerator(seed: 9)
        let visitor = VisitorID.mint(using: &rng)
        let click = try #require(
            ClickCapture.capture(url: "https://shop.example/?fbclid=IwAR-remembered", referer: nil, at: Self.landing).click)
        let remembered = RememberedVisit(click: click, fbp: "fb.1.1767225600000.42")
        let visit = VisitTracker().visit(
            PageRequest(url: "https://shop.example/checkout", visitorCookie: visitor.rawValue),
            remembered: remembered, at: Timestamp(milliseconds: Self.landing.milliseconds + 3_600_000), using: &rng)

        #expect(visit.fbc == "fb.1.1767225600000.IwAR-remembered")
        #expect(visit.fbp == "fb.1.1767225600000.42")
        let set = Dictionary(uniqueKeysWithValues: visit.cookiesToSet.map { ($0.name, $0.value) })
        #expect(set == ["_fbc": "fb.1.1767225600000.IwAR-remembered", "_fbp": "fb.1.1767225600000.42"])
        #expect(visit.session(consent: .granted).click == click)
    }

    @Test func forwardingHeadersAreBelievedOnlyFromATrustedProxy() throws {
        var rng = SeededGenerator(seed: 10)
        let request = PageRequest(
            url: "https://shop.example/", peerAddress: "10.0.0.5", xForwardedFor: ["203.0.113.77, 10.0.0.9"])
        let behindProxy = VisitTracker(trustedProxies: [try #require(IPAddressRange("10.0.0.0/8"))])
            .visit(request, remembered: nil, at: Self.landing, using: &rng)
        #expect(behindProxy.clientIPAddresses == [try #require(IPAddress("203.0.113.77"))])

        let direct = VisitTracker().visit(request, remembered: nil, at: Self.landing, using: &rng)
        #expect(direct.clientIPAddresses == [try #require(IPAddress("10.0.0.5"))])
    }

    @Test func theMemoryKeepsTheClickOfTheLandingForTheCheckout() async throws {
        let memory = InMemoryVisitorMemory()
        let tracker = VisitTracker(memory: memory)
        let first = await tracker.visit(PageRequest(url: "https://shop.example/?fbclid=IwAR-kept"), at: Self.landing)
        #expect(await memory.recall(first.visitorID)?.click?.fbclid == "IwAR-kept")
        #expect(await memory.recall(first.visitorID)?.fbp == first.fbp)

        // Later, without the Meta cookies but with the visitor cookie.
        let later = await tracker.visit(
            PageRequest(url: "https://shop.example/checkout", visitorCookie: first.visitorID.rawValue),
            at: Timestamp(milliseconds: Self.landing.milliseconds + 60_000))
        #expect(later.fbc == first.fbc)
        #expect(later.fbp == first.fbp)
        #expect(!later.isNewVisitor)
    }

    @Test func theInMemoryMemoryForgetsTheLongestRememberedVisitorsBeyondItsCapacity() async throws {
        var rng = SeededGenerator(seed: 11)
        let memory = InMemoryVisitorMemory(capacity: 3)
        let visitors = (0..<10).map { _ in VisitorID.mint(using: &rng) }
        for (index, visitor) in visitors.enumerated() {
            await memory.remember(RememberedVisit(fbp: "fb.1.1767225600000.\(index)"), for: visitor)
        }
        #expect(await memory.count == 3)
        for visitor in visitors.prefix(7) { #expect(await memory.recall(visitor) == nil) }
        for (index, visitor) in visitors.enumerated().suffix(3) {
            #expect(await memory.recall(visitor)?.fbp == "fb.1.1767225600000.\(index)")
        }
        // Updating a remembered visitor does not make room by forgetting another.
        await memory.remember(RememberedVisit(fbp: "fb.1.1767225600000.99"), for: visitors[9])
        #expect(await memory.count == 3)
        #expect(await memory.recall(visitors[7]) != nil)
    }

    @Test func descriptionsOfRequestsAndVisitsShowNoPersonalData() throws {
        var rng = SeededGenerator(seed: 12)
        let request = PageRequest(
            url: "https://shop.example/?fbclid=IwAR-secret_click&email=jane%40example.com", referer: "https://l.facebook.com/",
            fbpCookie: "fb.1.1767225000000.987654321", peerAddress: "203.0.113.9", userAgent: "AgentSecret/1.0")
        let visit = VisitTracker().visit(request, remembered: nil, at: Self.landing, using: &rng)
        for text in [
            "\(request)", String(reflecting: request), "\(visit)", String(reflecting: visit),
            {
                var out = ""
                dump(request, to: &out)
                dump(visit, to: &out)
                return out
            }(),
        ] {
            for secret in ["IwAR-secret_click", "jane", "987654321", "203.0.113.9", "AgentSecret", visit.visitorID.rawValue] {
                #expect(!text.contains(secret), "\(secret) in \(text)")
            }
        }
    }

    @Test func aConversionSentFromAVisitCarriesTheRequestsClickIDsAddressAndPage() async throws {
        let store = InMemoryEventStore()
        let pixel: PixelID = "111111111111111"
        let capi = CAPIClient(
            destinations: [.init(pixel: PixelDestination(pixelID: pixel, accessToken: AccessToken("EAAB-visit")))], store: store)
        var rng = SeededGenerator(seed: 13)
        let now = Timestamp.now
        let visit = capi.visitTracker().visit(
            PageRequest(
                url: "https://shop.example/checkout?fbclid=IwAR-bought", peerAddress: "198.51.100.20",
                userAgent: "Mozilla/5.0 (X11; Linux x86_64)"),
            remembered: nil, at: now, using: &rng)

        let sent = try await CAPIVisit(visit: visit, client: capi).send(
            .purchase(orderID: "V-1", value: 10, currency: "EUR", eventTime: now),
            customer: CustomerRecord(emails: ["jane.doe@example.com"]), consent: .granted)

        let stored = try #require(
            await store.status(of: EventKey(pixelID: pixel, eventName: .purchase, eventID: sent.eventID.rawValue)))
        let event = try #require(try JSONSerialization.jsonObject(with: Data(stored.json.utf8)) as? [String: Any])
        let userData = try #require(event["user_data"] as? [String: Any])
        #expect(userData["fbc"] as? String == "fb.1.\(now.milliseconds).IwAR-bought")
        #expect(userData["fbp"] as? String == visit.fbp)
        #expect(userData["client_ip_address"] as? String == "198.51.100.20")
        #expect(userData["client_user_agent"] as? String == "Mozilla/5.0 (X11; Linux x86_64)")
        #expect((userData["external_id"] as? [String])?.count == 1)
        #expect(event["event_source_url"] as? String == "https://shop.example/checkout?fbclid=IwAR-bought")
        #expect(event["event_id"] as? String == sent.eventID.rawValue)
    }
}
