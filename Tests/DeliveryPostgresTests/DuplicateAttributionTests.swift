import Testing

/// The verdict of the multi-instance kill test on made-up runs, so that the runs it must fail
/// are known to fail it (no PostgreSQL needed).
@Suite("Duplicate attribution of the multi-instance test")
struct DuplicateAttributionTests {
    typealias Delivery = DuplicateAttribution.Delivery

    static func ids(_ range: Range<Int>) -> [String] { range.map { "e\($0)" } }

    @Test func theVictimsEventsReSentBySurvivorsAreTheVictimsDuplicates() {
        let attribution = DuplicateAttribution([
            Delivery(sender: "w0", eventIDs: Self.ids(0..<100)),
            Delivery(sender: "w1", eventIDs: Self.ids(100..<200)),  // w1 is killed before it settles
            Delivery(sender: "w1", eventIDs: Self.ids(200..<300)),  // and this one too
            Delivery(sender: "w2", eventIDs: Self.ids(300..<400)),
            Delivery(sender: "w0", eventIDs: Self.ids(100..<200)),  // leases expired: survivors re-send
            Delivery(sender: "w2", eventIDs: Self.ids(200..<300)),
        ])
        #expect(attribution.receivedEventCount == 400)
        #expect(attribution.receiptCount == 600)
        #expect(attribution.causedBy == ["w1": 200])
        #expect(attribution.sentBy == ["w0": 100, "w2": 100])
        #expect(attribution.violations(victim: "w1", inFlightCapacity: 200).isEmpty)
        #expect(attribution.summary(victim: "w1").contains("caused by the killed w1 200, by survivors 0"))
    }

    @Test func aSurvivorSendingOneEventTwiceFailsEvenWhenTheVictimAddsNone() {
        let attribution = DuplicateAttribution([
            Delivery(sender: "w0", eventIDs: Self.ids(0..<100)),
            Delivery(sender: "w1", eventIDs: Self.ids(100..<200)),
            Delivery(sender: "w0", eventIDs: ["e7"]),
        ])
        #expect(attribution.duplicates == [.init(eventID: "e7", causedBy: "w0", sentBy: "w0")])
        // The old check (all duplicates ≤ 2 × 100) passed this run.
        #expect(attribution.duplicates.count <= 200)
        let violations = attribution.violations(victim: "w1", inFlightCapacity: 200)
        #expect(violations.count == 1)
        #expect(violations.first?.contains("caused by w0, which was not killed") == true)
    }

    @Test func aSurvivorReSendingAVictimsEventThatAnotherSurvivorAlreadyReSentIsTheSurvivors() {
        // w1's event goes to w0 after the kill; w0 loses that lease too and w2 sends it a third time.
        let attribution = DuplicateAttribution([
            Delivery(sender: "w1", eventIDs: ["e1"]),
            Delivery(sender: "w0", eventIDs: ["e1"]),
            Delivery(sender: "w2", eventIDs: ["e1"]),
        ])
        #expect(attribution.causedBy == ["w1": 1, "w0": 1])
        #expect(attribution.violations(victim: "w1", inFlightCapacity: 200).count == 1)
    }

    @Test func moreVictimDuplicatesThanItsInFlightCapacityFail() {
        let attribution = DuplicateAttribution([
            Delivery(sender: "w1", eventIDs: Self.ids(0..<201)),
            Delivery(sender: "w0", eventIDs: Self.ids(0..<201)),
        ])
        #expect(
            attribution.violations(victim: "w1", inFlightCapacity: 200) == [
                "201 duplicates caused by the killed w1 exceed its in-flight capacity 200"
            ])
        #expect(attribution.violations(victim: "w1", inFlightCapacity: 201).isEmpty)
    }
}
