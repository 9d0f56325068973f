import CAPIModel
import Delivery
import Testing

/// The coverage counters both stores add, built once in Delivery.
@Suite struct CoverageIncrementsTests {
    static func event(_ id: String, pixel: PixelID, name: EventName, keys: UserDataKeySet) -> PendingEvent {
        PendingEvent(
            key: EventKey(pixelID: pixel, eventName: name, eventID: id), eventTime: Timestamp(seconds: 1_767_225_000),
            actionSource: .website, json: "{}", matchKeys: keys)
    }

    @Test func eventsAndMergedCoverageSumPerCounterInLockOrder() {
        var increments = StoredCoverage.Increments()
        #expect(increments.isEmpty)
        increments.count(Self.event("a", pixel: "2", name: .purchase, keys: UserDataKeySet(.email).union(UserDataKeySet(.phone))))
        increments.count(Self.event("b", pixel: "2", name: .purchase, keys: UserDataKeySet(.email)))
        increments.count(Self.event("c", pixel: "1", name: .lead, keys: UserDataKeySet()))
        var merged = MatchKeyCoverage()
        merged.record(eventName: .purchase, keys: [.email])
        merged.recordRejection(eventName: .purchase, key: .phone, reason: "missing_region")
        increments.add(merged, pixel: "2")
        #expect(!increments.isEmpty)

        let rows = increments.sorted.map {
            "\($0.counter.pixelID)/\($0.counter.eventName.rawValue)/\($0.counter.counter)=\($0.value)"
        }
        #expect(
            rows == [
                "1/Lead/events=1",
                "2/Purchase/events=3",
                "2/Purchase/key:em=3",
                "2/Purchase/key:ph=1",
                "2/Purchase/rejected:ph:missing_region=1",
            ])
    }
}
