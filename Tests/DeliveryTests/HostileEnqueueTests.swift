import CAPIModel
import Delivery
import DeliveryTesting
import Matching
import Testing
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Hostile events at the front door: a megabyte string, ten thousand content ids, custom
/// data nested thousands of levels deep, NUL bytes, invalid UTF-8, ten thousand events. Each
/// gets a typed ``DeliveryError`` (or is stored exactly) in bounded time, and a refused batch
/// stores nothing.
@Suite("Hostile input at enqueue")
struct HostileEnqueueTests {
    static func queue() -> (DeliveryQueue, InMemoryEventStore) {
        let store = InMemoryEventStore()
        return (DeliveryQueue(store: store, clock: ManualDeliveryClock(now: Fixtures.t0)), store)
    }

    /// Enqueues `event` (after a valid one, to prove all-or-nothing) and returns the error.
    static func refusal(_ event: ServerEvent) async -> DeliveryError? {
        let (queue, store) = queue()
        let start = ContinuousClock.now
        let error = await #expect(throws: DeliveryError.self) {
            try await queue.enqueue(contentsOf: [Fixtures.purchase("fine"), event], pixel: Fixtures.pixel)
        }
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(await store.counts(pixel: nil) == EventCounts(), "a refused batch stored something")
        #expect(error?.code == .invalidEvent)
        #expect((error?.description.utf8.count ?? 0) < 2_048, "the error is bounded whatever the input")
        #expect((error?.debugDescription.utf8.count ?? 0) < 8_192)
        return error
    }

    static func nested(depth: Int) -> JSONValue {
        var value: JSONValue = "leaf"
        for level in 0..<depth { value = level.isMultiple(of: 2) ? .array([value]) : .object(["k": value]) }
        return value
    }

    static let megabyte = String(repeating: "x", count: 1 << 20)

    /// For importers: each event is checked on its own with every enqueue check, the encoded
    /// size included; the valid ones are stored once, the others named by their index.
    @Test func prepareEachKeepsTheValidEventsOfABatch() async throws {
        let (queue, store) = Self.queue()
        var oversized = Fixtures.purchase("big")
        oversized.customData?.contentName = String(repeating: "x", count: 300_000)
        let batch = [Fixtures.purchase("a"), oversized, Fixtures.purchase(nil), Fixtures.purchase("b")]
        let checked = try queue.prepareEach(batch, pixel: Fixtures.pixel)
        #expect(checked.ready.map(\.key.eventID) == ["a", "b"])
        #expect(checked.issues.map(\.index) == [1, 2])
        #expect(checked.issues.first?.rule == .eventTooLarge)
        #expect(try await queue.enqueue(prepared: checked.ready).insertedCount == 2)
        #expect(try await queue.enqueue(prepared: checked.ready).duplicates.count == 2, "a rerun adds nothing")
        #expect(await store.counts(pixel: nil) == EventCounts(pending: 2))
        await #expect(throws: DeliveryError.self) { try await queue.enqueue(prepared: []) }
    }

    @Test func megabyteEventIDIsRefused() async {
        let error = await Self.refusal(Fixtures.purchase(Self.megabyte))
        #expect(error?.issues.map(\.rule) == [.tooLong])
        #expect(error?.issues.first?.problem.field == "event_id")
        #expect(error?.issues.first?.index == 1)
        #expect((error?.issues.first?.eventID?.utf8.count ?? .max) < 300, "the issue quotes a clipped id")
    }

    /// Fields with their own length limit are refused as too long; any other megabyte string
    /// makes the encoded event too large.
    @Test(
        "a megabyte string anywhere is refused",
        arguments: [
            ("content_name", "event_too_large"), ("order_id", "too_long"), ("user_agent", "too_long"),
            ("event_source_url", "too_long"), ("custom_property", "event_too_large"),
        ])
    func megabyteFieldIsRefused(_ field: String, _ expected: String) async throws {
        var event = Fixtures.purchase("big")
        switch field {
        case "content_name": event.customData?.contentName = Self.megabyte
        case "order_id": event.customData?.orderID = Self.megabyte
        case "user_agent": event.userData.clientUserAgent = Self.megabyte
        case "event_source_url": event.eventSourceURL = "https://shop.example.com/" + Self.megabyte
        default: try event.customData?.customProperties.set(.string(Self.megabyte), forKey: "note")
        }
        let error = await Self.refusal(event)
        #expect(error?.issues.map(\.rule.rawValue) == [expected])
    }

    @Test func tenThousandContentIDsAreRefused() async {
        var event = Fixtures.purchase("many")
        event.customData?.contentIDs = (0..<10_000).map { "sku-\($0)" }
        #expect(await Self.refusal(event)?.issues.map(\.rule) == [.tooLong])
        event.customData?.contentIDs = nil
        event.customData?.contents = (0..<10_000).map { Content(id: "sku-\($0)", quantity: 1) }
        #expect(await Self.refusal(event)?.issues.map(\.rule) == [.tooLong])
    }

    /// Refused before encoding, so the (recursive) encoders never see the nesting.
    @Test("deeply nested custom data is refused before encoding", arguments: [17, 1_000, 20_000])
    func deepCustomData(_ depth: Int) async throws {
        var event = Fixtures.purchase("deep")
        try event.customData?.customProperties.set(Self.nested(depth: depth), forKey: "tree")
        #expect(await Self.refusal(event)?.issues.map(\.rule) == [.tooDeeplyNested])
        // Tear the value down level by level: Swift releases nested enums recursively, which
        // is the caller's stack, not ours, at this depth.
        var value = event.customData?.customProperties["tree"]
        event = Fixtures.purchase("x")
        while let current = value {
            switch current {
            case .array(let items): value = items.first
            case .object(let members): value = members["k"]
            default: value = nil
            }
        }
    }

    @Test func nestingAtTheLimitIsStoredExactly() async throws {
        let (queue, store) = Self.queue()
        var event = Fixtures.purchase("sixteen")
        try event.customData?.customProperties.set(Self.nested(depth: 16), forKey: "tree")
        try await queue.enqueue(event, pixel: Fixtures.pixel)
        let stored = try #require(
            await store.status(of: EventKey(pixelID: Fixtures.pixel, eventName: .purchase, eventID: "sixteen")))
        let decoded = try CAPIJSON.decode(ServerEvent.self, from: Data(stored.json.utf8))
        #expect(decoded.customData?.customProperties["tree"] == Self.nested(depth: 16))
    }

    @Test(
        "control characters in event_id or event_name are refused",
        arguments: [
            "ord\u{0}1", "\u{0}", "ord\n1", "ord\u{1B}1", "ord\u{7F}",
        ])
    func controlCharactersInKey(_ id: String) async {
        #expect(await Self.refusal(Fixtures.purchase(id))?.issues.map(\.rule) == [.controlCharacter])
        var named = Fixtures.purchase("ok")
        named.eventName = EventName(id)
        #expect(await Self.refusal(named)?.issues.map(\.rule) == [.controlCharacter])
    }

    /// NUL bytes and repaired invalid UTF-8 in ordinary text fields are data: stored escaped,
    /// and they read back exactly.
    @Test func nulAndRepairedUTF8InTextAreStoredExactly() async throws {
        let (queue, store) = Self.queue()
        var event = Fixtures.purchase("text")
        let name = "a\u{0}b" + String(decoding: [0xFF, 0xC0, 0x80, 0xED, 0xA0, 0x80], as: UTF8.self) + "\u{1F}"
        event.customData?.contentName = name
        try await queue.enqueue(event, pixel: Fixtures.pixel)
        let stored = try #require(
            await store.status(of: EventKey(pixelID: Fixtures.pixel, eventName: .purchase, eventID: "text")))
        #expect(!stored.json.utf8.contains(0), "NUL is escaped in the stored JSON")
        #expect(JSONSyntax.isObject(stored.json))
        #expect(try CAPIJSON.decode(ServerEvent.self, from: Data(stored.json.utf8)).customData?.contentName == name)
    }

    /// Ten thousand events in one call: validated and stored in one commit, in bounded time.
    @Test func tenThousandEventsInOneCall() async throws {
        let (queue, store) = Self.queue()
        let start = ContinuousClock.now
        let result = try await queue.enqueue(contentsOf: (0..<10_000).map { Fixtures.purchase("n\($0)") }, pixel: Fixtures.pixel)
        #expect(result.insertedCount == 10_000)
        #expect(ContinuousClock.now - start < .seconds(20))
        #expect(await store.counts(pixel: nil).pending == 10_000)
        // One bad event among them refuses the whole call and names it.
        let (other, otherStore) = Self.queue()
        var events = (0..<10_000).map { Fixtures.purchase("m\($0)") }
        events[7_777].eventID = String(repeating: "y", count: 300)
        let error = await #expect(throws: DeliveryError.self) {
            try await other.enqueue(contentsOf: events, pixel: Fixtures.pixel)
        }
        #expect(error?.issues.map(\.index) == [7_777])
        #expect(await otherStore.counts(pixel: nil) == EventCounts())
    }
}
