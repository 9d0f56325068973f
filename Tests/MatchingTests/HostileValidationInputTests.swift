import CAPIModel
import Foundation
import Identity
import Matching
import Testing

/// Hostile input to validation and user_data assembly: every problem is reported with a
/// typed code, in bounded time, and nothing quotes the hostile value.
@Suite("Hostile input to validation and assembly")
struct HostileValidationInputTests {
    static let now = EventValidatorTests.now
    static let megabyte = String(repeating: "\u{0}x", count: 1 << 19)

    static func nested(depth: Int) -> JSONValue {
        var value: JSONValue = 1
        for _ in 0..<depth { value = .array([value]) }
        return value
    }

    static func problems(_ event: ServerEvent) -> [EventValidationError] {
        let start = ContinuousClock.now
        let problems = EventValidator().problems(in: event, now: Self.now)
        #expect(ContinuousClock.now - start < .seconds(1))
        for problem in problems { #expect(problem.description.utf8.count < 1_024) }
        return problems
    }

    @Test(
        "C0, DEL and C1 control characters are refused in event_name and event_id",
        arguments: [
            "\u{1B}[2J", "\u{7F}", "\u{80}", "\u{85}", "\u{9B}31m", "\u{9F}",
        ])
    func controlCharactersAreRefused(_ control: String) {
        var event = EventValidatorTests.websitePurchase()
        event.eventID = "ord_" + control
        event.eventName = EventName("Purchase" + control)
        let fields = Set(Self.problems(event).filter { $0.code == .controlCharacter }.map(\.field))
        #expect(fields == ["event_name", "event_id"])
    }

    @Test func printableNonASCIIIsNotAControlCharacter() {
        var event = EventValidatorTests.websitePurchase()
        event.eventID = "ord_\u{A0}é\u{C0}\u{100}日本"  // the neighbours of U+0080–U+009F in UTF-8
        event.eventName = EventName("Achat_é")
        #expect(!Self.problems(event).contains { $0.code == .controlCharacter })
    }

    @Test func megabyteStringsAreTooLong() {
        var event = EventValidatorTests.websitePurchase()
        event.eventID = Self.megabyte
        event.eventSourceURL = "https://shop.example.com/" + Self.megabyte
        event.referrerURL = Self.megabyte
        event.userData.clientUserAgent = Self.megabyte
        event.customData?.orderID = Self.megabyte
        event.userData.leadID = Self.megabyte
        event.eventName = EventName(Self.megabyte)
        let fields = Set(Self.problems(event).filter { $0.code == .tooLong }.map(\.field))
        #expect(
            fields == [
                "event_name", "event_id", "event_source_url", "referrer_url", "user_data.client_user_agent",
                "custom_data.order_id", "user_data.lead_id",
            ])
    }

    @Test func tenThousandContentIDsAreTooLong() {
        var event = EventValidatorTests.websitePurchase()
        event.customData?.contentIDs = (0..<10_000).map { "sku-\($0)" }
        event.customData?.contents = (0..<10_000).map { Content(id: "sku-\($0)") }
        #expect(Set(Self.problems(event).map(\.field)) == ["custom_data.content_ids", "custom_data.contents"])
    }

    @Test("deep custom data is reported, at any depth", arguments: [17, 5_000])
    func deepCustomData(_ depth: Int) throws {
        var event = EventValidatorTests.websitePurchase()
        try event.customData?.customProperties.set(Self.nested(depth: depth), forKey: "tree")
        #expect(Self.problems(event).map(\.code) == [.tooDeeplyNested])
        var value = event.customData?.customProperties["tree"]
        event = EventValidatorTests.websitePurchase()
        while case .array(let items)? = value { value = items.first }  // release level by level
        try event.customData?.customProperties.set(Self.nested(depth: 16), forKey: "tree")
        #expect(Self.problems(event).isEmpty)
    }

