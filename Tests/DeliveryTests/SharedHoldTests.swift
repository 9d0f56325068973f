import CAPIModel
import Delivery
import DeliveryTesting
import Identity
import Synchronization
import Testing

/// Two workers (two app instances) on one store: pauses and suspensions recorded by one are
/// honoured by the other.
struct TwoWorkers {
    let memory: InMemoryEventStore
    var store: any EventStore { memory }
    let clock = ManualDeliveryClock(now: Fixtures.t0)
    let transports = [RecordingTransport(), RecordingTransport()]
    let queues: [DeliveryQueue]
    let workers: [DeliveryWorker]

    init(sharedAcrossProcesses: Bool = true, tokens: [String] = [Fixtures.token, Fixtures.token]) {
        memory = InMemoryEventStore(sharedAcrossProcesses: sharedAcrossProcesses)
        var configuration = DeliveryWorker.Configuration()
        configuration.idlePollInterval = .seconds(1)
        configuration.maximumConcurrentRequests = 1
        var queues: [DeliveryQueue] = []
        var workers: [DeliveryWorker] = []
        for (transport, token) in zip(transports, tokens) {
            var destination = Fixtures.destination
            destination.accessToken = AccessToken(token)
            let queue = DeliveryQueue(store: memory, clock: clock)
            queues.append(queue)
            workers.append(
                DeliveryWorker(
                    queue: queue, transport: transport, destinations: [destination], configuration: configuration, clock: clock))
        }
        self.queues = queues
        self.workers = workers
    }

