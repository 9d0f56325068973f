import CAPIModel
import Delivery
import Matching
import DeliveryTesting
import Identity
import InMemoryLogging
import Logging
import MetricsTestKit
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

@Suite("DeliveryWorker over the in-memory store and a manual clock")
struct DeliveryWorkerTests {
    @Test func deliversInBatchesAndKeepsReceipts() async throws {
        let harness = WorkerHarness {
            $0.batchSize = 2
            $0.maximumConcurrentRequests = 1
        }
        try await harness.enqueue(["o1", "o2", "o3", "o4", "o5"])
        try await harness.run {
            try await eventually("all delivered") { try await harness.store.counts(pixel: nil).delivered == 5 }
        }
        #expect(harness.recording.sent.map(\.eventIDs.count).sorted() == [1, 2, 2])
        #expect(harness.recording.sent.allSatisfy { $0.appSecretProof == Fixtures.destination.appSecretProof })
        let history = try await harness.queue.history(of: try #require(try await harness.status("o1")).id)
        #expect(history.count == 1)
        let receipt = try #require(history.first?.receipt)
        #expect(receipt.httpStatus == 200)
        #expect(receipt.outcome == .delivered)
        #expect(receipt.eventsReceived == 2)
        #expect(receipt.fbtraceID == "AbCdEfTrace")
        #expect(receipt.requestBody.contains(#""event_id":"o1""#))
        #expect(receipt.requestBody.contains(#""test_event_code":"TEST123""#))
        #expect(!receipt.requestBody.contains(Fixtures.token))
        #expect(!receipt.requestBody.contains(Fixtures.email))
        #expect(receipt.startedAt == Fixtures.t0)
    }

    @Test func transientFailuresRetryAfterBackoff() async throws {
        let harness = WorkerHarness()
        harness.recording.enqueue(.response(RecordingTransport.graphError(status: 503, code: 2, isTransient: true)))
        try await harness.enqueue(["o1"])
        try await harness.run {
            try await eventually("first attempt") { try await harness.status("o1")?.attempts == 1 }
            let report = try #require(try await harness.status("o1"))
            #expect(report.state == .pending)
            let due = try #require(report.dueAt)
            #expect(due <= Fixtures.t0 + RetryPolicy().initialBackoff)
            harness.clock.advance(to: due)
            try await eventually("redelivery") { try await harness.status("o1")?.state == .delivered }
        }
        let history = try await harness.queue.history(of: try #require(try await harness.status("o1")).id)
        #expect(history.map(\.receipt.httpStatus) == [503, 200])
        #expect(history.map(\.receipt.outcome) == [.transient, .delivered])
        #expect(history[0].receipt.errorCode == 2)
        #expect(harness.metrics.counterTotal(label: DeliveryMetricLabel.retried) == 1)
    }

    @Test func networkErrorsRetry() async throws {
        struct ConnectionRefused: Error {}
        let harness = WorkerHarness()
        harness.recording.enqueue(.failure(ConnectionRefused()))
        try await harness.enqueue(["o1"])
        try await harness.run {
            try await eventually("first attempt") { try await harness.status("o1")?.attempts == 1 }
            harness.clock.advance(by: .seconds(60))
            try await eventually("redelivery") { try await harness.status("o1")?.state == .delivered }
        }
        let history = try await harness.queue.history(of: try #require(try await harness.status("o1")).id)
        #expect(history.first?.receipt.httpStatus == nil)
        #expect(history.first?.receipt.errorMessage?.contains("ConnectionRefused") == true)
    }

    @Test func throttlingPausesThePixelForTheRegainTime() async throws {
        let harness = WorkerHarness()
        harness.recording.enqueue(
            .response(
                RecordingTransport.graphError(
                    code: 80_004, headers: [("X-Business-Use-Case-Usage", #"{"1":[{"estimated_time_to_regain_access":2}]}"#)])))
        try await harness.enqueue(["o1", "o2"])
        try await harness.run {
            try await eventually("throttled") {
                if case .paused? = harness.worker.status(of: Fixtures.pixel)?.gate { return true }
                return false
            }
            let report = try #require(try await harness.status("o1"))
            #expect(report.attempts == 0)
            #expect(report.dueAt == Fixtures.t0 + .seconds(120))
            try await harness.enqueue(["o3"])  // enqueue wakes the worker, but the pixel is paused
            harness.clock.advance(by: .seconds(119))
            for _ in 0..<50 { await Task.yield() }
            #expect(harness.recording.sent.count == 1)
            harness.clock.advance(by: .seconds(1))
            try await eventually("delivered after the pause") { try await harness.store.counts(pixel: nil).delivered == 3 }
        }
        #expect(harness.recording.sent.count >= 2)
    }

    @Test func rejectedTokenSuspendsUntilCredentialsAreReplaced() async throws {
        let harness = WorkerHarness()
        harness.recording.setFallback(
            .response(RecordingTransport.graphError(code: 190, subcode: 463, message: "Session has expired")))
        try await harness.enqueue(["o1"])
        try await harness.run {
            try await eventually("suspended") { harness.worker.status(of: Fixtures.pixel)?.error != nil }
            let status = try #require(harness.worker.status(of: Fixtures.pixel))
            #expect(status.error?.code == .credentialsRejected)
            #expect(status.error?.message.contains("replaceCredentials") == true)
            #expect(status.error?.message.contains("190/463") == true)
            #expect(try await harness.status("o1")?.attempts == 0)
            #expect(try await harness.status("o1")?.state == .pending)
            harness.clock.advance(by: .seconds(7_200))
            for _ in 0..<50 { await Task.yield() }
            #expect(harness.recording.sent.count == 1)

            harness.recording.setFallback(nil)
            try await harness.worker.replaceCredentials(
                for: Fixtures.pixel, accessToken: AccessToken("new-token"), appSecret: AppSecret(Fixtures.secret))
            try await eventually("delivered") { try await harness.status("o1")?.state == .delivered }
        }
        #expect(try await harness.status("o1")?.attempts == 1)
        #expect(
            harness.recording.sent.last?.appSecretProof
                == AppSecretProof(accessToken: "new-token", appSecret: Fixtures.secret).hexString)
        #expect(
            harness.logs.entries.contains {
                $0.level == .error && "\($0.message)" == "pixel suspended"
                    && $0.metadata[DeliveryLogKey.suspensionReason] == "credentials_rejected"
            })
        #expect(!harness.allLogText.contains(Fixtures.token))
        #expect(!harness.allLogText.contains("new-token"))
        await #expect(throws: DeliveryError.self) {
            try await harness.worker.replaceCredentials(for: "999", accessToken: AccessToken("x"), appSecret: nil)
        }
    }

    @Test func code100BisectsAndParksOnlyTheRejectedEvents() async throws {
        let harness = WorkerHarness()
        let bad: Set<String> = ["o3", "o6"]
        harness.recording.setFallback(
            .dynamic { request in
                let ids = RecordingTransport.eventIDs(in: request.body)
                if let rejected = ids.first(where: bad.contains) {
                    // Meta's per-event answers name the event (error_user_msg): bisection finds it.
                    return RecordingTransport.graphError(
                        code: 100, subcode: 2_804_050, message: "Invalid parameter", userMessage: "event \(rejected) is invalid")
                }
                return RecordingTransport.success(eventCount: ids.count)
            })
        try await harness.enqueue((1...8).map { "o\($0)" })
        try await harness.run {
            try await eventually("settled") {
                let counts = try await harness.store.counts(pixel: nil)
                return counts.delivered == 6 && counts.parked == 2
            }
        }
        let parked = try await harness.queue.parkedEvents()
        #expect(Set(parked.map(\.key.eventID)) == bad)
        #expect(parked.allSatisfy { $0.parkReason?.code == .rejected && $0.parkReason?.graphCode == 100 })
        // 8 → 4+4 → 2+2 (+2+2) → 1+1 (+1+1): 1 + 2 + 4 + 4 requests.
        #expect(harness.recording.sent.count == 11)
        let history = try await harness.queue.history(of: try #require(try await harness.status("o1")).id)
        #expect(history.map(\.receipt.outcome) == [.invalidParameter, .invalidParameter, .delivered])
        #expect(try await harness.status("o1")?.attempts == 1)
    }

    @Test func expiredEventsAreParkedWithoutSending() async throws {
        let harness = WorkerHarness()
        try await harness.enqueue(["old"], at: Fixtures.t0 - .seconds(6 * 86_400))
        harness.clock.advance(by: .seconds(2 * 86_400))
        try await harness.run {
            try await eventually("parked") { try await harness.status("old")?.state == .parked }
        }
        #expect(harness.recording.sent.isEmpty)
        #expect(try await harness.status("old")?.parkReason?.code == .expired)
        #expect(harness.metrics.counterTotal(label: DeliveryMetricLabel.parked, dimensions: [("reason", "expired")]) == 1)
    }

    @Test func exhaustedRetriesArePark() async throws {
        let harness = WorkerHarness { $0.retryPolicy.maximumAttempts = 3 }
        harness.recording.setFallback(.response(TransportResponse(status: 500, body: "")))
        try await harness.enqueue(["o1"])
        try await harness.run {
            for attempt in 1...2 {
                try await eventually("attempt \(attempt)") { try await harness.status("o1")?.attempts == attempt }
                harness.clock.advance(by: .seconds(3_600))
            }
            try await eventually("parked") { try await harness.status("o1")?.state == .parked }
        }
        let report = try #require(try await harness.status("o1"))
        #expect(report.parkReason?.code == .retriesExhausted)
        #expect(report.attempts == 3)
        #expect(harness.recording.sent.count == 3)
    }

    @Test func eventsForUnconfiguredPixelsAreRefusedAtEnqueue() async throws {
        let harness = WorkerHarness()
        // The worker's destinations are the queue's pixels now: a typo is refused at once
        // instead of waiting forever, and nothing is stored.
        let error = await #expect(throws: DeliveryError.self) {
            try await harness.queue.enqueue(Fixtures.purchase("x1"), pixel: "999")
        }
        #expect(error?.code == .unknownPixel)
        #expect(error?.message.contains("999") == true)
        let prepared = try harness.queue.prepare([Fixtures.purchase("x2")], pixel: "1234567890")
        var misdirected = prepared
        misdirected[0].key.pixelID = "999"
        await #expect(throws: DeliveryError.self) { try await harness.queue.enqueue(prepared: misdirected) }
        #expect(try await harness.store.counts(pixel: "999") == EventCounts())

        // A queue told of a pixel another process delivers accepts it.
        var configuration = DeliveryQueue.Configuration()
        configuration.acceptedPixels = ["999"]
        let shared = DeliveryQueue(store: harness.store, configuration: configuration, clock: harness.clock)
        _ = DeliveryWorker(queue: shared, transport: harness.recording, destinations: [Fixtures.destination])
        try await shared.enqueue(Fixtures.purchase("x3"), pixel: "999")
        #expect(try await harness.store.counts(pixel: "999") == EventCounts(pending: 1))
    }

    @Test func eventsAlreadyStoredForUnconfiguredPixelsStayQueued() async throws {
        let harness = WorkerHarness()
        // Stored before the pixel lost its destination (or by another process).
        _ = try await harness.store.append(
            harness.queue.prepare([Fixtures.purchase("x1")], pixel: "1234567890").map {
                var event = $0
                event.key.pixelID = "999"
                return event
            }, at: harness.clock.now)
        try await harness.enqueue(["o1"])
        try await harness.run {
            try await eventually("configured pixel delivered") { try await harness.status("o1")?.state == .delivered }
        }
        #expect(try await harness.store.counts(pixel: "999") == EventCounts(pending: 1))
    }

    @Test func gracefulShutdownFinishesInFlightRequestsAndLeavesTheRestQueued() async throws {
        let gated = GatedTransport()
        let harness = WorkerHarness(transport: gated) {
            $0.batchSize = 2
            $0.maximumConcurrentRequests = 1
        }
        try await harness.enqueue(["o1", "o2", "o3", "o4"])
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await harness.worker.run() }
                try await eventually("request in flight") { gated.started == 1 }
                trigger.triggerGracefulShutdown()
                gated.open()
                try await group.waitForAll()  // run() returns by itself
            }
        }
        #expect(gated.started == 1)
        #expect(try await harness.store.counts(pixel: nil) == EventCounts(pending: 2, delivered: 2))
    }

    @Test func cancellationReleasesInFlightLeases() async throws {
        let gated = GatedTransport()
        let harness = WorkerHarness(transport: gated) {
            $0.batchSize = 2
            $0.maximumConcurrentRequests = 1
        }
        try await harness.enqueue(["o1", "o2", "o3"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await harness.worker.run() }
            try await eventually("request in flight") { gated.started == 1 }
            group.cancelAll()
            gated.open()
            try await group.waitForAll()
        }
        let counts = try await harness.store.counts(pixel: nil)
        #expect(counts.inFlight == 0)
        #expect(counts.undelivered + counts.delivered == 3)
    }

    @Test func metricsCountEveryStep() async throws {
        let harness = WorkerHarness { $0.batchSize = 10 }
        harness.recording.enqueue(.response(TransportResponse(status: 502, body: "")))
        try await harness.enqueue(["o1", "o2", "o3"])
        try await harness.run {
            try await eventually("first attempt") { try await harness.status("o1")?.attempts == 1 }
            harness.clock.advance(by: .seconds(3_600))
            try await eventually("delivered") { try await harness.store.counts(pixel: nil).delivered == 3 }
        }
        #expect(harness.metrics.counterTotal(label: DeliveryMetricLabel.enqueued) == 3)
        #expect(harness.metrics.counterTotal(label: DeliveryMetricLabel.retried) == 3)
        #expect(harness.metrics.counterTotal(label: DeliveryMetricLabel.delivered) == 3)
        #expect(harness.metrics.counterTotal(label: DeliveryMetricLabel.requests, dimensions: [("outcome", "transient")]) == 1)
        #expect(harness.metrics.counterTotal(label: DeliveryMetricLabel.requests, dimensions: [("outcome", "delivered")]) == 1)
        #expect(harness.metrics.timers(label: DeliveryMetricLabel.requestDuration).count == 2)
        let logText = harness.allLogText
        #expect(logText.contains("capi.pixel_id"))
        #expect(!logText.contains(Fixtures.token))
        #expect(!logText.contains(Fixtures.email))
        #expect(!logText.contains(SHA256.hash(Fixtures.email).hexString))
    }
}

@Suite("DeliveryQueue")
struct DeliveryQueueTests {
    @Test func invalidEventsAreRefusedAndNothingIsStored() async throws {
        let harness = WorkerHarness()
        var bad = Fixtures.purchase("o2")
        bad.eventSourceURL = nil
        let error = await #expect(throws: DeliveryError.self) {
            try await harness.queue.enqueue(
                contentsOf: [Fixtures.purchase("o1"), bad, Fixtures.purchase(nil)], pixel: Fixtures.pixel)
        }
        #expect(error?.code == .invalidEvent)
        #expect(error?.issues.map(\.index) == [1, 2])
        #expect(error?.issues.map(\.rule) == [.missingEventSourceURL, .missingEventID])
        #expect(error.map { String(reflecting: $0) }?.contains(Fixtures.email) == false)
        #expect(try await harness.store.counts(pixel: nil) == EventCounts())
        await #expect(throws: DeliveryError.self) { try await harness.queue.enqueue(contentsOf: [], pixel: Fixtures.pixel) }
    }

    @Test func largeBatchesKeepTheirOrderAndIndices() async throws {
        let harness = WorkerHarness()
        var events = (0..<1_000).map { Fixtures.purchase("b\($0)") }
        events[300].eventID = nil
        events[900].userData.clientUserAgent = nil
        let error = await #expect(throws: DeliveryError.self) {
            try await harness.queue.enqueue(contentsOf: events, pixel: Fixtures.pixel)
        }
        #expect(error?.issues.map(\.index) == [300, 900])
        #expect(try await harness.store.counts(pixel: nil) == EventCounts())
        events[300].eventID = "b300"
        events[900].userData.clientUserAgent = "Mozilla/5.0"
        #expect(try await harness.queue.enqueue(contentsOf: events, pixel: Fixtures.pixel).insertedCount == 1_000)
        let leased = try await harness.store.lease(
            pixel: Fixtures.pixel, now: Fixtures.t0, limit: 1_000, leaseDuration: .seconds(1))
        #expect(leased.map(\.key.eventID) == (0..<1_000).map { "b\($0)" })
    }

