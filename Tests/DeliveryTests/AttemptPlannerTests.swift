import CAPIModel
import Delivery
import DeliveryTesting
import Testing

@Suite("AttemptPlanner: the retry state machine")
struct AttemptPlannerTests {
    let planner = AttemptPlanner()
    let now = Fixtures.t0
    let graph100 = GraphError(message: "Invalid parameter", code: 100, errorSubcode: 2_804_050)

    @Test func deliveredMarksEveryEvent() {
        var random = SeededGenerator(seed: 1)
        let plan = planner.plan(
            .delivered(EventsResponse(eventsReceived: 2)), batch: [Fixtures.leased(1), Fixtures.leased(2)], now: now,
            using: &random)
        #expect(plan.events.map(\.disposition) == [.delivered, .delivered])
        #expect(plan.pixelAction == .none)
        #expect(plan.resend.isEmpty)
    }

    @Test func transientRetriesTheWholeBatchAtOneJitteredTime() {
        var random = SeededGenerator(seed: 1)
        let plan = planner.plan(
            .transient(reason: "503", error: nil), batch: [Fixtures.leased(1, attempts: 2), Fixtures.leased(2)], now: now,
            using: &random)
        let dues = plan.events.compactMap { settlement -> Timestamp? in
            if case .retry(let at) = settlement.disposition { return at }
            return nil
        }
        #expect(dues.count == 2)
        #expect(Set(dues).count == 1)
        // The batch's attempt number is 3 (max attempts + 1): ceiling 2 s * 4 = 8 s.
        #expect(dues[0] >= now && dues[0] <= now + .seconds(8))
    }

    @Test func exhaustedEventsArePark() {
        var policy = RetryPolicy()
        policy.maximumAttempts = 3
        let planner = AttemptPlanner(retryPolicy: policy)
        var random = SeededGenerator(seed: 1)
        let plan = planner.plan(
            .unexpected(GraphError(message: "odd", code: 3)),
            batch: [Fixtures.leased(1, attempts: 2), Fixtures.leased(2, attempts: 1)],
            now: now, using: &random)
        guard case .park(let reason) = plan.events[0].disposition else {
            Issue.record("expected a park")
            return
        }
        #expect(reason.code == .retriesExhausted)
        #expect(reason.graphCode == 3)
        #expect(reason.message.contains("3 attempts"))
        if case .retry = plan.events[1].disposition {} else { Issue.record("second event should retry") }
    }

    @Test func throttlingPausesThePixelAndReleasesWithoutCounting() {
        var random = SeededGenerator(seed: 1)
        let plan = planner.plan(
            .throttled(regainAccessAfter: .seconds(300), error: nil), batch: [Fixtures.leased(1)], now: now, using: &random)
        #expect(plan.pixelAction == .pause(until: now + .seconds(300)))
        #expect(plan.events.map(\.disposition) == [.release(at: now + .seconds(300))])
    }

    @Test func throttlingWithoutAHeaderUsesTheDefaultAndCapsHugeValues() {
        var random = SeededGenerator(seed: 1)
        let plain = planner.plan(
            .throttled(regainAccessAfter: nil, error: nil), batch: [Fixtures.leased(1)], now: now, using: &random)
        #expect(plain.pixelAction == .pause(until: now + RetryPolicy().defaultThrottlePause))
        let huge = planner.plan(
            .throttled(regainAccessAfter: .seconds(10_000_000), error: nil), batch: [Fixtures.leased(1)], now: now, using: &random
        )
        #expect(huge.pixelAction == .pause(until: now + RetryPolicy().maximumThrottlePause))
    }

    @Test func rejectedCredentialsSuspendWithoutBurningBudget() {
        var random = SeededGenerator(seed: 1)
        let error = GraphError(message: "Session has expired", code: 190, errorSubcode: 463)
        let plan = planner.plan(.credentialsRejected(error), batch: [Fixtures.leased(1, attempts: 5)], now: now, using: &random)
        #expect(plan.pixelAction == .suspendForCredentials(error))
        #expect(plan.events.map(\.disposition) == [.release(at: now)])
    }

    @Test func code100OnABatchBisects() {
        var random = SeededGenerator(seed: 1)
        let batch = (1...5).map { Fixtures.leased(Int64($0)) }
        let plan = planner.plan(.invalidParameter(graph100), batch: batch, now: now, using: &random)
        #expect(plan.events.isEmpty)
        #expect(plan.resend.map { $0.map(\.id.rawValue) } == [[1, 2], [3, 4, 5]])
    }

    @Test func code100OnOneEventParksItAsRejected() {
        var random = SeededGenerator(seed: 1)
        let plan = planner.plan(.invalidParameter(graph100), batch: [Fixtures.leased(9)], now: now, using: &random)
        guard case .park(let reason) = plan.events.first?.disposition else {
            Issue.record("expected a park")
            return
        }
        #expect(reason.code == .rejected)
        #expect(reason.graphCode == 100)
        #expect(reason.graphSubcode == 2_804_050)
    }

    @Test(
        "expiry: 7 days, 62 for physical_store",
        arguments: [
            (ActionSource.website, Duration.seconds(7 * 86_400 - 1), false),
            (.website, .seconds(7 * 86_400 + 1), true),
            (.physicalStore, .seconds(30 * 86_400), false),
            (.physicalStore, .seconds(62 * 86_400 + 1), true),
        ])
    func expiry(_ source: ActionSource, _ age: Duration, _ expired: Bool) {
        let event = Fixtures.leased(1, time: now - age, source: source)
        let (send, parked) = planner.partitionExpired([event], now: now)
        #expect(parked.count == (expired ? 1 : 0))
        #expect(send.count == (expired ? 0 : 1))
        if expired, case .park(let reason) = parked[0].disposition {
            #expect(reason.code == .expired)
        }
    }
}

@Suite("PixelGate")
struct PixelGateTests {
    let now = Fixtures.t0

    func isOpen(_ gate: inout PixelGate, _ time: Timestamp) -> Bool { gate.isOpen(at: time) }

    @Test func pauseOpensByItself() {
        var gate = PixelGate()
        #expect(isOpen(&gate, now))
        gate.apply(.pause(until: now + .seconds(60)))
        #expect(!isOpen(&gate, now + .seconds(59)))
        #expect(gate.reopensAt == now + .seconds(60))
        #expect(isOpen(&gate, now + .seconds(60)))
        #expect(gate.state == .open)
    }

    @Test func laterPauseWins() {
        var gate = PixelGate()
        gate.apply(.pause(until: now + .seconds(60)))
        gate.apply(.pause(until: now + .seconds(30)))
        #expect(gate.reopensAt == now + .seconds(60))
    }

    @Test func suspensionNeedsNewCredentials() {
        var gate = PixelGate()
        gate.apply(.suspendForCredentials(GraphError(message: "expired", code: 190)))
        gate.apply(.pause(until: now + .seconds(1)))
        #expect(!isOpen(&gate, now + .seconds(3_600)))
        #expect(gate.reopensAt == nil)
        gate.credentialsReplaced()
        #expect(isOpen(&gate, now))
    }
}
