import CAPIModel
import Delivery
import DeliveryTesting
import MetricsTestKit
import Testing

/// "Never count as delivered what Meta did not acknowledge" and "bounded memory", at the
/// level of the pure rules and of the worker.
@Suite("Acknowledgement and cut answers")
struct AcknowledgementTests {
    static func success(_ received: Int) -> Classification {
        .delivered(EventsResponse(eventsReceived: received, fbtraceID: "T"))
    }

    @Test("a 200 acknowledging fewer events than sent bisects; nothing is delivered", arguments: [2, 3, 50, 1_000])
    func shortfallBisects(_ count: Int) {
        var random = SeededGenerator(seed: 7)
        let batch = (1...count).map { Fixtures.leased(Int64($0)) }
        for received in [0, count / 2, count - 1] {
            let plan = AttemptPlanner().plan(Self.success(received), batch: batch, now: Fixtures.t0, using: &random)
            #expect(plan.events.isEmpty)
            #expect(plan.resend.count == 2)
            #expect(plan.resend.flatMap { $0 } == batch)
            #expect(plan.pixelAction == .none)
        }
    }

    @Test func aSingleUnacknowledgedEventIsRetriedThenParked() {
        var random = SeededGenerator(seed: 7)
        var policy = RetryPolicy()
        policy.maximumAttempts = 3
        let planner = AttemptPlanner(retryPolicy: policy)
        let fresh = planner.plan(Self.success(0), batch: [Fixtures.leased(1)], now: Fixtures.t0, using: &random)
        guard case .retry(let due)? = fresh.events.first?.disposition else {
            Issue.record("expected a retry, got \(fresh.events)")
            return
        }
        #expect(due >= Fixtures.t0)
        let last = planner.plan(Self.success(0), batch: [Fixtures.leased(1, attempts: 2)], now: Fixtures.t0, using: &random)
        guard case .park(let reason)? = last.events.first?.disposition else {
            Issue.record("expected a park, got \(last.events)")
            return
        }
        #expect(reason.code == .retriesExhausted)
        #expect(reason.message.contains("acknowledged 0 of 1 events"))
    }

    @Test("as many or more acknowledged than sent is delivered", arguments: [0, 1, 5])
    func fullAcknowledgement(_ extra: Int) {
        var random = SeededGenerator(seed: 7)
        let batch = (1...4).map { Fixtures.leased(Int64($0)) }
        let plan = AttemptPlanner().plan(Self.success(4 + extra), batch: batch, now: Fixtures.t0, using: &random)
        #expect(plan.events.map(\.disposition) == Array(repeating: .delivered, count: 4))
    }

    @Test func aCutSuccessIsNotDelivered() {
        var cut = RecordingTransport.success(eventCount: 3)
        cut.isTruncated = true
        let classification = ResponseClassifier.classify(cut)
        #expect(classification.outcome == .transient)
        // A cut error answer is still classified by its status where the status decides.
        var throttled = TransportResponse(status: 429, body: #"{"error":{"mess"#)
        throttled.isTruncated = true
        #expect(ResponseClassifier.classify(throttled).outcome == .throttled)
    }

    /// Over the worker: the receipt says `unacknowledged`, halves are resent, each settles on
    /// its own answer.
    @Test func workerResendsHalvesAndRecordsTheShortfall() async throws {
        let harness = WorkerHarness()
        harness.recording.enqueue(.response(RecordingTransport.success(eventCount: 3)))
        try await harness.enqueue(["a", "b", "c", "d"])
        try await harness.run {
            try await eventually("delivered") { await harness.memory.counts(pixel: nil).delivered == 4 }
        }
        #expect(harness.recording.sent.map(\.eventIDs) == [["a", "b", "c", "d"], ["a", "b"], ["c", "d"]])
        let id = try #require(try await harness.status("a")).id
        let history = try await harness.store.attempts(for: id).map(\.receipt)
        #expect(history.map(\.outcome) == [.unacknowledged, .delivered])
        #expect(history.first?.eventsReceived == 3)
        #expect(history.first?.errorMessage == "HTTP 200 but Meta acknowledged 3 of 4 events (events_received)")
        #expect(harness.metrics.counterTotal(label: DeliveryMetricLabel.requests, dimensions: [("outcome", "unacknowledged")]) == 1)
    }
}
