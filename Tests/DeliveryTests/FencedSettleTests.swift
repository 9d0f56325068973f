import CAPIModel
import Delivery
import DeliveryTesting
import InMemoryLogging
import Logging
import MetricsTestKit
import Synchronization
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
                Settlement(
                    attempt: nil,
                    events: taken.map {
                        EventSettlement(
                            $0, disposition: .park(ParkReason(code: .rejected, message: "parked by the other instance")))
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
        // The late 200 delivered nothing the store kept: the counters say what the store recorded.
        #expect(harness.metrics.counterTotal(label: DeliveryMetricLabel.delivered, dimensions: []) == 0)
        #expect(harness.metrics.counterTotal(label: DeliveryMetricLabel.requests, dimensions: [("outcome", "delivered")]) == 1)
    }
}

/// Issue 20.2: a bisection of many requests outlives the lease it started under; the worker
/// renews the lease before a request that could outlive it, so no other worker can lease the
/// events meanwhile.
@Suite("Lease renewal during a long attempt")
struct LeaseRenewalTests {
    /// Answers code 100 for any request carrying the bad event, 200 otherwise; each request
    /// takes 9 s of the manual clock, and meanwhile "another instance" tries to lease.
    final class SlowBisectingTransport: Transport, Sendable {
        let clock: ManualDeliveryClock
        let store: InMemoryEventStore
        let stolen = Mutex(0)
        let requests = Mutex(0)

        init(clock: ManualDeliveryClock, store: InMemoryEventStore) {
            self.clock = clock
            self.store = store
        }

        func send(_ request: TransportRequest) async throws -> TransportResponse {
            requests.withLock { $0 += 1 }
            clock.advance(by: .seconds(9))
            let taken = try await store.lease(pixel: Fixtures.pixel, now: clock.now, limit: 100, leaseDuration: .seconds(1))
            stolen.withLock { $0 += taken.count }
            let ids = RecordingTransport.eventIDs(in: request.body)
            if ids.contains("b7") {
                return RecordingTransport.graphError(
                    code: 100, subcode: 2_804_050, message: "Invalid parameter", userMessage: "event b7 is invalid")
            }
            return RecordingTransport.success(eventCount: ids.count)
        }
    }

    @Test func aLongBisectionRenewsItsLease() async throws {
        let clock = ManualDeliveryClock(now: Fixtures.t0)
        let store = InMemoryEventStore()
        let transport = SlowBisectingTransport(clock: clock, store: store)
        let queue = DeliveryQueue(store: store, clock: clock)
        var configuration = DeliveryWorker.Configuration()
        configuration.idlePollInterval = .seconds(3_600)
        configuration.leaseDuration = .seconds(60)
        configuration.requestTimeout = .seconds(10)
        configuration.maximumConcurrentRequests = 1
        let worker = DeliveryWorker(
            queue: queue, transport: transport, destinations: [Fixtures.destination], configuration: configuration,
            clock: clock)
        try await queue.enqueue(contentsOf: (1...16).map { Fixtures.purchase("b\($0)") }, pixel: Fixtures.pixel)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            try await eventually("settled") {
                let counts = await store.counts(pixel: nil)
                return counts.delivered == 15 && counts.parked == 1
            }
            group.cancelAll()
        }
        // The attempt lasted longer than the lease it started with...
        #expect(transport.requests.withLock { $0 } * 9 > 60)
        // ...and no other worker could lease its events meanwhile.
        #expect(transport.stolen.withLock { $0 } == 0)
    }
}
