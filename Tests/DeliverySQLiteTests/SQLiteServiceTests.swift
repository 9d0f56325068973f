import Delivery
import DeliverySQLite
import Logging
import ServiceLifecycle
import Testing

/// The SQLite store is a `Service` like the PostgreSQL store: a ServiceGroup closes it.
@Suite struct SQLiteServiceTests {
    @Test func aServiceGroupClosesTheStoreAtGracefulShutdown() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try await SQLiteEventStore.open(path: directory.file("service.sqlite"))
        let group = ServiceGroup(services: [store], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // Usable while the group runs.
            #expect(try await store.counts(pixel: nil) == EventCounts())
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        // Closed by run(): nothing more goes through it.
        await #expect(throws: (any Error).self) { try await store.counts(pixel: nil) }
        // And a second close is harmless.
        try await store.close()
    }

    @Test func cancellingRunClosesTheStoreToo() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try await SQLiteEventStore.open(path: directory.file("cancel.sqlite"))
        let task = Task { try await store.run() }
        #expect(try await store.counts(pixel: nil) == EventCounts())
        task.cancel()
        try await task.value
        await #expect(throws: (any Error).self) { try await store.counts(pixel: nil) }
    }
}
