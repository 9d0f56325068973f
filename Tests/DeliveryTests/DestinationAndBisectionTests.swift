import CAPIModel
import Delivery
import DeliveryTesting
import InMemoryLogging
import Logging
import MetricsTestKit
import Testing

/// Answers that say the destination is wrong (code 100/33, code 3) suspend the pixel instead of
/// bisecting or retrying, and bisection stops when both halves share a request-level answer.
@Suite("Destination errors and bounded bisection")
struct DestinationAndBisectionTests {
    static let notAccessible = GraphError(
        message: "Unsupported post request. Object with ID '1234567890' does not exist, cannot be loaded due to missing "
            + "permissions, or does not support this operation", type: "GraphMethodException", code: 100, errorSubcode: 33)
    static let unknownMethod = GraphError(message: "(#3) Unknown method", code: 3)
    static let requestLevel = GraphError(message: "Invalid parameter", code: 100)

    // MARK: Pure rules

    @Test func destinationErrorsAreClassifiedAsSuch() {
        let wrongPixel = RecordingTransport.graphError(code: 100, subcode: 33, message: "Unsupported post request")
        let wrongVersion = RecordingTransport.graphError(code: 3, message: "(#3) Unknown method")
        #expect(ResponseClassifier.classify(wrongPixel).outcome == .destinationRejected)
        #expect(ResponseClassifier.classify(wrongVersion).outcome == .destinationRejected)
        // Another code 100 subcode is still about the batch.
        #expect(ResponseClassifier.classify(RecordingTransport.graphError(code: 100, subcode: 34)).outcome == .invalidParameter)
    }

    @Test("destination errors suspend at once, events untouched", arguments: [notAccessible, unknownMethod])
    func destinationErrorsSuspend(_ error: GraphError) {
        var random = SeededGenerator(seed: 1)
        let batch = (1...16).map { Fixtures.leased(Int64($0), attempts: 3) }
        let plan = AttemptPlanner().plan(.destinationRejected(error), batch: batch, now: Fixtures.t0, using: &random)
        #expect(plan.resend.isEmpty, "never bisected")
        #expect(plan.pixelAction == .suspendForCredentials(error))
        #expect(plan.events.map(\.disposition) == Array(repeating: .release(at: Fixtures.t0), count: 16))
    }

    @Test func suspensionReasonsSayWhatIsWrongAndHowToFixIt() {
        let pixel = Fixtures.pixel
        #expect(SuspensionReason(Self.notAccessible) == .pixelNotAccessible)
        #expect(SuspensionReason(Self.unknownMethod) == .unsupportedEndpoint)
        #expect(SuspensionReason(GraphError(message: "expired", code: 190, errorSubcode: 463)) == .credentialsRejected)
        #expect(SuspensionReason.pixelNotAccessible.errorCode == .pixelNotAccessible)
        #expect(SuspensionReason.unsupportedEndpoint.errorCode == .unsupportedEndpoint)
        let noAccess = SuspensionReason.pixelNotAccessible.explanation(pixel: pixel, error: Self.notAccessible)
        #expect(noAccess.contains("100/33") && noAccess.contains("pixel (dataset) id is wrong"))
        #expect(noAccess.contains("no access to the dataset") && noAccess.contains("replaceCredentials"))
        #expect(noAccess.contains("events stay queued"))
        let endpoint = SuspensionReason.unsupportedEndpoint.explanation(pixel: pixel, error: Self.unknownMethod)
        #expect(endpoint.contains("Graph error 3") && endpoint.contains("version or path is wrong"))
        #expect(endpoint.contains("graphVersion") && endpoint.contains("restart"))
        let stored = PixelSuspension(error: Self.unknownMethod, since: Fixtures.t0, rejectedCredentials: [])
        #expect(stored.reason == .unsupportedEndpoint)
    }

