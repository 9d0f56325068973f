import CAPIModel
import Delivery
@testable import DeliveryPostgres
import DeliveryStoreConformance
import Synchronization
import Testing

/// The system clock moved by an offset a test sets: a host whose clock is wrong.
final class SkewedClock: DeliveryClock, Sendable {
    private let offset: Mutex<Duration>

    init(offset: Duration = .zero) { self.offset = Mutex(offset) }

    func set(offset: Duration) { self.offset.withLock { $0 = offset } }

    var now: Timestamp { SystemDeliveryClock().now + offset.withLock { $0 } }

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
                configuration: Self.configuration(schema: schema, clock: SkewedClock(offset: .seconds(offsetSeconds.signum() * 2)))
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