    /// A customer record of hostile values: each is rejected with a typed reason (visible in
    /// the provenance), the rest of the record still becomes user_data.
    @Test func hostileCustomerRecordIsAssembledSafely() {
        let hostile = [
            Self.megabyte, String(decoding: [0xFF, 0xFE, 0xC0, 0x80], as: UTF8.self), "\u{0}\u{0}", "",
        ]
        for value in hostile {
            let customer = CustomerRecord(
                emails: [value, "jane@example.com"], phones: [value], firstName: value, lastName: value, gender: value,
                dateOfBirth: value, city: value, state: value, zipCode: value, country: value, userID: value)
            let start = ContinuousClock.now
            let assembled = UserDataAssembler().assemble(customer, session: SessionContext(consent: .granted))
            #expect(ContinuousClock.now - start < .seconds(1))
            #expect(assembled.userData.emails.count >= 1, "the good email survives")
            for provenance in assembled.provenance where provenance.origin == .rejected {
                #expect(provenance.description.utf8.count < 200)
            }
        }
        // Ten thousand emails and phones: the first twenty of each are hashed, the rest are
        // recorded as rejected, in bounded time (values are deduplicated pairwise, so an
        // uncapped record took 15 s in a debug build).
        let many = CustomerRecord(
            emails: (0..<10_000).map { "buyer\($0)@example.com" },
            phones: (0..<10_000).map { "+44 20 7946 \(String(String(10_000 + $0).dropFirst()))" })
        let start = ContinuousClock.now
        let assembled = UserDataAssembler().assemble(many, session: SessionContext(consent: .granted))
        #expect(ContinuousClock.now - start < .seconds(1))
        #expect(assembled.userData.emails.count == 20)
        #expect(assembled.userData.phones.count == 20)
        #expect(assembled.provenance.filter { $0.reason == "too_many_values" }.count == 2 * 9_980)
        var event = EventValidatorTests.websitePurchase()
        event.userData = assembled.userData
        event.userData.clientUserAgent = "Mozilla/5.0"
        #expect(Self.problems(event).isEmpty)
    }

    /// X-Forwarded-For and Forwarded headers of a megabyte or ten thousand hops resolve in
    /// linear time to a typed answer.
    @Test func hostileForwardingHeaders() {
        let resolver = ClientIPResolver(trustedProxies: IPAddressRange.privateNetworks)
        let hops = Array(repeating: "10.0.0.1", count: 10_000).joined(separator: ", ")
        let garbage = String(repeating: "for=\"[::1", count: 100_000)
        for (forwarded, xff) in [([String](), [hops]), ([garbage], []), ([], [Self.megabyte]), ([hops], [hops])] {
            let start = ContinuousClock.now
            let resolution = resolver.resolve(peerAddress: "10.0.0.2", forwarded: forwarded, xForwardedFor: xff)
            #expect(ContinuousClock.now - start < .seconds(2))
            #expect(resolution.address != nil || resolution.problem != nil)
        }
    }
}

/// Regressions found by `FuzzClientIP`.
@Suite("Forwarding hops are read strictly")
struct ForwardingHopRegressionTests {
    /// `Fuzz/Corpus/FuzzClientIP/regression-bracket-trailer`: text after `]` that is not a
    /// port was ignored, so `[2001:db8::1]junk` read as 2001:db8::1. Now the hop is unreadable.
    @Test(
        "a hop is an address, optionally with a port, and nothing else",
        arguments: [
            ("[2001:db8::1]", "2001:db8::1"), ("[2001:db8::1]:443", "2001:db8::1"), ("[2001:db8::1]:_hidden", "2001:db8::1"),
            ("198.51.100.7:8080", "198.51.100.7"), ("198.51.100.7:_x-1.a", "198.51.100.7"), ("2001:db8::7", "2001:db8::7"),
            ("[2001:db8::1]Ffd", nil), ("[2001:db8::1]:", nil), ("[2001:db8::1]:123456", nil), ("[2001:db8::1]:44a", nil),
            ("198.51.100.7:", nil), ("198.51.100.7:x", nil), ("198.51.100.7:_", nil), ("198.51.100.7:12:34", nil),
            ("[2001:db8::1] :443", nil), ("198.51.100.7:٤٤٣", nil),
        ] as [(String, String?)])
    func strictHops(_ hop: String, _ expected: String?) {
        let resolver = ClientIPResolver()
        let resolution = resolver.resolve(peerAddress: hop)
        #expect(resolution.address?.description == expected)
        #expect(resolution.problem == (expected == nil ? .unreadableHop : nil))
        let forwarded = resolver.resolve(peerAddress: nil, forwarded: ["for=\"\(hop)\""])
        #expect(forwarded.address?.description == expected)
    }
}