    @Test func theEndpointIsPartOfTheFingerprint() {
        var fixed = Fixtures.destination
        fixed.graphVersion = "v25.0"
        #expect(CredentialFingerprint(Fixtures.destination) != CredentialFingerprint(fixed))
        var otherHost = Fixtures.destination
        otherHost.baseURL = "http://127.0.0.1:9"
        #expect(CredentialFingerprint(Fixtures.destination) != CredentialFingerprint(otherHost))
        #expect(CredentialFingerprint(Fixtures.destination) == CredentialFingerprint(Fixtures.destination))
        // Without an endpoint the fingerprint is the one earlier versions stored.
        #expect(
            CredentialFingerprint(accessToken: AccessToken("t"), appSecret: nil)
                != CredentialFingerprint(accessToken: AccessToken("t"), appSecret: nil, endpoint: "x"))
    }

    @Test func aCode100NamingAnEventHasNoRequestLevelCause() {
        let detailed = GraphError(
            message: "Invalid parameter", code: 100, errorSubcode: 2_804_050, errorUserTitle: "Invalid event",
            errorUserMessage: "data[3]: event_time is too old")
        #expect(AttemptPlanner.splitCause(of: .invalidParameter(detailed), eventCount: 8) == nil)
        #expect(
            AttemptPlanner.splitCause(of: .invalidParameter(Self.requestLevel), eventCount: 8)
                == .invalidParameter(code: 100, subcode: nil))
        let short = Classification.delivered(EventsResponse(eventsReceived: 7, fbtraceID: "T"))
        #expect(AttemptPlanner.splitCause(of: short, eventCount: 8) == .unacknowledged(missing: 1, sent: 8))
        #expect(AttemptPlanner.splitCause(of: short, eventCount: 7) == nil)
        #expect(AttemptPlanner.splitCause(of: .unexpected(Self.unknownMethod), eventCount: 8) == nil)
    }

    @Test func bothHalvesSharingARequestLevelAnswerFailAsOne() {
        let code100 = AttemptPlanner.SplitCause.invalidParameter(code: 100, subcode: nil)
        #expect(AttemptPlanner.failsAsOne(code100, first: code100, second: code100))
        #expect(!AttemptPlanner.failsAsOne(code100, first: code100, second: .invalidParameter(code: 100, subcode: 2)))
        #expect(!AttemptPlanner.failsAsOne(code100, first: code100, second: nil))
        #expect(!AttemptPlanner.failsAsOne(code100, first: nil, second: code100))
        // A request that always loses one event: halves miss one each, not one in all.
        #expect(
            AttemptPlanner.failsAsOne(
                .unacknowledged(missing: 1, sent: 8), first: .unacknowledged(missing: 1, sent: 4),
                second: .unacknowledged(missing: 1, sent: 4)))
        // Nothing acknowledged anywhere.
        #expect(
            AttemptPlanner.failsAsOne(
                .unacknowledged(missing: 8, sent: 8), first: .unacknowledged(missing: 4, sent: 4),
                second: .unacknowledged(missing: 4, sent: 4)))
        // Two particular events dropped, one in each half: keep splitting to find them.
        #expect(
            !AttemptPlanner.failsAsOne(
                .unacknowledged(missing: 2, sent: 8), first: .unacknowledged(missing: 1, sent: 4),
                second: .unacknowledged(missing: 1, sent: 4)))
    }

    @Test func aBatchSettledAsOne() {
        var random = SeededGenerator(seed: 3)
        let batch = (1...8).map { Fixtures.leased(Int64($0)) }
        let rejected = AttemptPlanner().planAsOne(
            .invalidParameter(Self.requestLevel), batch: batch, now: Fixtures.t0, using: &random)
        #expect(rejected.resend.isEmpty)
        for settlement in rejected.events {
            guard case .park(let reason) = settlement.disposition else {
                Issue.record("expected a park, got \(settlement.disposition)")
                continue
            }
            #expect(reason.code == .rejected && reason.graphCode == 100)
            #expect(reason.message.contains("request as a whole"))
        }
        let short = AttemptPlanner().planAsOne(
            .delivered(EventsResponse(eventsReceived: 3, fbtraceID: "T")), batch: batch, now: Fixtures.t0, using: &random)
        #expect(short.resend.isEmpty)
        let dues = Set(short.events.map(\.disposition))
        #expect(dues.count == 1, "one delay for the whole batch")
        guard case .retry? = dues.first else {
            Issue.record("expected a retry, got \(dues)")
            return
        }
    }

    // MARK: Worker

    /// Issue 13, item 9: 16 events answered 100/33 cost 1 request, not 31, and stay queued.
    @Test func code100Subcode33SuspendsThePixelWithoutBisecting() async throws {
        let harness = WorkerHarness()
        harness.recording.setFallback(
            .response(
                RecordingTransport.graphError(
                    code: 100, subcode: 33, message: "Unsupported post request. Object with ID does not exist",
                    type: "GraphMethodException")))
        let ids = (1...16).map { "n\($0)" }
        try await harness.enqueue(ids)
        try await harness.run {
            try await eventually("suspended") { harness.worker.status(of: Fixtures.pixel)?.error != nil }
            harness.clock.advance(by: .seconds(7_200))
            for _ in 0..<50 { await Task.yield() }
            #expect(harness.recording.sent.count == 1, "one request, no bisection, no retry")
            #expect(try await harness.store.counts(pixel: nil) == EventCounts(pending: 16))
            #expect(try await harness.status("n1")?.attempts == 0)
            let status = try #require(harness.worker.status(of: Fixtures.pixel))
            #expect(status.error?.code == .pixelNotAccessible)
            #expect(status.error?.message.contains("pixel (dataset) id is wrong") == true)
            let hold = try #require(try await harness.store.pixelHolds(at: harness.clock.now)[Fixtures.pixel])
            #expect(hold.suspension?.reason == .pixelNotAccessible)

            // The token was given access: the same token resumes the pixel.
            harness.recording.setFallback(nil)
            try await harness.worker.replaceCredentials(
                for: Fixtures.pixel, accessToken: AccessToken(Fixtures.token), appSecret: AppSecret(Fixtures.secret))
            try await eventually("delivered") { try await harness.store.counts(pixel: nil).delivered == 16 }
        }
        #expect(
            harness.metrics.counterTotal(
                label: DeliveryMetricLabel.suspended, dimensions: [("reason", "pixel_not_accessible")]) == 1)
        #expect(
            harness.metrics.counterTotal(
                label: DeliveryMetricLabel.requests, dimensions: [("outcome", "destination_rejected")]) == 1)
        let logged = try #require(harness.logs.entries.first { $0.level == .error && "\($0.message)" == "pixel suspended" })
        #expect(logged.metadata[DeliveryLogKey.suspensionReason] == "pixel_not_accessible")
        #expect(!harness.allLogText.contains(Fixtures.token))
        #expect(try await harness.queue.parkedEvents().isEmpty)
    }

    /// Issue 13, item 11: code 3 is never retried; a worker started with another version resumes.
    @Test func code3SuspendsUntilTheEndpointIsCorrected() async throws {
        let harness = WorkerHarness()
        harness.recording.setFallback(
            .dynamic { request in
                request.destination.graphVersion == "v24.0"
                    ? RecordingTransport.graphError(code: 3, message: "(#3) Unknown method")
                    : RecordingTransport.success(eventCount: RecordingTransport.eventIDs(in: request.body).count)
            })
        try await harness.enqueue(["v1", "v2", "v3"])
        try await harness.run {
            try await eventually("suspended") { harness.worker.status(of: Fixtures.pixel)?.error != nil }
            // Main retried this 12 times; each retry is due within the backoff.
            for _ in 0..<3 {
                harness.clock.advance(by: .seconds(7_200))
                for _ in 0..<50 { await Task.yield() }
            }
            #expect(harness.recording.sent.count == 1)
            #expect(harness.worker.status(of: Fixtures.pixel)?.error?.code == .unsupportedEndpoint)
            #expect(try await harness.store.counts(pixel: nil) == EventCounts(pending: 3))
            #expect(try await harness.status("v1")?.attempts == 0)
        }
        #expect(
            harness.metrics.counterTotal(
                label: DeliveryMetricLabel.suspended, dimensions: [("reason", "unsupported_endpoint")]) == 1)

        // A restart with the same wrong version stays suspended without a request.
        let unchanged = DeliveryWorker(
            queue: harness.queue, transport: harness.recording, destinations: [Fixtures.destination], clock: harness.clock)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await unchanged.run() }
            try await eventually("suspended") { unchanged.status(of: Fixtures.pixel)?.error?.code == .unsupportedEndpoint }
            for _ in 0..<50 { await Task.yield() }
            group.cancelAll()
        }
        #expect(harness.recording.sent.count == 1)

        // The same token, a corrected version: the stored suspension does not hold the new
        // worker, which owns the store and lifts it, so the store no longer reports it.
        var corrected = Fixtures.destination
        corrected.graphVersion = "v25.0"
        let restarted = DeliveryWorker(
            queue: harness.queue, transport: harness.recording, destinations: [corrected], clock: harness.clock)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await restarted.run() }
            try await eventually("delivered") { try await harness.store.counts(pixel: nil).delivered == 3 }
            group.cancelAll()
        }
        #expect(harness.recording.sent.map(\.graphVersion) == ["v24.0", "v25.0"])
        #expect(try await harness.store.pixelHolds(at: harness.clock.now).isEmpty)
    }

    /// On a store one worker owns, new credentials leave no suspension behind for the old
    /// ones (it would hold nobody, and `capi status` would report it).
    @Test func replacingCredentialsOnAnOwnedStoreLeavesNoStaleSuspension() async throws {
        let harness = WorkerHarness()
        harness.recording.setFallback(.response(RecordingTransport.graphError(code: 190, subcode: 463, message: "expired")))
        try await harness.enqueue(["k1"])
        try await harness.run {
            try await eventually("suspended") { harness.worker.status(of: Fixtures.pixel)?.error != nil }
            harness.recording.setFallback(nil)
            try await harness.worker.replaceCredentials(
                for: Fixtures.pixel, accessToken: AccessToken("new-token"), appSecret: AppSecret(Fixtures.secret))
            try await eventually("delivered") { try await harness.status("k1")?.state == .delivered }
        }
        #expect(try await harness.store.pixelHolds(at: harness.clock.now).isEmpty)
    }

    /// Issue 13, item 10: a code 100 that belongs to the request costs 3 requests, not 2n − 1.
    @Test("a request-level code 100 costs 3 requests", arguments: [2, 16, 1_000])
    func requestLevelCode100StopsBisecting(_ count: Int) async throws {
        let harness = WorkerHarness()
        harness.recording.setFallback(.response(RecordingTransport.graphError(code: 100, message: "Invalid parameter")))
        let ids = (0..<count).map { "r\($0)" }
        try await harness.enqueue(ids)
        try await harness.run {
            try await eventually("parked") { try await harness.store.counts(pixel: nil).parked == count }
        }
        #expect(harness.recording.sent.map(\.eventIDs.count) == [count, count / 2, count - count / 2])
        let parked = try await harness.queue.parkedEvents(limit: 2_000)
        #expect(parked.count == count)
        #expect(parked.allSatisfy { $0.parkReason?.code == .rejected && $0.parkReason?.graphCode == 100 })
        #expect(parked.allSatisfy { $0.parkReason?.message.contains("request as a whole") == true })
        // Each receipt is linked to the events its request carried.
        let history = try await harness.queue.history(of: try #require(try await harness.status("r0")).id)
        #expect(history.map(\.receipt.eventCount) == [count, count / 2])
    }

    /// Issue 13, item 10: a persistent shortfall costs 3 requests per round, whatever the size.
    @Test func persistentShortfallCostsThreeRequestsPerRound() async throws {
        let harness = WorkerHarness { $0.retryPolicy.maximumAttempts = 3 }
        harness.recording.setFallback(
            .dynamic { request in
                RecordingTransport.success(eventCount: RecordingTransport.eventIDs(in: request.body).count - 1)
            })
        let ids = (0..<1_000).map { "s\($0)" }
        try await harness.enqueue(ids)
        try await harness.run {
            for round in 1...3 {
                try await eventually("round \(round)") { harness.recording.sent.count == 3 * round }
                try await eventually("settled \(round)") {
                    let counts = try await harness.store.counts(pixel: nil)
                    return counts.inFlight == 0 && (round < 3 ? counts.pending == 1_000 : counts.parked == 1_000)
                }
                harness.clock.advance(by: .seconds(7_200))
            }
            for _ in 0..<50 { await Task.yield() }
        }
        #expect(harness.recording.sent.count == 9, "3 rounds × 3 requests (a full tree would be 3 × 1,999)")
        #expect(harness.recording.sent.map(\.eventIDs.count) == Array(repeating: [1_000, 500, 500], count: 3).flatMap { $0 })
        let parked = try await harness.queue.parkedEvents(limit: 2_000)
        #expect(parked.allSatisfy { $0.parkReason?.code == .retriesExhausted })
        #expect(try await harness.store.counts(pixel: nil).delivered == 0)
    }

    /// Bisection still finds the events Meta refuses one by one, within 2n − 1 requests.
    @Test func eventLevelAnswersStillBisectWithinTheBound() async throws {
        let harness = WorkerHarness()
        let bad: Set<String> = ["e3", "e12"]
        harness.recording.setFallback(
            .dynamic { request in
                let ids = RecordingTransport.eventIDs(in: request.body)
                if let rejected = ids.first(where: bad.contains) {
                    return RecordingTransport.graphError(
                        code: 100, subcode: 2_804_050, message: "Invalid parameter",
                        userMessage: "The event \(rejected) is invalid")
                }
                return RecordingTransport.success(eventCount: ids.count)
            })
        let ids = (0..<16).map { "e\($0)" }
        try await harness.enqueue(ids)
        try await harness.run {
            try await eventually("settled") {
                let counts = try await harness.store.counts(pixel: nil)
                return counts.delivered == 14 && counts.parked == 2
            }
        }
        #expect(Set(try await harness.queue.parkedEvents().map(\.key.eventID)) == bad)
        // 16 → 8+8 → (4+4)+(4+4) → (2+2)+(2+2) → (1+1)+(1+1): 1 + 2 + 4 + 4 + 4.
        #expect(harness.recording.sent.count == 15)
        #expect(harness.recording.sent.count <= 2 * ids.count - 1)
    }

    /// Meta dropping two particular events, one in each half: bisection goes on and finds them.
    @Test func droppedEventsInBothHalvesAreStillIsolated() async throws {
        let harness = WorkerHarness()
        let dropped: Set<String> = ["d1", "d6"]
        harness.recording.setFallback(
            .dynamic { request in
                let ids = RecordingTransport.eventIDs(in: request.body)
                return RecordingTransport.success(eventCount: ids.count - ids.filter(dropped.contains).count)
            })
        try await harness.enqueue((0..<8).map { "d\($0)" })
        try await harness.run {
            try await eventually("settled") {
                let counts = try await harness.store.counts(pixel: nil)
                return counts.delivered == 6 && counts.pending == 2 && counts.inFlight == 0
            }
        }
        #expect(try await harness.status("d1")?.attempts == 1)
        #expect(try await harness.status("d6")?.state == .pending)
    }
}
