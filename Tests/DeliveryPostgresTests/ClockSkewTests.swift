import CAPIModel
import Delivery
import DeliveryHTTP
@testable import DeliveryPostgres
import DeliveryStoreConformance
import FakeGraphAPI
import Identity
import Synchronization
import Testing
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The system clock moved by an offset a test sets: a host whose clock is wrong.
final class SkewedClock: DeliveryClock, Sendable {
    private let offset: Mutex<Duration>

    init(offset: Duration = .zero) { self.offset = Mutex(offset) }

    func set(offset: Duration) { self.offset.withLock { $0 = offset } }

    var now: Timestamp { SystemDeliveryClock().now + offset.withLock { $0 } }

    /// A wrong wall clock does not make the monotonic one wrong.
    var monotonic: Duration { SystemDeliveryClock().monotonic }

    func sleep(until deadline: Timestamp) async throws {
        try await SystemDeliveryClock().sleep(until: deadline - offset.withLock { $0 })
    }
}

/// Issue 20.3: lease ends, due times and pauses are instants on the instances' clocks, so an
/// instance whose clock runs ahead would take over the leases of the others and end their
/// pauses early. The store refuses such an instance.
@Suite("PostgresEventStore clock skew")
struct ClockSkewTests {
    static let pixel: PixelID = "111"

    static func configuration(schema: String, clock: SkewedClock) -> PostgresEventStore.Configuration {
        var configuration = PostgresTestDatabase.storeConfiguration(schema: schema)
        configuration.clock = clock
        configuration.clockCheckInterval = .zero  // measure on every lease and hold read
        return configuration
    }

    static func isClockSkew(_ error: any Error) -> Bool { (error as? DeliveryError)?.code == .clockSkew }

