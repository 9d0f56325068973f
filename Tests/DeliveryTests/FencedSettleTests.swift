import CAPIModel
import Delivery
import DeliveryTesting
import InMemoryLogging
import Logging
import MetricsTestKit
import Testing

/// Issue 20.1: a worker whose request outlives its lease must not overwrite what the next
/// holder of the lease did with the events.
@Suite("Fenced settles in the worker")
struct FencedSettleTests {
    @Test func aLateAnswerDoesNotOverwriteTheNextLeaseHolder() async throws {
        let gate = GatedTransport()
        let harness = WorkerHarness(transport: gate) {
            $0.leaseDuration = .seconds(30)
            $0.maximumConcurrentRequests = 1  // its one slot is busy: the other instance is the test
        }
        try await harness.enqueue(["late-1", "late-2"])
        try await harness.run {
            // The worker leases both events and its request hangs.
            try await eventually("the request started") { gate.started == 1 }
            // Its lease runs out; another instance leases the events and parks them.
            harness.clock.advance(by: .seconds(31))
            let taken = try await harness.store.lease(
                pixel: Fixtures.pixel, now: harness.clock.now, limit: 10, leaseDuration: .seconds(60))
            #expect(taken.count == 2)
            try await harness.store.settle(
                Settlement(attempt: nil, events: taken.map {
                    EventSettlement($0, disposition: .park(ParkReason(code: .rejected, message: "parked by the other instance")))
                }), at: harness.clock.now)
            // Now Meta's 200 reaches the first worker: its settle finds the lease gone.
            gate.open()
            try await eventually("the late settle was counted") {
                harness.metrics.counterTotal(label: DeliveryMetricLabel.lostLeases, dimensions: []) == 2
            }
        }
        for id in ["late-1", "late-2"] {
            let status = try #require(try await harness.status(id))
            #expect(status.state == .parked, "the late 200 turned a park into a delivery")
            #expect(status.parkReason?.message == "parked by the other instance")
        }
        #expect(harness.logs.entries.contains { $0.level == .warning && "\($0.message)".contains("lease taken over") })
    }
}
