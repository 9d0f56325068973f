import CAPIModel
import Delivery
import DeliveryTesting
import DeliverySQLite
import FakeGraphAPI
import Identity
import Testing

/// Every classification class over real HTTP and a real SQLite file.
@Suite("Delivery over real HTTP into SQLite", .serialized)
struct RealHTTPDeliveryTests {
    @Test func deliversInBatchesOf1000WithProofAndTestCode() async throws {
        try await IntegrationHarness.with { h in
            try await h.enqueue((0..<2_500).map { "o\($0)" })
            try await eventually { try await h.store.counts(pixel: nil).delivered == 2_500 }
            let requests = h.server.requests
            #expect(requests.map(\.eventIDs.count).sorted() == [500, 1_000, 1_000])
            #expect(requests.allSatisfy { $0.responseStatus == 200 && $0.testEventCode == "TEST4242" })
            #expect(requests.allSatisfy { $0.graphVersion == "v24.0" && $0.pixelID == Real.pixel.rawValue })
            #expect(requests.allSatisfy { $0.accessToken == Real.token })
            #expect(Set(h.server.acceptedEventIDs) == Set((0..<2_500).map { "o\($0)" }))
            let receipt = try #require(try await h.history("o42").first?.receipt)
            #expect(receipt.httpStatus == 200)
            #expect(receipt.eventsReceived == receipt.eventCount)
            #expect(receipt.fbtraceID?.count == 11)
            #expect(receipt.responseBody?.contains("events_received") == true)
            #expect(requests.contains { $0.body == receipt.requestBody })
            // Neither the token, the secret, the proof nor the raw email is in the database.
            let bytes = try h.fileBytes()
            #expect(bytes.contains(SHA256.hash(Real.email).hexString))
            #expect(!bytes.contains(Real.token))
            #expect(!bytes.contains(Real.secret))
            #expect(!bytes.contains(AppSecretProof(accessToken: Real.token, appSecret: Real.secret).hexString))
            #expect(!bytes.contains(Real.email))
        }
    }

