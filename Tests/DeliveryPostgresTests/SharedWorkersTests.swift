import CAPIModel
import Delivery
import DeliveryHTTP
import DeliveryPostgres
import DeliveryTesting
import FakeGraphAPI
import Identity
import PostgresNIO
import Testing
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Two workers, each with its own store (its own connection pool), on one PostgreSQL schema:
/// two app instances in one process, with a manual clock both share with the fake server.
struct TwoInstances {
    static let pixel: PixelID = "1234567890"
    static let t0 = Timestamp(milliseconds: 1_767_225_600_000)

    let server: FakeGraphAPI
    let clock: ManualDeliveryClock
    let stores: [PostgresEventStore]
    let queues: [DeliveryQueue]
    let workers: [DeliveryWorker]
    let schema: String

    static func with(
        tokens: [String], serverConfiguration: (inout FakeGraphAPI.Configuration) -> Void = { _ in },
        body: (TwoInstances) async throws -> Void
    ) async throws {
        let clock = ManualDeliveryClock(now: t0)
        var configuration = FakeGraphAPI.Configuration()
        configuration.currentTime = { clock.now }
        serverConfiguration(&configuration)
        let schema = PostgresTestDatabase.uniqueSchema()
        try await PostgresTestDatabase.withSchema(schema) {
            try await withFakeGraphAPI(configuration: configuration) { server in
                let stores = try tokens.map { _ in
                    PostgresEventStore(
                        clientConfiguration: try PostgresTestDatabase.clientConfiguration(),
                        configuration: PostgresTestDatabase.storeConfiguration(schema: schema))
                }
                var queues: [DeliveryQueue] = []
                var workers: [DeliveryWorker] = []
                for (store, token) in zip(stores, tokens) {
                    var destination = PixelDestination(pixelID: pixel, accessToken: AccessToken(token))
                    destination.baseURL = server.baseURL
                    var worker = DeliveryWorker.Configuration()
                    worker.batchSize = 10
                    worker.maximumConcurrentRequests = 1
                    worker.idlePollInterval = .seconds(1)
                    worker.requestTimeout = .seconds(10)
                    let queue = DeliveryQueue(store: store, clock: clock)
                    queues.append(queue)
                    workers.append(
                        DeliveryWorker(
                            queue: queue, transport: AsyncHTTPClientTransport(), destinations: [destination],
                            configuration: worker, clock: clock))
                }
                let instances = TwoInstances(
                    server: server, clock: clock, stores: stores, queues: queues, workers: workers, schema: schema)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for store in stores { group.addTask { try await store.run() } }
                    for worker in workers { group.addTask { try await worker.run() } }
                    defer { group.cancelAll() }
                    try await body(instances)
                }
            }
        }
    }

    func enqueue(_ ids: [String], through index: Int) async throws {
        let events = ids.map { id in
            ServerEvent(
                eventName: .purchase, eventTime: clock.now.wholeSeconds, actionSource: .website,
                userData: UserData(
                    emails: [HashedIdentifier(digest: SHA256.hash("\(id)@example.com"))], clientUserAgent: "Mozilla/5.0"),
                customData: CustomData(value: 10, currency: "USD"), eventID: id, eventSourceURL: "https://shop.example.com/")
        }
        try await queues[index].enqueue(contentsOf: events, pixel: Self.pixel)
    }

    /// Moves the shared clock in one-second steps (each wakes idle workers, which then read the
    /// holds again), giving the workers a moment of real time after each step.
    func step(seconds: Int) async throws {
        for _ in 0..<seconds {
            clock.advance(by: .seconds(1))
            try await Task.sleep(for: .milliseconds(3))
        }
    }

    /// Every row of every table of the store, as text.
    func databaseText() async throws -> String {
        try await PostgresTestDatabase.withClient { client in
            var text = ""
            for table in ["events", "attempts", "attempt_events", "coverage", "pixel_holds", "schema_version"] {
                for try await row in try await client.query("SELECT t::text FROM \(unescaped: schema).\(unescaped: table) t")
                    .decode(String.self)
                {
                    text += row + "\n"
                }
            }
            return text
        }
    }
}