    @Test("an instance whose clock runs 5 minutes ahead takes over no lease and ends no pause early")
    func skewedInstanceIsRefused() async throws {
        let schema = PostgresTestDatabase.uniqueSchema()
        let system = SystemDeliveryClock()
        let skewed = SkewedClock()
        try await PostgresTestDatabase.withSchema(schema) {
            try await withPostgresEventStore(
                clientConfiguration: try PostgresTestDatabase.clientConfiguration(),
                configuration: PostgresTestDatabase.storeConfiguration(schema: schema)
            ) { first in
                try await withPostgresEventStore(
                    clientConfiguration: try PostgresTestDatabase.clientConfiguration(),
                    configuration: Self.configuration(schema: schema, clock: skewed)
                ) { second in
                    // The first instance leases an event for 300 s and records a 60 s pause (a 429).
                    _ = try await first.append([EventStoreConformance.event("e1")], at: system.now)
                    let leased = try await first.lease(
                        pixel: Self.pixel, now: system.now, limit: 10, leaseDuration: .seconds(300))
                    #expect(leased.count == 1)
                    let pauseEnd = system.now + .seconds(60)
                    _ = try await first.updatePixelHold(Self.pixel, .pause(until: pauseEnd), at: system.now)

                    // The second instance's clock jumps 5 minutes ahead: to it, the lease and the
                    // pause are over. It must neither lease the event nor see the pause ended.
                    skewed.set(offset: .seconds(300))
                    await #expect(throws: DeliveryError.self) {
                        let taken = try await second.lease(
                            pixel: Self.pixel, now: skewed.now, limit: 10, leaseDuration: .seconds(300))
                        Issue.record("the skewed instance leased \(taken.count) event(s) the other instance holds")
                    }
                    do {
                        _ = try await second.lease(pixel: Self.pixel, now: skewed.now, limit: 10, leaseDuration: .seconds(300))
                    } catch {
                        #expect(Self.isClockSkew(error), "\(error)")
                        #expect("\(error)".contains("ahead of"), "\(error)")
                    }
                    await #expect { _ = try await second.pixelHolds(at: skewed.now) } throws: { Self.isClockSkew($0) }
                    // Nor may it write a pause end from its clock.
                    await #expect {
                        _ = try await second.updatePixelHold(Self.pixel, .pause(until: skewed.now + .seconds(1)), at: skewed.now)
                    } throws: { Self.isClockSkew($0) }

                    // The first instance still holds its lease and its pause.
                    let settled = try await first.settle(
                        Settlement(attempt: nil, events: [EventSettlement(leased[0], disposition: .delivered)]), at: system.now)
                    #expect(settled.lostLeases.isEmpty)
                    #expect(try await first.pixelHolds(at: system.now)[Self.pixel]?.pausedUntil == pauseEnd)

                    // Appends still work on the skewed instance: nothing enqueued is refused.
                    #expect(try await second.append([EventStoreConformance.event("e2")], at: skewed.now).insertedCount == 1)

                    // Once its clock is corrected, the instance works again and sees the pause.
                    skewed.set(offset: .zero)
                    #expect(try await second.pixelHolds(at: skewed.now)[Self.pixel]?.pausedUntil == pauseEnd)
                    _ = try await second.lease(pixel: Self.pixel, now: skewed.now, limit: 10, leaseDuration: .seconds(300))
                }
            }
        }
    }

    @Test("two workers: after a 429 paused the pixel, the one whose clock jumps 5 minutes ahead sends nothing")
    func skewedWorkerDoesNotEndThePause() async throws {
        let schema = PostgresTestDatabase.uniqueSchema()
        let clocks: [any DeliveryClock] = [SystemDeliveryClock(), SkewedClock()]
        let skewed = clocks[1] as! SkewedClock
        let tokens = ["token-a", "token-b"]
        try await PostgresTestDatabase.withSchema(schema) {
            try await withFakeGraphAPI { server in
                var stores: [PostgresEventStore] = []
                var queues: [DeliveryQueue] = []
                var workers: [DeliveryWorker] = []
                for (clock, token) in zip(clocks, tokens) {
                    var configuration = PostgresTestDatabase.storeConfiguration(schema: schema)
                    configuration.clock = clock
                    configuration.clockCheckInterval = .zero
                    let store = PostgresEventStore(
                        clientConfiguration: try PostgresTestDatabase.clientConfiguration(), configuration: configuration)
                    var destination = PixelDestination(pixelID: Self.pixel, accessToken: AccessToken(token))
                    destination.baseURL = server.baseURL
                    var worker = DeliveryWorker.Configuration()
                    worker.batchSize = 10
                    worker.maximumConcurrentRequests = 1
                    worker.idlePollInterval = .milliseconds(100)
                    worker.requestTimeout = .seconds(10)
                    let queue = DeliveryQueue(store: store, clock: clock)
                    stores.append(store)
                    queues.append(queue)
                    workers.append(
                        DeliveryWorker(
                            queue: queue, transport: AsyncHTTPClientTransport(), destinations: [destination],
                            configuration: worker, clock: clock))
                }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for store in stores { group.addTask { try await store.run() } }
                    for worker in workers { group.addTask { try await worker.run() } }
                    defer { group.cancelAll() }

                    // The first request is throttled for 2 minutes; the pause is shared through the store.
                    server.inject(.tooManyRequests(regainAccessMinutes: 2))
                    try await queues[0].enqueue(contentsOf: [Self.serverEvent("first")], pixel: Self.pixel)
                    try await eventually("the pause is recorded") {
                        try await stores[0].pixelHolds(at: clocks[0].now)[Self.pixel] != nil
                    }

                    // B's clock jumps 5 minutes ahead: to it, the pause is over. It gets events
                    // (its enqueue wakes it) and must still send nothing; A honours the pause.
                    skewed.set(offset: .seconds(300))
                    try await queues[1].enqueue(contentsOf: (0..<5).map { Self.serverEvent("b\($0)") }, pixel: Self.pixel)
                    try await Task.sleep(for: .seconds(2))
                    #expect(server.requests.count == 1, "a request was sent during the pause")
                    // The one request is the throttled one (either instance may have sent it).
                    #expect(server.requests.map(\.responseStatus) == [429])
                    #expect(try await stores[0].counts(pixel: nil).pending == 6)
                }
            }
        }
    }

    static func serverEvent(_ id: String) -> ServerEvent {
        ServerEvent(
            eventName: .purchase, eventTime: Timestamp.now, actionSource: .website,
            userData: UserData(
                emails: [HashedIdentifier(digest: SHA256.hash("\(id)@example.com"))], clientUserAgent: "Mozilla/5.0"),
            customData: CustomData(value: 10, currency: "USD"), eventID: id, eventSourceURL: "https://shop.example.com/")
    }

    @Test("a store whose clock is 5 minutes off refuses to start; one 2 s off starts", arguments: [-300, 300])
    func refusesToStart(offsetSeconds: Int) async throws {
        let schema = PostgresTestDatabase.uniqueSchema()
        try await PostgresTestDatabase.withSchema(schema) {
            await #expect {
                try await withPostgresEventStore(
                    clientConfiguration: try PostgresTestDatabase.clientConfiguration(),
                    configuration: Self.configuration(schema: schema, clock: SkewedClock(offset: .seconds(offsetSeconds)))
                ) { _ in }
            } throws: { Self.isClockSkew($0) }
            try await withPostgresEventStore(
                clientConfiguration: try PostgresTestDatabase.clientConfiguration(),
                configuration: Self.configuration(
                    schema: schema, clock: SkewedClock(offset: .seconds(offsetSeconds.signum() * 2)))
            ) { store in
                let leased = try await store.lease(
                    pixel: Self.pixel, now: SystemDeliveryClock().now, limit: 1, leaseDuration: .seconds(60))
                #expect(leased.isEmpty)
            }
        }
    }

    @Test("the offset is measured from the midpoint of the round trip; a slow round trip is not a skew")
    func offsetArithmetic() {
        let offset = ClockOffset(
            sentAt: Timestamp(milliseconds: 10_000), serverTime: Timestamp(milliseconds: 10_600),
            receivedAt: Timestamp(milliseconds: 11_000))
        #expect(offset.offsetMilliseconds == 100)
        #expect(offset.uncertaintyMilliseconds == 500)
        #expect(offset.certainSkewMilliseconds == 0)

        // A 20 s round trip with the server at its end: at most 20 s off, at least nothing.
        let slow = ClockOffset(
            sentAt: Timestamp(milliseconds: 0), serverTime: Timestamp(milliseconds: 20_000),
            receivedAt: Timestamp(milliseconds: 20_000))
        #expect(!slow.exceeds(.seconds(10)))

        let ahead = ClockOffset(
            sentAt: Timestamp(milliseconds: 300_000), serverTime: Timestamp(milliseconds: 2),
            receivedAt: Timestamp(milliseconds: 300_004))
        #expect(ahead.offsetMilliseconds == -300_000)
        #expect(ahead.certainSkewMilliseconds == 299_998)
        #expect(ahead.exceeds(.seconds(10)))
        #expect(!ahead.exceeds(.seconds(300)))
        #expect(ahead.refusal(maximum: .seconds(10)).code == .clockSkew)
        #expect("\(ahead.refusal(maximum: .seconds(10)))".contains("300.0 s ahead of"))

        let behind = ClockOffset(
            sentAt: Timestamp(milliseconds: 0), serverTime: Timestamp(milliseconds: 60_000),
            receivedAt: Timestamp(milliseconds: 0))
        #expect(behind.exceeds(.seconds(10)))
        #expect("\(behind.refusal(maximum: .seconds(10)))".contains("60.0 s behind"))
    }
}