    @Test(
        "transient failures are retried",
        arguments: [
            Fault.serverError(status: 500), .serverError(status: 503, code: 1, isTransient: false),
            .response(status: 400, body: #"{"error":{"message":"x","code":42,"is_transient":true}}"#),
            .dropConnection, .malformedBody(status: 200), .malformedBody(status: 502),
        ])
    func transientFailuresRetry(_ fault: Fault) async throws {
        try await IntegrationHarness.with { h in
            h.server.inject(fault)
            try await h.enqueue(["t1", "t2"])
            try await eventually { try await h.status("t1")?.attempts == 1 }
            #expect(try await h.status("t1")?.state == .pending)
            h.clock.advance(by: .seconds(60))
            try await eventually { try await h.store.counts(pixel: nil).delivered == 2 }
            let history = try await h.history("t1")
            #expect(history.map(\.receipt.outcome) == [.transient, .delivered])
        }
    }

    @Test func slowResponsesTimeOutAndRetry() async throws {
        // A timeout well above a loaded machine's response time (2 cores running the whole suite
        // answered in over 300 ms), so that only the delayed answer times out.
        try await IntegrationHarness.with(
            configure: { $0.requestTimeout = .milliseconds(1_500) },
            body: { h in
                h.server.inject(.delay(.seconds(4)))
                try await h.enqueue(["slow"])
                try await eventually { try await h.status("slow")?.attempts == 1 }
                let first = try #require(try await h.history("slow").first?.receipt)
                #expect(first.httpStatus == nil)
                #expect(first.outcome == .transient)
                #expect(first.errorMessage?.contains(Real.token) == false)
                h.clock.advance(by: .seconds(60))
                try await eventually { try await h.status("slow")?.state == .delivered }
            })
    }

    @Test(
        "throttling pauses the pixel for the regain time",
        arguments: [
            Fault.throttle(code: 4, regainAccessMinutes: 2), .throttle(code: 17, regainAccessMinutes: 2),
            .throttle(code: 32, regainAccessMinutes: 2), .throttle(code: 341, regainAccessMinutes: 2),
            .throttle(code: 368, regainAccessMinutes: 2), .throttle(code: 613, regainAccessMinutes: 2),
            .throttle(code: 80_004, regainAccessMinutes: 2), .tooManyRequests(regainAccessMinutes: 2),
        ])
    func throttling(_ fault: Fault) async throws {
        try await IntegrationHarness.with { h in
            h.server.inject(fault)
            let start = h.clock.now
            try await h.enqueue(["th1"])
            try await eventually {
                if case .paused? = h.worker.status(of: Real.pixel)?.gate { return true }
                return false
            }
            let report = try #require(try await h.status("th1"))
            #expect(report.attempts == 0)
            #expect(report.dueAt == start + .seconds(120))
            h.clock.advance(by: .seconds(119))
            try await Task.sleep(for: .milliseconds(50))
            #expect(h.server.requests.count == 1)
            h.clock.advance(by: .seconds(1))
            try await eventually { try await h.status("th1")?.state == .delivered }
            #expect(try await h.history("th1").map(\.receipt.outcome) == [.throttled, .delivered])
        }
    }

    @Test func expiredTokenSuspendsUntilReplaced() async throws {
        try await IntegrationHarness.with(acceptedTokens: ["fresh-token"]) { h in
            try await h.enqueue(["c1", "c2"])
            try await eventually { h.worker.status(of: Real.pixel)?.error?.code == .credentialsRejected }
            #expect(try await h.status("c1")?.attempts == 0)
            h.clock.advance(by: .seconds(86_400))
            try await Task.sleep(for: .milliseconds(50))
            #expect(h.server.requests.count == 1)
            #expect(try await h.history("c1").first?.receipt.errorCode == 190)
            try await h.worker.replaceCredentials(
                for: Real.pixel, accessToken: AccessToken("fresh-token"), appSecret: AppSecret(Real.secret))
            try await eventually { try await h.store.counts(pixel: nil).delivered == 2 }
            #expect(!(try h.fileBytes()).contains("fresh-token"))
        }
    }

    @Test func wrongAppSecretIsACredentialProblemNotABadBatch() async throws {
        try await IntegrationHarness.with(appSecretOnServer: "another-secret") { h in
            try await h.enqueue(["p1", "p2", "p3"])
            try await eventually { h.worker.status(of: Real.pixel)?.error?.code == .credentialsRejected }
            #expect(h.server.requests.count == 1)  // not bisected
            #expect(try await h.store.counts(pixel: nil) == EventCounts(pending: 3))
        }
    }

    @Test func code100BisectsAndParksOnlyRejectedEvents() async throws {
        try await IntegrationHarness.with { h in
            h.server.rejectEvents(withIDs: ["b17", "b401"])
            try await h.enqueue((0..<1_000).map { "b\($0)" })
            try await eventually {
                let counts = try await h.store.counts(pixel: nil)
                return counts.delivered == 998 && counts.parked == 2
            }
            let parked = try await h.queue.parkedEvents()
            #expect(parked.map(\.key.eventID).sorted() == ["b17", "b401"])
            #expect(parked.allSatisfy { $0.parkReason?.code == .rejected && $0.parkReason?.graphSubcode == 2_804_050 })
            #expect(Set(h.server.acceptedEventIDs).count == 998)
            #expect(h.server.requests.count < 60)
        }
    }

    /// Issue 13, item 9: a token without access to the pixel (100/33) costs one request, not a
    /// bisection (31 requests for 16 events on main, every event parked).
    @Test func aPixelTheTokenCannotReachIsSuspendedAndItsEventsStayQueued() async throws {
        try await IntegrationHarness.with { h in
            h.server.setAccessiblePixelIDs(["1111111111"])
            try await h.enqueue((0..<16).map { "w\($0)" })
            try await eventually { h.worker.status(of: Real.pixel)?.error?.code == .pixelNotAccessible }
            h.clock.advance(by: .seconds(86_400))
            try await Task.sleep(for: .milliseconds(50))
            #expect(h.server.requests.count == 1)
            #expect(try await h.store.counts(pixel: nil) == EventCounts(pending: 16))
            let receipt = try #require(try await h.history("w0").first?.receipt)
            #expect(receipt.outcome == .destinationRejected && receipt.errorCode == 100 && receipt.errorSubcode == 33)
            let hold = try #require(try await h.store.pixelHolds(at: h.clock.now)[Real.pixel])
            #expect(hold.suspension?.reason == .pixelNotAccessible)
            // Access granted to the same token: replacing the credentials with it resumes.
            h.server.setAccessiblePixelIDs(nil)
            try await h.worker.replaceCredentials(
                for: Real.pixel, accessToken: AccessToken(Real.token), appSecret: AppSecret(Real.secret))
            try await eventually { try await h.store.counts(pixel: nil).delivered == 16 }
            #expect(try await h.store.pixelHolds(at: h.clock.now).isEmpty)
        }
    }

    /// Issue 13, item 11: code 3 is not retried 12 times; a worker started with a corrected
    /// Graph API version resumes on the same store, one with the wrong one stays suspended.
    @Test func code3SuspendsUntilAWorkerStartsWithAnotherVersion() async throws {
        try await FaultEnvironment.with { env in
            env.server.inject(.unsupportedMethod())
            try await env.enqueue(["m1", "m2"])
            let wrong = env.worker(graphVersion: "v24.0")
            try await running(wrong) {
                try await eventually { wrong.status(of: Real.pixel)?.error?.code == .unsupportedEndpoint }
                env.clock.advance(by: .seconds(7_200))
                try await Task.sleep(for: .milliseconds(50))
                #expect(env.server.requests.count == 1)
                #expect(try await env.store.counts(pixel: nil) == EventCounts(pending: 2))
            }
            let again = env.worker(graphVersion: "v24.0")
            try await running(again) {
                try await eventually { again.status(of: Real.pixel)?.error?.code == .unsupportedEndpoint }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(env.server.requests.count == 1, "the stored suspension holds a restart with the same version")
            try await running(env.worker(graphVersion: "v25.0")) {
                try await eventually { try await env.store.counts(pixel: nil).delivered == 2 }
            }
            #expect(env.server.requests.map(\.graphVersion) == ["v24.0", "v25.0"])
            // The corrected worker owns the SQLite file: the suspension of the wrong version is gone.
            #expect(try await env.store.pixelHolds(at: env.clock.now).isEmpty)
        }
    }

    @Test func eventsThatExpireWhileThePixelIsPausedAreParkedNotSent() async throws {
        try await IntegrationHarness.with { h in
            h.server.inject(.throttle(code: 17, regainAccessMinutes: 120))
            let old = Real.purchase("old", at: h.clock.now - .seconds(6 * 86_400 + 23 * 3_600))
            try await h.queue.enqueue(old, pixel: Real.pixel)
            try await eventually {
                if case .paused? = h.worker.status(of: Real.pixel)?.gate { return true }
                return false
            }
            h.clock.advance(by: .seconds(120 * 60))
            try await eventually { try await h.status("old")?.state == .parked }
            #expect(try await h.status("old")?.parkReason?.code == .expired)
            #expect(h.server.requests.count == 1)
            #expect(h.server.acceptedEventIDs.isEmpty)
        }
    }

    @Test func exhaustedRetriesArePark() async throws {
        try await IntegrationHarness.with(
            configure: { $0.retryPolicy.maximumAttempts = 3 },
            body: { h in
                h.server.inject(.serverError(status: 500), times: 3)
                try await h.enqueue(["x1"])
                for attempt in 1...2 {
                    try await eventually { try await h.status("x1")?.attempts == attempt }
                    h.clock.advance(by: .seconds(3_600))
                }
                try await eventually { try await h.status("x1")?.state == .parked }
                #expect(try await h.status("x1")?.parkReason?.code == .retriesExhausted)
                #expect(try await h.history("x1").count == 3)
                // Replay: validated again, same event_id, delivered now the server is healthy.
                let id = try #require(try await h.status("x1")).id
                try await h.queue.replay(id)
                try await eventually { try await h.status("x1")?.state == .delivered }
                #expect(h.server.acceptedEventIDs == ["x1"])
            })
    }
}
