import CAPIModel
import Delivery
import DeliverySQLite
import DeliveryStoreConformance
import SQLiteNIO
import Foundation
import Testing

@Suite("SQLiteEventStore")
struct SQLiteStoreTests {
    @Test("conformance", arguments: EventStoreConformance.checks)
    func conformance(_ check: EventStoreConformance.Check) async throws {
        try await check.runOnNewSQLiteFile { $0 }
    }

    @Test("64 concurrent single-event appends share commits")
    func groupCommit() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await withSQLiteEventStore(path: directory.file("events.sqlite")) { store in
            let t0 = Timestamp(milliseconds: 0)
            _ = try await store.append([EventStoreConformance.event("warm-up")], at: t0)
            let before = store.appendCommitCount
            try await withThrowingTaskGroup(of: AppendResult.self) { group in
                for index in 0..<64 {
                    group.addTask { try await store.append([EventStoreConformance.event("g\(index)")], at: t0) }
                }
                var inserted = 0
                for try await result in group { inserted += result.insertedCount }
                #expect(inserted == 64)
            }
            let commits = store.appendCommitCount - before
            #expect(commits >= 1)
            #expect(commits <= 32, "64 appends took \(commits) commits")
            #expect(try await store.counts(pixel: nil).pending == 65)
        }
    }

    @Test("a new file gets WAL, synchronous=FULL and the latest schema")
    func pragmasAndSchema() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("events.sqlite")
        let version0 = try await withSQLiteEventStore(path: path) { store in try await store.schemaVersion() }
        #expect(version0 == SQLiteEventStore.schemaVersion)
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        let mode = try await connection.query("PRAGMA journal_mode").first?.columns.first?.data.string
        #expect(mode == "wal")
        let version = try await connection.query("PRAGMA user_version").first?.columns.first?.data.integer
        #expect(version.map { Int($0) } == SQLiteEventStore.schemaVersion)
        try await connection.close()

        let store = try await SQLiteEventStore.open(path: path)
        let synchronous = try await store.connectionPragma("synchronous")
        #expect(synchronous == 2)  // FULL
        try await store.close()
    }

    @Test("a new file gets the configured page size; an existing file keeps its own")
    func pageSize() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let t0 = Timestamp(milliseconds: 1_767_225_600_000)
        let defaultPath = directory.file("default.sqlite")
        let defaultSize = try await withSQLiteEventStore(path: defaultPath) { store in
            try await store.connectionPragma("page_size")
        }
        #expect(defaultSize == 16_384)
        var small = SQLiteEventStore.Configuration()
        small.pageSizeBytes = 4_096
        let smallPath = directory.file("small.sqlite")
        let smallSize = try await withSQLiteEventStore(path: smallPath, configuration: small) { store in
            _ = try await store.append((0..<300).map { EventStoreConformance.event("e\($0)") }, at: t0)
            return try await store.connectionPragma("page_size")
        }
        #expect(smallSize == 4_096)
        // Reopened with the default: the 4 KiB file stays 4 KiB and keeps its events.
        let (reopenedSize, before, after) = try await withSQLiteEventStore(path: smallPath) { store in
            let size = try await store.connectionPragma("page_size")
            let before = try await store.counts(pixel: nil)
            _ = try await store.append([EventStoreConformance.event("after-reopen")], at: t0)
            return (size, before, try await store.counts(pixel: nil))
        }
        #expect(reopenedSize == 4_096)
        #expect(before == EventCounts(pending: 300))
        #expect(after == EventCounts(pending: 301))
    }

    @Test("a page size SQLite cannot use is refused before any file is created", arguments: [0, 1_000, 131_072, 256])
    func invalidPageSize(size: Int) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("events.sqlite")
        var configuration = SQLiteEventStore.Configuration()
        configuration.pageSizeBytes = size
        let error = await #expect(throws: DeliveryError.self) {
            try await SQLiteEventStore.open(path: path, configuration: configuration)
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("pageSizeBytes is \(size)") == true)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("events survive closing and reopening the file")
    func durableAcrossReopen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("events.sqlite")
        let t0 = Timestamp(milliseconds: 1_767_225_600_000)
        try await withSQLiteEventStore(path: path) { store in
            _ = try await store.append((0..<1_500).map { EventStoreConformance.event("e\($0)") }, at: t0)
        }
        try await withSQLiteEventStore(path: path) { store in
            #expect(try await store.counts(pixel: nil) == EventCounts(pending: 1_500))
            let leased = try await store.lease(pixel: "111", now: t0, limit: 1_000, leaseDuration: .seconds(60))
            #expect(leased.count == 1_000)
        }
    }

    @Test("a file from a newer schema is refused with a clear error")
    func schemaTooNew() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("events.sqlite")
        try await withSQLiteEventStore(path: path) { _ in }
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        _ = try await connection.query("PRAGMA user_version = \(SQLiteEventStore.schemaVersion + 1)")
        try await connection.close()
        let error = await #expect(throws: DeliveryError.self) { try await SQLiteEventStore.open(path: path) }
        #expect(error?.code == .schemaTooNew)
        #expect(error?.message.contains("upgrade") == true)
    }

    @Test("an unwritable path fails with storeFailure")
    func unwritablePath() async throws {
        let error = await #expect(throws: DeliveryError.self) {
            try await SQLiteEventStore.open(path: "/nonexistent-dir-\(UInt32.random(in: 0...UInt32.max))/x.sqlite")
        }
        #expect(error?.code == .storeFailure)
    }

    @Test("a version-1 file with data is migrated to the latest schema and keeps its events")
    func migratesVersion1() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("events.sqlite")
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        for statement in SQLiteSchemaV1ForTests.statements { _ = try await connection.query(statement) }
        _ = try await connection.query(
            """
            INSERT INTO events (pixel_id, event_name, event_id, event_time, action_source, payload, enqueued_at, due_at)
            VALUES ('111', 'Purchase', 'v1-event', 1767225000, 'website', '{"event_id":"v1-event"}', 0, 0)
            """)
        _ = try await connection.query("PRAGMA user_version = 1")
        try await connection.close()
        try await withSQLiteEventStore(path: path) { store in
            #expect(try await store.schemaVersion() == SQLiteEventStore.schemaVersion)
            #expect(SQLiteEventStore.schemaVersion >= 2)
            let report = try await store.status(of: EventKey(pixelID: "111", eventName: .purchase, eventID: "v1-event"))
            #expect(report?.state == .pending)
            let index = try await store.connectionPragmaRows("index_list('attempt_events')")
            #expect(index.contains { $0.contains("attempt_events_attempt") })
        }
    }

    @Test("an empty 0-byte file becomes a store")
    func migratesEmptyFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("events.sqlite")
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        try await withSQLiteEventStore(path: path) { store in
            #expect(try await store.schemaVersion() == SQLiteEventStore.schemaVersion)
            _ = try await store.append([EventStoreConformance.event("e1")], at: Timestamp(milliseconds: 0))
            #expect(try await store.counts(pixel: nil).pending == 1)
        }
    }

    @Test("pixel holds survive closing and reopening the file")
    func holdsSurviveReopen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("events.sqlite")
        let t0 = Timestamp(milliseconds: 1_767_225_600_000)
        let credentials = CredentialFingerprint(accessToken: AccessToken("t"), appSecret: nil)
        let error = GraphError(message: "Session has expired", code: 190, errorSubcode: 463)
        try await withSQLiteEventStore(path: path) { store in
            _ = try await store.updatePixelHold("111", .pause(until: t0 + .seconds(600)), at: t0)
            _ = try await store.updatePixelHold("222", .suspend(error, credentials: credentials), at: t0)
        }
        try await withSQLiteEventStore(path: path) { store in
            let holds = try await store.pixelHolds(at: t0 + .seconds(1))
            #expect(holds["111"] == PixelHold(pausedUntil: t0 + .seconds(600)))
            #expect(holds["222"]?.suspension == PixelSuspension(error: error, since: t0, rejectedCredentials: [credentials]))
        }
    }

    @Test("a version-2 file with data is migrated to version 3 (pixel holds)")
    func migratesVersion2() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("events.sqlite")
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        for statement in SQLiteSchemaV1ForTests.statements { _ = try await connection.query(statement) }
        _ = try await connection.query("CREATE INDEX attempt_events_attempt ON attempt_events (attempt_id)")
        _ = try await connection.query(
            """
            INSERT INTO events (pixel_id, event_name, event_id, event_time, action_source, payload, enqueued_at, due_at)
            VALUES ('111', 'Purchase', 'v2-event', 1767225000, 'website', '{"event_id":"v2-event"}', 0, 0)
            """)
        _ = try await connection.query("PRAGMA user_version = 2")
        try await connection.close()
        try await withSQLiteEventStore(path: path) { store in
            #expect(try await store.schemaVersion() == SQLiteEventStore.schemaVersion)
            #expect(
                try await store.status(of: EventKey(pixelID: "111", eventName: .purchase, eventID: "v2-event"))?.state == .pending
            )
            #expect(try await store.pixelHolds(at: Timestamp(milliseconds: 0)).isEmpty)
            _ = try await store.updatePixelHold(
                "111", .pause(until: Timestamp(milliseconds: 5_000)), at: Timestamp(milliseconds: 0))
            #expect(try await store.pixelHolds(at: Timestamp(milliseconds: 0)).count == 1)
        }
    }

    @Test("a version-4 file read-only has no quality snapshots; opened for writing it is migrated and keeps them")
    func migratesVersion4ToQualitySnapshots() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("events.sqlite")
        try await withSQLiteEventStore(path: path) { store in
            _ = try await store.append([EventStoreConformance.event("v4-event")], at: Timestamp(milliseconds: 0))
        }
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        _ = try await connection.query("DROP TABLE quality_snapshots")
        _ = try await connection.query("PRAGMA user_version = 4")
        try await connection.close()

        var readOnly = SQLiteEventStore.Configuration()
        readOnly.access = .readOnly
        try await withSQLiteEventStore(path: path, configuration: readOnly) { store async throws in
            #expect(try await store.schemaVersion() == 4)
            #expect(try await store.qualitySnapshots(pixel: "111", since: nil, limit: 10).isEmpty)
        }
        let snapshot = QualitySnapshot(
            pixelID: "111", takenAt: Timestamp(milliseconds: 1),
            entries: [
                QualitySnapshot.Entry(
                    eventName: .purchase, eventMatchQuality: 6, metaJSON: "{}", localCounters: MatchKeyCoverage.Counters())
            ])
        try await withSQLiteEventStore(path: path) { store async throws in
            #expect(try await store.schemaVersion() == SQLiteEventStore.schemaVersion)
            #expect(
                try await store.status(of: EventKey(pixelID: "111", eventName: .purchase, eventID: "v4-event"))?.state == .pending
            )
            try await store.recordQualitySnapshot(snapshot)
        }
        try await withSQLiteEventStore(path: path, configuration: readOnly) { store async throws in
            #expect(try await store.qualitySnapshots(pixel: "111", since: nil, limit: 10) == [snapshot])
        }
    }
}
