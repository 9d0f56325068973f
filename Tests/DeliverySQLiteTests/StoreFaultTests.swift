import CAPIModel
import Delivery
import DeliverySQLite
import DeliveryTesting
import SQLiteNIO
import Testing
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Store faults: a full disk, a read-only database, a lock held by another connection, and
/// damaged rows. In each, the caller gets a typed error, nothing accepted before is lost, and
/// delivery resumes once the fault is gone.
@Suite("SQLite store faults")
struct StoreFaultTests {
    static let pixel: PixelID = "111"
    static let t0 = Timestamp(milliseconds: 1_767_225_600_000)

    static func event(_ id: String, at time: Timestamp = t0) -> ServerEvent {
        ServerEvent(
            eventName: .purchase, eventTime: time.wholeSeconds, actionSource: .website,
            userData: UserData(
                emails: [HashedIdentifier(digest: SHA256Digest(hexString: String(repeating: "ab", count: 32))!)],
                clientUserAgent: "Mozilla/5.0"),
            customData: CustomData(value: 10, currency: "EUR"), eventID: id, eventSourceURL: "https://shop.example/thanks")
    }

    /// Runs a worker over `store` with a recording transport until `body` returns.
    static func delivering(
        _ store: SQLiteEventStore, clock: ManualDeliveryClock, transport: RecordingTransport = RecordingTransport(),
        _ body: (DeliveryQueue) async throws -> Void
    ) async throws {
        let queue = DeliveryQueue(store: store, clock: clock)
        var configuration = DeliveryWorker.Configuration()
        configuration.idlePollInterval = .seconds(3_600)
        let worker = DeliveryWorker(
            queue: queue, transport: transport,
            destinations: [PixelDestination(pixelID: pixel, accessToken: AccessToken("t"))],
            configuration: configuration, clock: clock)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            try await body(queue)
            group.cancelAll()
        }
    }

    /// Waits (a few seconds at most) for `condition`.
    static func eventually(_ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(2))
        }
        Issue.record("condition not met in time")
    }

    // MARK: Disk full

    /// `max_page_count` makes SQLite answer SQLITE_FULL exactly where a full disk would (the
    /// unix VFS maps ENOSPC to SQLITE_FULL), without needing a small file system.
    @Test func diskFullRefusesTheNewBatchAndKeepsEverythingAccepted() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("full.sqlite")
        var configuration = SQLiteEventStore.Configuration()
        // 40 pages of 4 KiB: the schema and a few hundred events, filled a page at a time, so
        // the limit is reached both by an enqueue and by the receipt of a delivery.
        configuration.pageSizeBytes = 4_096
        configuration.maximumSizeBytes = 160 * 1_024
        let clock = ManualDeliveryClock(now: Self.t0)
        var accepted: [String] = []
        var refused: [String] = []
        try await withSQLiteEventStore(path: path, configuration: configuration) { store in
            let queue = DeliveryQueue(store: store, clock: clock)
            var failure: DeliveryError?
            for batch in 0..<200 where failure == nil {
                let ids = (0..<50).map { "b\(batch)-\($0)" }
                do {
                    try await queue.enqueue(contentsOf: ids.map { Self.event($0) }, pixel: Self.pixel)
                    accepted += ids
                } catch let error as DeliveryError {
                    failure = error
                    refused = ids
                }
            }
            let error = try #require(failure, "the size limit was never reached")
            #expect(error.code == .storeFull)
            #expect(error.message.contains("disk is full"))
            #expect(accepted.count >= 100)
            // All or nothing: no event of the refused batch is stored; every accepted one is.
            #expect(try await store.counts(pixel: nil) == EventCounts(pending: accepted.count))
            for id in refused {
                #expect(try await queue.status(of: EventKey(pixelID: Self.pixel, eventName: .purchase, eventID: id)) == nil)
            }
            // The store still reads, and refuses again while it is full.
            await #expect(throws: DeliveryError.self) {
                try await queue.enqueue(contentsOf: refused.map { Self.event($0) }, pixel: Self.pixel)
            }
        }
        // Space was freed (no limit any more): the refused batch goes in, and everything flows.
        try await withSQLiteEventStore(path: path) { store in
            #expect(try await store.counts(pixel: nil) == EventCounts(pending: accepted.count))
            let transport = RecordingTransport()
            try await Self.delivering(store, clock: clock, transport: transport) { queue in
                try await queue.enqueue(contentsOf: refused.map { Self.event($0) }, pixel: Self.pixel)
                try await Self.eventually { try await store.counts(pixel: nil).delivered == accepted.count + refused.count }
            }
            #expect(Set(transport.sent.flatMap(\.eventIDs)) == Set(accepted + refused))
        }
    }

    /// Full while delivering: settling an attempt (which writes its receipt) fails, the events
    /// keep their leases, and after a restart with space they are delivered; none is lost.
    @Test func diskFullWhileDeliveringLosesNothing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("full.sqlite")
        let clock = ManualDeliveryClock(now: Self.t0)
        var ids: [String] = []
        var configuration = SQLiteEventStore.Configuration()
        // 40 pages of 4 KiB: the schema and a few hundred events, filled a page at a time, so
        // the limit is reached both by an enqueue and by the receipt of a delivery.
        configuration.pageSizeBytes = 4_096
        configuration.maximumSizeBytes = 160 * 1_024
        try await withSQLiteEventStore(path: path, configuration: configuration) { store in
            let queue = DeliveryQueue(store: store, clock: clock)
            var full = false
            var batch = 0
            while !full {
                let next = (0..<50).map { "d\(batch)-\($0)" }
                do {
                    try await queue.enqueue(contentsOf: next.map { Self.event($0) }, pixel: Self.pixel)
                    ids += next
                } catch let error as DeliveryError where error.code == .storeFull {
                    full = true
                }
                batch += 1
            }
            let transport = RecordingTransport()
            try await Self.delivering(store, clock: clock, transport: transport) { _ in
                // The worker sends, then cannot write the receipt of the answer.
                try await Self.eventually { !transport.sent.isEmpty }
                try await Self.eventually { try await store.counts(pixel: nil).inFlight > 0 }
            }
            let counts = try await store.counts(pixel: nil)
            // The answer could not be recorded, so nothing counts as delivered yet.
            #expect(counts == EventCounts(pending: counts.pending, inFlight: counts.inFlight))
            #expect(counts.undelivered == ids.count)
        }
        try await withSQLiteEventStore(path: path) { store in
            try await Self.delivering(store, clock: clock) { _ in
                try await Self.eventually { try await store.counts(pixel: nil).delivered == ids.count }
            }
        }
    }

    // MARK: Read-only

    /// A database SQLite can only read (here opened with `Configuration.access = .readOnly`;
    /// file permissions or a read-only file system give the same SQLITE_READONLY) refuses
    /// writes with a typed error and still answers reads; nothing stored is touched.
    @Test func readOnlyDatabaseRefusesWritesAndKeepsEvents() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("ro.sqlite")
        let clock = ManualDeliveryClock(now: Self.t0)
        try await withSQLiteEventStore(path: path) { store in
            _ = try await DeliveryQueue(store: store, clock: clock)
                .enqueue(contentsOf: ["r1", "r2", "r3"].map { Self.event($0) }, pixel: Self.pixel)
        }
        var readOnly = SQLiteEventStore.Configuration()
        readOnly.access = .readOnly
        try await withSQLiteEventStore(path: path, configuration: readOnly) { (store: SQLiteEventStore) async throws -> Void in
            let queue = DeliveryQueue(store: store, clock: clock)
            let error = await #expect(throws: DeliveryError.self) {
                try await queue.enqueue(Self.event("r4"), pixel: Self.pixel)
            }
            #expect(error?.code == .storeReadOnly)
            #expect(error?.message.contains("read-only") == true)
            let leaseError = await #expect(throws: DeliveryError.self) {
                _ = try await store.lease(pixel: Self.pixel, now: Self.t0, limit: 10, leaseDuration: .seconds(60))
            }
            #expect(leaseError?.code == .storeReadOnly)
            #expect(try await store.counts(pixel: nil) == EventCounts(pending: 3))
        }
        try await withSQLiteEventStore(path: path) { store in
            #expect(try await store.counts(pixel: nil) == EventCounts(pending: 3))
            try await Self.delivering(store, clock: clock) { _ in
                try await Self.eventually { try await store.counts(pixel: nil).delivered == 3 }
            }
        }
    }

    // MARK: Busy

    /// Another connection holds the write lock longer than the store waits: the enqueue fails
    /// with `storeBusy`, nothing changes, and the same call succeeds once the lock is gone.
    @Test func lockHeldByAnotherConnectionGivesStoreBusy() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("busy.sqlite")
        let clock = ManualDeliveryClock(now: Self.t0)
        var configuration = SQLiteEventStore.Configuration()
        configuration.busyTimeoutMilliseconds = 50
        try await withSQLiteEventStore(path: path, configuration: configuration) { store in
            let queue = DeliveryQueue(store: store, clock: clock)
            try await queue.enqueue(contentsOf: ["k1", "k2"].map { Self.event($0) }, pixel: Self.pixel)

            let other = try await SQLiteConnection.open(storage: .file(path: path))
            _ = try await other.query("BEGIN IMMEDIATE")
            let error = await #expect(throws: DeliveryError.self) {
                try await queue.enqueue(contentsOf: ["k3", "k4"].map { Self.event($0) }, pixel: Self.pixel)
            }
            #expect(error?.code == .storeBusy)
            #expect(try await store.counts(pixel: nil) == EventCounts(pending: 2))
            _ = try await other.query("ROLLBACK")
            try await other.close()

            try await queue.enqueue(contentsOf: ["k3", "k4"].map { Self.event($0) }, pixel: Self.pixel)
            try await Self.delivering(store, clock: clock) { _ in
                try await Self.eventually { try await store.counts(pixel: nil).delivered == 4 }
            }
        }
    }

    // MARK: Damaged rows and files

    /// A row whose payload is damaged (cut short, or not text at all) is parked as
    /// `unreadable` without being sent; the events stored beside it are delivered, and no
    /// request ever carries a broken body.
    @Test func corruptRowIsQuarantinedWhileTheRestFlows() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("corrupt.sqlite")
        let clock = ManualDeliveryClock(now: Self.t0)
        let ids = (0..<6).map { "c\($0)" }
        try await withSQLiteEventStore(path: path) { store in
            _ = try await DeliveryQueue(store: store, clock: clock).enqueue(
                contentsOf: ids.map { Self.event($0) }, pixel: Self.pixel)
        }
        let raw = try await SQLiteConnection.open(storage: .file(path: path))
        _ = try await raw.query(
            "UPDATE events SET payload = substr(payload, 1, 40) WHERE event_id = 'c1'")
        _ = try await raw.query("UPDATE events SET payload = x'00FF7B22' WHERE event_id = 'c4'")
        try await raw.close()

        try await withSQLiteEventStore(path: path) { store in
            let transport = RecordingTransport()
            try await Self.delivering(store, clock: clock, transport: transport) { queue in
                try await Self.eventually { try await store.counts(pixel: nil) == EventCounts(delivered: 4, parked: 2) }
                let parked = try await queue.parkedEvents()
                #expect(parked.map(\.key.eventID) == ["c1", "c4"])
                #expect(parked.allSatisfy { $0.parkReason?.code == .unreadable && $0.attempts == 0 })
            }
            #expect(transport.sent.count == 1)
            #expect(transport.sent.first?.eventIDs == ["c0", "c2", "c3", "c5"])
            for request in transport.sent {
                #expect((try? CAPIJSON.decode(EventRequest.self, from: Data(request.body.utf8))) != nil)
            }
        }
    }

    /// A file that is not a SQLite database is refused at open with a typed error, and left
    /// as it was.
    @Test func garbageFileIsRefusedAtOpen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("garbage.sqlite")
        let garbage = Data((0..<8_192).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        #expect(FileManager.default.createFile(atPath: path, contents: garbage))
        let error = await #expect(throws: DeliveryError.self) { _ = try await SQLiteEventStore.open(path: path) }
        #expect(error?.code == .storeCorrupt)
        #expect(error?.message.contains("file is not a database") == true)
        #expect(FileManager.default.contents(atPath: path) == garbage)
    }

    /// A store whose pages were overwritten: the error is typed, names the file and carries
    /// SQLite's own reason, not just the operation that failed.
    @Test func damagedStoreSaysWhatSQLiteSaid() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("damaged.sqlite")
        var configuration = SQLiteEventStore.Configuration()
        configuration.pageSizeBytes = 4_096
        try await withSQLiteEventStore(path: path, configuration: configuration) { store in
            _ = try await DeliveryQueue(store: store, clock: ManualDeliveryClock(now: Self.t0))
                .enqueue(contentsOf: (0..<400).map { Self.event("d\($0)") }, pixel: Self.pixel)
        }
        // Keep the header and the schema (pages 1 and 2); overwrite every page after them.
        var bytes = try #require(FileManager.default.contents(atPath: path))
        #expect(bytes.count > 40 * 4_096)
        for index in (2 * 4_096)..<bytes.count { bytes[index] = UInt8(truncatingIfNeeded: index &* 131 &+ 7) }
        try bytes.write(to: URL(fileURLWithPath: path))

        let error = await #expect(throws: DeliveryError.self) {
            try await withSQLiteEventStore(path: path) { store in _ = try await store.counts(pixel: nil) }
        }
        #expect(error?.code == .storeCorrupt)
        #expect(error?.message.contains("database disk image is malformed") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(path) == true)
    }
}