    @Test func enqueueIsIdempotentPerEventKey() async throws {
        let harness = WorkerHarness()
        let first = try await harness.queue.enqueue(Fixtures.purchase("o1"), pixel: Fixtures.pixel)
        let second = try await harness.queue.enqueue(Fixtures.purchase("o1"), pixel: Fixtures.pixel)
        #expect(first.insertedCount == 1)
        #expect(second.duplicates == [EventKey(pixelID: Fixtures.pixel, eventName: .purchase, eventID: "o1")])
        #expect(try await harness.queue.coverage(pixel: Fixtures.pixel)[.purchase].events == 1)
        #expect(try await harness.queue.coverage(pixel: Fixtures.pixel)[.purchase].count(of: .email) == 1)
        #expect(try await harness.queue.coverage(pixel: Fixtures.pixel)[.purchase].count(of: .fbp) == 1)
    }

    @Test func replayValidatesAgainAndKeepsTheEventID() async throws {
        let harness = WorkerHarness()
        harness.recording.setFallback(
            .dynamic { request in
                if RecordingTransport.eventIDs(in: request.body).contains("o1") {
                    return RecordingTransport.graphError(code: 100, message: "Invalid parameter")
                }
                return RecordingTransport.success(eventCount: 1)
            })
        try await harness.enqueue(["o1"])
        try await harness.run {
            try await eventually("parked") { try await harness.status("o1")?.state == .parked }
            let id = try #require(try await harness.status("o1")).id
            harness.recording.setFallback(nil)  // "fixed" on Meta's side
            try await harness.queue.replay(id)
            try await eventually("delivered") { try await harness.status("o1")?.state == .delivered }
            #expect(harness.recording.sent.last?.eventIDs == ["o1"])
            let again = await #expect(throws: DeliveryError.self) { try await harness.queue.replay(id) }
            #expect(again?.code == .eventNotFound)
        }
    }

    @Test func replayRefusesEventsThatExpiredMeanwhile() async throws {
        let harness = WorkerHarness()
        harness.recording.setFallback(.response(RecordingTransport.graphError(code: 100)))
        try await harness.enqueue(["o1"], at: Fixtures.t0 - .seconds(6 * 86_400))
        try await harness.run {
            try await eventually("parked") { try await harness.status("o1")?.state == .parked }
        }
        harness.clock.advance(by: .seconds(2 * 86_400))
        let id = try #require(try await harness.status("o1")).id
        let result = try await harness.queue.replay([id, EventRecordID(12_345)])
        #expect(result.replayed.isEmpty)
        #expect(result.rejected.map(\.rule) == [.eventTooOld])
        #expect(result.skipped == [EventRecordID(12_345)])
        let error = await #expect(throws: DeliveryError.self) { try await harness.queue.replay(id) }
        #expect(error?.code == .replayRejected)
        #expect(try await harness.status("o1")?.state == .parked)
    }
}