/// Waits (in real time) until `condition` holds.
func eventually(_ what: String, within seconds: Double = 30, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1_000))
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(5))
    }
    Issue.record("timed out waiting for \(what)")
    throw CancellationError()
}

@Suite("Workers sharing a PostgreSQL store")
struct SharedWorkersTests {
    @Test("one 429 pauses every instance until the time Meta gave")
    func throttlePausesEveryone() async throws {
        try await TwoInstances.with(tokens: ["token-a", "token-b"]) { instances in
            instances.server.inject(.tooManyRequests(regainAccessMinutes: 2))
            try await instances.enqueue(["first"], through: 0)
            try await eventually("the pause is recorded") {
                try await instances.stores[1].pixelHolds(at: instances.clock.now)[TwoInstances.pixel] != nil
            }
            let pausedUntil = TwoInstances.t0 + .seconds(120)
            #expect(try await instances.stores[1].pixelHolds(at: TwoInstances.t0)[TwoInstances.pixel]?.pausedUntil == pausedUntil)

            // Instance B gets new events (its enqueue wakes only B) and must hold them back.
            try await instances.enqueue((0..<20).map { "b\($0)" }, through: 1)
            try await eventually("instance B adopts the pause") {
                if case .paused(let until)? = instances.workers[1].status(of: TwoInstances.pixel)?.gate {
                    return until == pausedUntil
                }
                return false
            }
            try await instances.step(seconds: 119)
            #expect(instances.server.requests.count == 1, "a request was sent during the pause")
            #expect(try await instances.stores[0].counts(pixel: nil).pending == 21)

            try await instances.step(seconds: 1)
            try await eventually("everything delivered after the pause") {
                try await instances.stores[0].counts(pixel: nil).delivered == 21
            }
            #expect(instances.server.requests.dropFirst().allSatisfy { $0.responseStatus == 200 })
        }
    }

    @Test("a rejected token suspends every instance that uses it, and only those")
    func suspensionFollowsTheCredentials() async throws {
        try await TwoInstances.with(
            tokens: ["old-token", "old-token"], serverConfiguration: { $0.acceptedAccessTokens = ["new-token"] },
            body: { instances in
                try await instances.enqueue(["s1"], through: 0)
                // Either instance may take s1; the one that does is refused.
                try await eventually("the suspension is recorded") {
                    try await instances.stores[1].pixelHolds(at: instances.clock.now)[TwoInstances.pixel]?.suspension != nil
                }
                try await eventually("the refused instance suspended") {
                    instances.workers.contains { $0.status(of: TwoInstances.pixel)?.error != nil }
                }
                let refused = try #require(instances.workers.firstIndex { $0.status(of: TwoInstances.pixel)?.error != nil })
                let other = 1 - refused
                // The other learns it from the store at its next round, without sending anything itself.
                try await instances.step(seconds: 2)
                try await eventually("the other instance suspended") {
                    instances.workers[other].status(of: TwoInstances.pixel)?.error?.code == .credentialsRejected
                }
                #expect(instances.server.requests.count == 1)

                // The refused instance gets a new token and resumes; the other, still on the
                // rejected one, stays suspended.
                try await instances.workers[refused].replaceCredentials(
                    for: TwoInstances.pixel, accessToken: AccessToken("new-token"), appSecret: nil)
                try await eventually("s1 delivered with the new token") {
                    try await instances.stores[0].status(
                        of: EventKey(pixelID: TwoInstances.pixel, eventName: .purchase, eventID: "s1"))?
                        .state == .delivered
                }
                try await instances.enqueue(["s2"], through: other)
                try await instances.step(seconds: 3)
                #expect(instances.workers[other].status(of: TwoInstances.pixel)?.error != nil)
                #expect(!instances.server.requests.contains { $0.accessToken == "old-token" && $0.eventIDs.contains("s2") })
                // The resumed instance takes the other's events at its idle poll, so nothing waits.
                try await eventually("s2 delivered by the resumed instance") {
                    try await instances.stores[0].counts(pixel: nil).delivered == 2
                }
                #expect(instances.server.requests.filter { $0.accessToken == "old-token" }.count == 1)

                let text = try await instances.databaseText()
                #expect(text.contains("s1"))
                #expect(!text.contains("old-token"))
                #expect(!text.contains("new-token"))
            })
    }
}
