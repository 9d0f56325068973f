import CAPIModel
import Delivery
import DeliveryTesting
import Identity
import Testing
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("FastServerEventEncoder writes what JSONEncoder writes")
struct FastEncoderTests {
    static let tricky = [
        "plain", "with \"quotes\"", "back\\slash", "slash/es https://x.example/a?b=c", "tab\tnew\nline\r",
        "bell\u{07} nul\u{00} unit\u{1F} del\u{7F}", "ünïcødé ✓ 🎉", "", "\u{08}\u{0C}", "</script>",
    ]

    static func hash(_ text: String) -> HashedIdentifier { HashedIdentifier(digest: SHA256.hash(text)) }

    static func event(seed: UInt64) throws -> ServerEvent {
        var random = SeededGenerator(seed: seed)
        func maybe<T>(_ value: @autoclosure () -> T) -> T? { Bool.random(using: &random) ? value() : nil }
        func text() -> String { tricky.randomElement(using: &random)! }
        let decimals: [Decimal] = [42.5, 0, 19.99, Decimal(string: "0.1")!, Decimal(string: "123456789.123456")!, -3, 1_000_000]
        var userData = UserData()
        for key in HashedUserDataKey.allCases where Bool.random(using: &random) {
            userData[hashed: key] = (0..<Int.random(in: 1...3, using: &random)).map { hash("\(key)\($0)") }
        }
        if Bool.random(using: &random) {
            userData.emails.append(HashedIdentifier(hexString: String(repeating: "ab", count: 32) + ".AQIBAQEA")!)
        }
        userData.clientIPAddress = maybe("2001:db8::1")
        userData.clientUserAgent = maybe(text())
        userData.fbc = maybe("fb.1.1767225500123.abc")
        userData.fbp = maybe("fb.1.1767225000456.1234567890")
        userData.subscriptionID = maybe(text())
        userData.fbLoginID = maybe("123")
        userData.leadID = maybe("456")
        userData.anonID = maybe(text())
        userData.madid = maybe("ABCD-EF")
        userData.pageID = maybe("789")
        userData.pageScopedUserID = maybe("psid")
        userData.ctwaClid = maybe("clid")
        userData.igAccountID = maybe("ig")
        userData.igSID = maybe("igsid")

        var event = ServerEvent(
            eventName: Bool.random(using: &random) ? .purchase : EventName(text()),
            // Milliseconds: the event keeps the whole second, which is what goes on the wire.
            eventTime: Timestamp(milliseconds: Int64.random(in: 1_700_000_000_000...1_800_000_000_000, using: &random)),
            actionSource: ActionSource.allCases.randomElement(using: &random)!, userData: userData,
            eventID: maybe("order-\(seed)"), eventSourceURL: maybe("https://shop.example.com/a/b?c=d"))
        if Bool.random(using: &random) {
            var custom = CustomData(
                value: maybe(decimals.randomElement(using: &random)!), currency: maybe("EUR"), contentName: maybe(text()),
                contentCategory: maybe(text()), contentIDs: maybe(["sku-1", text()]), contentType: maybe("product"),
                orderID: maybe("o-\(seed)"), predictedLTV: maybe(decimals.randomElement(using: &random)!),
                numItems: maybe(Int.random(in: -5...500, using: &random)), status: maybe(text()), searchString: maybe(text()),
                deliveryCategory: maybe(.homeDelivery), netRevenue: maybe(decimals.randomElement(using: &random)!),
                itemNumber: maybe(text()))
            if Bool.random(using: &random) {
                custom.contents = [
                    Content(id: "sku-1", quantity: 2, itemPrice: 21.25),
                    Content(
                        id: text(), quantity: maybe(1), itemPrice: maybe(decimals.randomElement(using: &random)!),
                        title: maybe(text()),
                        description: maybe(text()), brand: maybe(text()), category: maybe(text()),
                        deliveryCategory: maybe(.curbside)),
                ]
            }
            if Bool.random(using: &random) {
                try custom.customProperties.set(["nested": [1, "two", nil, true]], forKey: "my_prop")
            }
            event.customData = custom
        }
        event.optOut = maybe(Bool.random(using: &random))
        event.dataProcessingOptions = maybe(Bool.random(using: &random) ? ["LDU"] : [])
        event.dataProcessingOptionsCountry = maybe(1)
        event.dataProcessingOptionsState = maybe(1_000)
        event.referrerURL = maybe("https://ref.example.com/")
        event.messagingChannel = maybe(.whatsapp)
        event.advancedMeasurementTable = maybe(text())
        if Bool.random(using: &random) {
            var extinfo = ExtInfo()
            extinfo.version = "i2"
            extinfo.osVersion = "17.0"
            event.appData = AppData(advertiserTrackingEnabled: true, applicationTrackingEnabled: false, extinfo: extinfo)
        }
        if Bool.random(using: &random) {
            var attribution = AttributionData()
            attribution.adID = "ad"
            attribution.attributionShare = 0.5
            attribution.visitTime = maybe(
                Timestamp(milliseconds: Int64.random(in: 1_700_000_000_000...1_800_000_000_000, using: &random)))
            event.attributionData = attribution
        }
        if Bool.random(using: &random) {
            event.originalEventData = OriginalEventData(
                eventName: .purchase,
                eventTime: Timestamp(milliseconds: Int64.random(in: 1_700_000_000_000...1_800_000_000_000, using: &random)),
                orderID: maybe("o-\(seed)"))
        }
        return event
    }

