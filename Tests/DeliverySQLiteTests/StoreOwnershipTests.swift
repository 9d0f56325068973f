import CAPIModel
import Delivery
import DeliverySQLite
import DeliveryStoreConformance
import SQLiteNIO
import Testing
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A database that is not a store is never changed; new store files are owner-only; stores
/// written before the stamp existed keep working.
@Suite("SQLite store ownership and permissions")
struct StoreOwnershipTests {
    static let t0 = Timestamp(milliseconds: 1_767_225_600_000)
    static let applicationID = 0x526F_5072

    /// A shop's own database: a `customers` table with two rows, in SQLite's default
    /// rollback-journal mode.
    static func makeShopDatabase(at path: String) async throws {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        _ = try await connection.query("CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT)")
        _ = try await connection.query("INSERT INTO customers (email) VALUES ('a@example.com'), ('b@example.com')")
        try await connection.close()
    }

    static func pragma(_ name: String, of path: String) async throws -> SQLiteData? {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        let value = try await connection.query("PRAGMA \(name)").first?.columns.first?.data
        try await connection.close()
        return value
    }

    static func mode(of path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) & 0o777
    }

    static func configuration(_ access: SQLiteEventStore.Configuration.Access) -> SQLiteEventStore.Configuration {
        var configuration = SQLiteEventStore.Configuration()
        configuration.access = access
        return configuration
    }

    /// A version-3 store exactly as releases before the stamp wrote it: no application_id.
    static func makeUnstampedVersion3Store(at path: String) async throws {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        for statement in SQLiteSchemaV1ForTests.statements { _ = try await connection.query(statement) }
        _ = try await connection.query("CREATE INDEX attempt_events_attempt ON attempt_events (attempt_id)")
        _ = try await connection.query(
            "CREATE TABLE pixel_holds (pixel_id TEXT PRIMARY KEY, paused_until INTEGER, suspension TEXT) WITHOUT ROWID")
        _ = try await connection.query(
            """
            INSERT INTO events (pixel_id, event_name, event_id, event_time, action_source, payload, enqueued_at, due_at)
            VALUES ('111', 'Purchase', 'v3-event', 1767225000, 'website', '{"event_id":"v3-event"}', 0, 0)
            """)
        _ = try await connection.query("PRAGMA journal_mode = WAL")
        _ = try await connection.query("PRAGMA user_version = 3")
        try await connection.close()
    }

    @Test(
        "another program's database is refused, read-write or read-only, and left byte for byte as it was",
        arguments: [SQLiteEventStore.Configuration.Access.readWrite, .readOnly])
    func foreignDatabaseIsNeverChanged(access: SQLiteEventStore.Configuration.Access) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("shop.sqlite")
        try await Self.makeShopDatabase(at: path)
        let before = try #require(FileManager.default.contents(atPath: path))
        let modeBefore = try Self.mode(of: path)

        let error = await #expect(throws: DeliveryError.self) {
            _ = try await SQLiteEventStore.open(path: path, configuration: Self.configuration(access))
        }
        #expect(error?.code == .foreignDatabase)
        #expect(error?.message.contains("not a RoasProof store") == true)
        #expect(error?.message.contains("left unchanged") == true)
        #expect(FileManager.default.contents(atPath: path) == before)
        #expect(try Self.mode(of: path) == modeBefore)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
        #expect(try await Self.pragma("journal_mode", of: path)?.string == "delete")
        #expect(try await Self.pragma("user_version", of: path)?.integer == 0)
    }

    @Test("a database stamped by another program is refused even without tables")
    func otherApplicationIDIsRefused() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("other.sqlite")
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        _ = try await connection.query("PRAGMA application_id = 1234")
        try await connection.close()
        let before = try #require(FileManager.default.contents(atPath: path))
        let error = await #expect(throws: DeliveryError.self) { _ = try await SQLiteEventStore.open(path: path) }
        #expect(error?.code == .foreignDatabase)
        #expect(FileManager.default.contents(atPath: path) == before)
    }

    @Test("a new store is stamped and its file, -wal and -shm are readable by the owner only")
    func newStoreIsStampedAndOwnerOnly() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("events.sqlite")
        try await withSQLiteEventStore(path: path) { store in
            _ = try await store.append([EventStoreConformance.event("e1")], at: Self.t0)
            // While the store is open its WAL and shared-memory files exist.
            for file in [path, path + "-wal", path + "-shm"] {
                #expect(try Self.mode(of: file) == 0o600, "\(file)")
            }
        }
        #expect(try Self.mode(of: path) == 0o600)
        #expect(try await Self.pragma("application_id", of: path)?.integer.map { Int($0) } == Self.applicationID)
    }

    @Test("an existing empty file becomes a store and keeps the mode its owner gave it")
    func existingEmptyFileKeepsItsMode() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("events.sqlite")
        #expect(FileManager.default.createFile(atPath: path, contents: Data(), attributes: [.posixPermissions: 0o640]))
        try await withSQLiteEventStore(path: path) { store in
            _ = try await store.append([EventStoreConformance.event("e1")], at: Self.t0)
        }
        #expect(try Self.mode(of: path) == 0o640)
    }

    @Test("a store from before the stamp is read without being changed, and stamped when opened for writing")
    func unstampedStoreIsRecognised() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("v3.sqlite")
        try await Self.makeUnstampedVersion3Store(at: path)
        let before = try #require(FileManager.default.contents(atPath: path))

        let (counts, version) = try await withSQLiteEventStore(path: path, configuration: Self.configuration(.readOnly)) {
            store in (try await store.counts(pixel: nil), try await store.schemaVersion())
        }
        #expect(counts == EventCounts(pending: 1))
        #expect(version == 3)
        #expect(FileManager.default.contents(atPath: path) == before)
        #expect(try await Self.pragma("application_id", of: path)?.integer == 0)

        try await withSQLiteEventStore(path: path) { (store: SQLiteEventStore) async throws -> Void in
            #expect(try await store.schemaVersion() == SQLiteEventStore.schemaVersion)
            #expect(
                try await store.status(of: EventKey(pixelID: "111", eventName: .purchase, eventID: "v3-event"))?.state == .pending
            )
            #expect(try await store.createdBy() == nil)
        }
        #expect(try await Self.pragma("application_id", of: path)?.integer.map { Int($0) } == Self.applicationID)
    }

    @Test("read-only never creates a file, and refuses writes")
    func readOnlyCreatesNothing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let missing = directory.file("missing.sqlite")
        let error = await #expect(throws: DeliveryError.self) {
            _ = try await SQLiteEventStore.open(path: missing, configuration: Self.configuration(.readOnly))
        }
        #expect(error?.code == .storeFailure)
        #expect(!FileManager.default.fileExists(atPath: missing))

        let empty = directory.file("empty.sqlite")
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        let emptyError = await #expect(throws: DeliveryError.self) {
            _ = try await SQLiteEventStore.open(path: empty, configuration: Self.configuration(.readOnly))
        }
        #expect(emptyError?.message.contains("holds no RoasProof store yet") == true)
        #expect(FileManager.default.contents(atPath: empty) == Data())
    }

    @Test("the creator is recorded only when the store is created")
    func createdByIsRecordedAtCreationOnly() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("events.sqlite")
        var first = SQLiteEventStore.Configuration()
        first.createdBy = "capi demo"
        try await withSQLiteEventStore(path: path, configuration: first) { _ in }
        var second = SQLiteEventStore.Configuration()
        second.createdBy = "something else"
        let creator = try await withSQLiteEventStore(path: path, configuration: second) { try await $0.createdBy() }
        #expect(creator == "capi demo")

        let plain = directory.file("plain.sqlite")
        try await withSQLiteEventStore(path: plain) { _ in }
        let none = try await withSQLiteEventStore(path: plain, configuration: second) { try await $0.createdBy() }
        #expect(none == nil)
    }

    @Test("a path is a path: characters SQLite URIs treat specially are part of the file name")
    func specialCharactersInThePath() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("a?mode=memory#x%41 b.sqlite")
        try await withSQLiteEventStore(path: path) { store in
            _ = try await store.append([EventStoreConformance.event("e1")], at: Self.t0)
        }
        let counts = try await withSQLiteEventStore(path: path, configuration: Self.configuration(.readOnly)) {
            try await $0.counts(pixel: nil)
        }
        #expect(counts == EventCounts(pending: 1))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        // The store, and the -wal and -shm SQLite needs beside a WAL database to read it.
        #expect(files.first == "a?mode=memory#x%41 b.sqlite", "\(files)")
        #expect(files.allSatisfy { $0.hasPrefix("a?mode=memory#x%41 b.sqlite") }, "\(files)")
    }
}