    func run(_ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in workers { group.addTask { try await worker.run() } }
            try await body()
            group.cancelAll()
        }
    }

    func enqueue(_ ids: [String], through index: Int) async throws {
        try await queues[index].enqueue(contentsOf: ids.map { Fixtures.purchase($0, at: clock.now) }, pixel: Fixtures.pixel)
    }

    /// Advances the shared clock second by second, yielding so idle workers look at the holds.
    func step(seconds: Int) async throws {
        for _ in 0..<seconds {
            clock.advance(by: .seconds(1))
            for _ in 0..<20 { await Task.yield() }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    func state(_ eventID: String) async throws -> EventState? {
        try await store.status(of: EventKey(pixelID: Fixtures.pixel, eventName: .purchase, eventID: eventID))?.state
    }
}

/// Replies shared by both workers' transports: whichever worker sends, the answer depends
/// only on how many requests were made so far (and on a switch the test flips).
final class SharedScript: Sendable {
    private let state = Mutex<(requests: Int, fixed: Bool)>((0, false))
    let firstReply: TransportResponse
    let laterReply: TransportResponse?

    init(first: TransportResponse, later: TransportResponse? = nil) {
        self.firstReply = first
        self.laterReply = later
    }

    func fix() { state.withLock { $0.fixed = true } }

    var reply: RecordingTransport.Reply {
        .dynamic { request in
            let (count, fixed) = self.state.withLock { state -> (Int, Bool) in
                state.requests += 1
                return (state.requests, state.fixed)
            }
            if fixed { return RecordingTransport.success(eventCount: RecordingTransport.eventIDs(in: request.body).count) }
            if count == 1 { return self.firstReply }
            return self.laterReply ?? RecordingTransport.success(eventCount: RecordingTransport.eventIDs(in: request.body).count)
        }
    }
}

@Suite("Pixel holds shared through the store")
struct SharedHoldTests {
    @Test func aThrottleAnswerToOneWorkerPausesTheOther() async throws {
        let pair = TwoWorkers()
        let script = SharedScript(
            first: RecordingTransport.graphError(
                code: 80_004, headers: [("X-Business-Use-Case-Usage", #"{"1":[{"estimated_time_to_regain_access":2}]}"#)]))
        for transport in pair.transports { transport.setFallback(script.reply) }
        let pausedUntil = Fixtures.t0 + .seconds(120)
        try await pair.run {
            try await pair.enqueue(["a1"], through: 0)
            try await eventually("pause recorded") {
                try await pair.store.pixelHolds(at: pair.clock.now)[Fixtures.pixel]?.pausedUntil == pausedUntil
            }
            try await pair.enqueue(["b1", "b2"], through: 1)
            try await pair.step(seconds: 1)
            try await eventually("both workers paused") {
                pair.workers.allSatisfy { $0.status(of: Fixtures.pixel)?.gate == .paused(until: pausedUntil) }
            }
            try await pair.step(seconds: 118)
            #expect(pair.transports.map(\.sent.count).reduce(0, +) == 1)
            try await pair.step(seconds: 1)
            try await eventually("delivered after the pause") { try await pair.store.counts(pixel: nil).delivered == 3 }
        }
    }

    @Test func replacingTheSameCredentialsOnOneWorkerResumesBoth() async throws {
        let pair = TwoWorkers()
        let refusal = RecordingTransport.graphError(code: 200, message: "Permissions error")
        let script = SharedScript(first: refusal, later: refusal)
        for transport in pair.transports { transport.setFallback(script.reply) }
        try await pair.run {
            try await pair.enqueue(["a1"], through: 0)
            try await eventually("suspension recorded") {
                try await pair.store.pixelHolds(at: pair.clock.now)[Fixtures.pixel]?.suspension != nil
            }
            try await eventually("the refused worker suspended") {
                pair.workers.contains { $0.status(of: Fixtures.pixel)?.error != nil }
            }
            let refused = try #require(pair.workers.firstIndex { $0.status(of: Fixtures.pixel)?.error != nil })
            let other = 1 - refused
            try await pair.step(seconds: 2)
            try await eventually("the other worker suspended too") {
                pair.workers[other].status(of: Fixtures.pixel)?.error != nil
            }
            let hold = try #require(try await pair.store.pixelHolds(at: pair.clock.now)[Fixtures.pixel])
            #expect(hold.suspension?.error.code == 200)
            #expect(hold.suspension?.rejectedCredentials == [CredentialFingerprint(Fixtures.destination)])
            #expect(!"\(hold)".contains(Fixtures.token))
            #expect(pair.transports.map(\.sent.count).reduce(0, +) == 1)

            // The token's permissions were fixed: the operator re-installs the same token on
            // the worker that was not refused.
            script.fix()
            try await pair.workers[other].replaceCredentials(
                for: Fixtures.pixel, accessToken: AccessToken(Fixtures.token), appSecret: AppSecret(Fixtures.secret))
            #expect(try await pair.store.pixelHolds(at: pair.clock.now).isEmpty)
            try await eventually("delivered") { try await pair.state("a1") == .delivered }
            try await pair.step(seconds: 2)
            try await eventually("the refused worker resumed") { pair.workers[refused].status(of: Fixtures.pixel)?.error == nil }
            #expect(pair.workers[refused].status(of: Fixtures.pixel)?.gate == .open)
        }
    }

    @Test func newCredentialsDoNotInheritTheSuspensionOfOldOnes() async throws {
        let pair = TwoWorkers(tokens: [Fixtures.token, "rotated-token"])
        pair.transports[0].setFallback(.response(RecordingTransport.graphError(code: 190, subcode: 463, message: "expired")))
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Worker 0 alone first, so that it is the one refused.
            group.addTask { try await pair.workers[0].run() }
            try await pair.enqueue(["a1"], through: 0)
            try await eventually("suspension recorded") {
                try await pair.store.pixelHolds(at: pair.clock.now)[Fixtures.pixel]?.suspension != nil
            }
            group.addTask { try await pair.workers[1].run() }
            try await pair.step(seconds: 2)
            // Worker 1 sends with other credentials: it is not suspended, and delivers a1.
            try await eventually("delivered by worker 1") { try await pair.state("a1") == .delivered }
            #expect(pair.workers[1].status(of: Fixtures.pixel)?.error == nil)
            #expect(pair.workers[0].status(of: Fixtures.pixel)?.error != nil)
            #expect(pair.transports[1].sent.count == 1)
            group.cancelAll()
        }
    }

    @Test func aWorkerOnASharedStoreLeavesOtherWorkersLeasesAlone() async throws {
        let pair = TwoWorkers(sharedAcrossProcesses: true)
        try await pair.enqueue(["busy"], through: 0)
        let leased = try await pair.store.lease(
            pixel: Fixtures.pixel, now: Fixtures.t0, limit: 10, leaseDuration: .seconds(300))
        #expect(leased.count == 1)
        try await pair.run {
            try await pair.step(seconds: 5)
            #expect(try await pair.state("busy") == .inFlight)
            #expect(pair.transports.allSatisfy { $0.sent.isEmpty })
            try await pair.step(seconds: 300)  // the lease expires: the event comes back
            try await eventually("delivered after the lease expired") { try await pair.state("busy") == .delivered }
        }
    }

    @Test func aWorkerOnAPrivateStoreReleasesLeftLeasesAtStart() async throws {
        let pair = TwoWorkers(sharedAcrossProcesses: false)
        try await pair.enqueue(["left"], through: 0)
        _ = try await pair.store.lease(pixel: Fixtures.pixel, now: Fixtures.t0, limit: 10, leaseDuration: .seconds(300))
        try await pair.run {
            try await eventually("delivered at once") { try await pair.state("left") == .delivered }
        }
    }
}

@Suite("PixelHoldChange and PixelGate.adopt")
struct PixelHoldRulesTests {
    static let t0 = Fixtures.t0
    static let mine = CredentialFingerprint(accessToken: AccessToken("mine"), appSecret: nil)
    static let theirs = CredentialFingerprint(accessToken: AccessToken("theirs"), appSecret: nil)
    static let error = GraphError(message: "expired", code: 190)

    @Test func fingerprintsDependOnTokenAndSecretAndHideThem() {
        let plain = CredentialFingerprint(accessToken: AccessToken("token"), appSecret: nil)
        let withSecret = CredentialFingerprint(accessToken: AccessToken("token"), appSecret: AppSecret("s"))
        #expect(plain != withSecret)
        #expect(plain == CredentialFingerprint(accessToken: AccessToken("token"), appSecret: nil))
        #expect(plain.rawValue.count == 16)
        #expect(plain.rawValue.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(!plain.rawValue.contains("token"))
    }

    @Test(
        arguments: [
            // (stored pause end, local pause end, expected state at t0 + 10 s)
            (nil, nil, PixelGate.State.open),
            (20, nil, .paused(until: Fixtures.t0 + .seconds(20))),
            (nil, 30, .paused(until: Fixtures.t0 + .seconds(30))),
            (40, 30, .paused(until: Fixtures.t0 + .seconds(40))),
            (20, 30, .paused(until: Fixtures.t0 + .seconds(30))),
            (5, nil, .open),
        ] as [(Int64?, Int64?, PixelGate.State)])
    func adoptKeepsTheLaterPause(stored: Int64?, local: Int64?, expected: PixelGate.State) {
        var gate = PixelGate()
        if let local { gate.apply(.pause(until: Self.t0 + .seconds(local))) }
        gate.adopt(
            PixelHold(pausedUntil: stored.map { Self.t0 + .seconds($0) }), credentials: Self.mine, at: Self.t0 + .seconds(10))
        #expect(gate.state == expected)
    }

    @Test func adoptSuspendsOnlyRejectedCredentialsAndLiftsLocalSuspensions() {
        let suspension = PixelSuspension(error: Self.error, since: Self.t0, rejectedCredentials: [Self.theirs])
        var gate = PixelGate()
        gate.adopt(PixelHold(suspension: suspension), credentials: Self.mine, at: Self.t0)
        #expect(gate.state == .open)
        gate.adopt(PixelHold(suspension: suspension), credentials: Self.theirs, at: Self.t0)
        #expect(gate.state == .suspended(Self.error))
        gate.adopt(PixelHold(pausedUntil: Self.t0 + .seconds(9)), credentials: Self.theirs, at: Self.t0)
        #expect(gate.state == .paused(until: Self.t0 + .seconds(9)))
    }

    @Test func changesApplyInAnyOrder() {
        let pause = PixelHoldChange.pause(until: Self.t0 + .seconds(60))
        let suspend = PixelHoldChange.suspend(Self.error, credentials: Self.mine)
        let a = suspend.applied(to: pause.applied(to: PixelHold(), at: Self.t0), at: Self.t0)
        let b = pause.applied(to: suspend.applied(to: PixelHold(), at: Self.t0), at: Self.t0)
        #expect(a == b)
        #expect(a.blocks(Self.mine, at: Self.t0 + .seconds(3_600)))
        #expect(!a.blocks(Self.theirs, at: Self.t0 + .seconds(60)))
        #expect(a.blocks(Self.theirs, at: Self.t0 + .seconds(59)))
        // A pause in the past is not recorded at all.
        #expect(PixelHoldChange.pause(until: Self.t0).applied(to: PixelHold(), at: Self.t0).isEmpty)
        #expect(PixelHoldChange.credentialsReplaced(with: Self.mine).applied(to: a, at: Self.t0).suspension == nil)
    }
}