    @Test("random events", arguments: 0..<300)
    func sameBytesAsFoundation(seed: Int) throws {
        let event = try Self.event(seed: UInt64(seed))
        let fast = try FastServerEventEncoder().encode(event)
        let foundation = try FoundationServerEventEncoder().encode(event)
        #expect(fast == foundation)
        #expect(try CAPIJSON.decode(ServerEvent.self, from: Data(fast.utf8)) == event)
    }

    /// Strings of every length up to 40 with characters that need escaping (or almost do)
    /// at random places: the escape check reads eight bytes at a time, so a special byte must
    /// be found in every position of a word and in the tail.
    @Test("random strings with specials anywhere", arguments: 0..<8)
    func specialsAnywhere(seed: Int) throws {
        var random = SeededGenerator(seed: UInt64(seed) &+ 1_000)
        let alphabet: [Character] = [
            "a", "Z", "0", " ", "/", "\"", "\\", "\u{00}", "\u{01}", "\u{08}", "\t", "\n", "\u{0C}", "\r", "\u{1F}", "!", "#",
            "]", "[", "\u{7F}", "é", "✓", "🎉", "\u{21}", "\u{5B}", "\u{5D}", "\u{3C}",
        ]
        for length in 0...40 {
            let text = String(
                (0..<length).map { _ in
                    // Mostly plain text, so a single special byte lands at every position.
                    Int.random(in: 0..<6, using: &random) == 0 ? alphabet.randomElement(using: &random)! : "x"
                })
            var event = Fixtures.purchase("s\(seed)-\(length)")
            event.userData.clientUserAgent = text
            #expect(try FastServerEventEncoder().encode(event) == (try FoundationServerEventEncoder().encode(event)))
        }
    }

    @Test func subSecondTimesGoOutAsWholeSeconds() throws {
        var event = Fixtures.purchase("subsecond")
        event.eventTime = Timestamp(milliseconds: 1_767_225_600_999)
        var attribution = AttributionData()
        attribution.visitTime = Timestamp(milliseconds: 1_767_225_000_001)
        attribution.touchpointTimestamp = Timestamp(milliseconds: 1_767_224_000_500)
        event.attributionData = attribution
        event.originalEventData = OriginalEventData(eventName: .purchase, eventTime: Timestamp(milliseconds: 1_767_000_000_250))
        let fast = try FastServerEventEncoder().encode(event)
        #expect(fast == (try FoundationServerEventEncoder().encode(event)))
        #expect(fast.contains(#""event_time":1767225600,"#))
        #expect(fast.contains(#""attribution_data":{"touchpoint_ts":1767224000,"visit_time":1767225000}"#))
        #expect(fast.contains(#""original_event_data":{"event_name":"Purchase","event_time":1767000000}"#))
        #expect(try CAPIJSON.decode(ServerEvent.self, from: Data(fast.utf8)) == event)
    }

    @Test func trickyStrings() throws {
        for text in Self.tricky {
            var event = Fixtures.purchase(text)
            event.userData.clientUserAgent = text
            #expect(try FastServerEventEncoder().encode(event) == (try FoundationServerEventEncoder().encode(event)))
        }
    }
}
