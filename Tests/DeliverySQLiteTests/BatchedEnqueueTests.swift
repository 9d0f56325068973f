import CAPIModel
import Delivery
import DeliverySQLite
import DeliveryTesting
import Testing

/// `DeliveryQueue.enqueue(contentsOf:)` into a real SQLite file: a large batch (inserted by the
/// store in several statements) is one all-or-nothing commit.
@Suite("Batched enqueue into SQLite")
struct BatchedEnqueueTests {
    static let pixel: PixelID = StoreFaultTests.pixel

    static func withQueue(_ body: (DeliveryQueue, SQLiteEventStore) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await withSQLiteEventStore(path: directory.file("events.sqlite")) { (store: SQLiteEventStore) async throws in
            let clock = ManualDeliveryClock(now: StoreFaultTests.t0)
            try await body(DeliveryQueue(store: store, clock: clock), store)
        }
    }

    @Test("an invalid event late in a large batch stores nothing, and every invalid event is listed")
    func invalidEventsAnywhereInTheBatch() async throws {
        try await Self.withQueue { (queue: DeliveryQueue, store: SQLiteEventStore) async throws in
            var events = (0..<1_100).map { StoreFaultTests.event("b\($0)") }
            events[10].eventID = nil
            events[1_050].userData.clientUserAgent = nil
            let error = await #expect(throws: DeliveryError.self) {
                try await queue.enqueue(contentsOf: events, pixel: Self.pixel)
            }
            #expect(error?.code == .invalidEvent)
            #expect(error?.issues.map(\.index) == [10, 1_050])
            #expect(try await store.counts(pixel: nil) == EventCounts())
            #expect(try await store.coverage(pixel: Self.pixel)[.purchase].events == 0)

            events[10].eventID = "b10"
            events[1_050].userData.clientUserAgent = "Mozilla/5.0"
            let commitsBefore = store.appendCommitCount
            #expect(try await queue.enqueue(contentsOf: events, pixel: Self.pixel).insertedCount == 1_100)
            #expect(store.appendCommitCount == commitsBefore + 1)
            let leased = try await store.lease(
                pixel: Self.pixel, now: StoreFaultTests.t0, limit: 2_000, leaseDuration: .seconds(60))
            #expect(leased.map(\.key.eventID) == (0..<1_100).map { "b\($0)" })
            #expect(try await store.coverage(pixel: Self.pixel)[.purchase].count(of: .email) == 1_100)
        }
    }

    @Test("a batch overlapping stored events reports exactly the duplicates, in order")
    func duplicatesOfStoredEvents() async throws {
        try await Self.withQueue { (queue: DeliveryQueue, store: SQLiteEventStore) async throws in
            _ = try await queue.enqueue(contentsOf: (0..<700).map { StoreFaultTests.event("d\($0 * 2)") }, pixel: Self.pixel)
            let result = try await queue.enqueue(
                contentsOf: (0..<1_000).map { StoreFaultTests.event("d\($0)") }, pixel: Self.pixel)
            #expect(result.insertedCount == 500)
            #expect(result.duplicates.map(\.eventID) == (0..<500).map { "d\($0 * 2)" })
            #expect(try await store.counts(pixel: nil).pending == 1_200)
        }
    }

    @Test("a batch enqueued by a cancelled task is still stored whole")
    func cancelledCallerStillStoresTheBatch() async throws {
        try await Self.withQueue { (queue: DeliveryQueue, store: SQLiteEventStore) async throws in
            let events = (0..<1_000).map { StoreFaultTests.event("c\($0)") }
            let enqueued = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await queue.enqueue(contentsOf: events, pixel: Self.pixel)
            }
            #expect(try await enqueued.value.insertedCount == 1_000)
            #expect(try await store.counts(pixel: nil).pending == 1_000)
        }
    }
}
