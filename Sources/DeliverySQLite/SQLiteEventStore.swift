import CAPIModel
public import Delivery
public import Logging
public import ServiceLifecycle
import SQLiteNIO
import Synchronization
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The embedded `EventStore`: one SQLite file in WAL mode, on sqlite-nio.
///
/// ```swift
/// let store = try await SQLiteEventStore.open(path: "/var/lib/shop/capi.sqlite")
/// let worker = DeliveryWorker(queue: DeliveryQueue(store: store), transport: transport, destinations: destinations)
/// // The store first: a ServiceGroup stops services in reverse order, so the worker settles
/// // its last batch before the store closes.
/// try await ServiceGroup(services: [store, worker], gracefulShutdownSignals: [.sigterm], logger: logger).run()
/// ```
///
/// The store is a `Service`: its ``run()`` waits for graceful shutdown and then closes it.
/// Outside a `ServiceGroup`, use ``withSQLiteEventStore(path:configuration:logger:_:)`` or call
/// ``close()`` yourself.
///
/// - Durability: `journal_mode=WAL` with `synchronous=FULL` by default, so the WAL is
///   fsynced at every commit and ``append(_:at:)`` returns only when the events survive a
///   power cut, not just a process crash. (`NORMAL` is faster and still survives a crash of
///   the process, but a power cut can lose the last commits; choose it in ``Configuration``
///   only if that is acceptable.)
/// - Group commit: concurrent appends share one transaction and one fsync. While one commit
///   is in progress, later callers queue up; the next commit carries all of them.
/// - Schema: versioned with `PRAGMA user_version` and migrated on open.
/// - Ownership: a new store's file is stamped (`PRAGMA application_id`); a database with
///   tables but not that stamp (another program's) is refused with
///   `DeliveryError.Code.foreignDatabase` and left exactly as it was. Stores written before
///   the stamp existed are recognised by their tables and stamped when opened for writing.
/// - Permissions: a new file is created with mode 0600 (readable and writable by its owner
///   only), and SQLite gives its `-wal` and `-shm` files the same mode: they hold hashed
///   identifiers, IP addresses, user agents and click ids. An existing file keeps its mode.
/// - Content: built events with hashed identifiers, receipts and counters; never tokens.
public final class SQLiteEventStore: EventStore, Service, Sendable {
    /// Store settings.
    public struct Configuration: Sendable {
        /// SQLite's `synchronous` setting.
        public struct Synchronous: Hashable, Sendable {
            let pragma: String
            /// fsync the WAL at every commit: durable against power loss (the default).
            public static let full = Synchronous(pragma: "FULL")
            /// fsync only at checkpoints: durable against process crashes only.
            public static let normal = Synchronous(pragma: "NORMAL")
        }

        public var synchronous: Synchronous = .full
        /// How long to wait for a lock held by another connection, in milliseconds.
        public var busyTimeoutMilliseconds: Int = 10_000
        /// The most events one group commit carries.
        public var maximumEventsPerCommit: Int = 50_000
        /// SQLite's page cache for the connection, in KiB (`PRAGMA cache_size = -N`). The
        /// default of 32 MiB keeps the hot index pages of a large queue in memory.
        public var cacheSizeKiB: Int = 32_768
        /// The page size of a new store file, in bytes (`PRAGMA page_size`): a power of two
        /// from 512 to 65,536. It applies only when the file is created; an existing store keeps
        /// the page size it was created with.
        ///
        /// The default, 16 KiB, suits stored events (most are 0.5–1 KiB of JSON): a commit of
        /// 1,000 events writes a quarter as many WAL frames as with SQLite's 4 KiB, which made
        /// sustained batched enqueues about a fifth faster here (see BENCHMARKS.md).
        public var pageSizeBytes: Int = 16_384
        /// WAL pages written before SQLite checkpoints them into the database file
        /// (`PRAGMA wal_autocheckpoint`); larger values mean fewer, longer checkpoints. The
        /// WAL grows to about this many pages times the page size (64 MiB by default).
        public var walAutocheckpointPages: Int = 4_000
        /// The most the database file may grow to, in bytes (`PRAGMA max_page_count`), or
        /// `nil` for no limit but the disk. A write that would pass it fails with
        /// `DeliveryError.Code.storeFull`, exactly like a full disk, and stores nothing; what
        /// was stored before is kept. A limit below the current size holds the file at its
        /// current size.
        public var maximumSizeBytes: Int?
        /// Whether the store may write to its file. The default, ``Access/readWrite``.
        public var access: Access = .readWrite
        /// A short name of the program creating the store, recorded only when this open creates
        /// the store (a new file, or an empty database) and readable later with
        /// ``SQLiteEventStore/createdBy()``. `capi demo` marks its stores this way so that it
        /// replaces them, and never any other file.
        public var createdBy: String?

        public init() {}

        /// How the store opens its file.
        public struct Access: Hashable, Sendable {
            let readOnly: Bool
            /// Read and write: a missing file is created (mode 0600), an empty one or an older
            /// store is given the latest schema.
            public static let readWrite = Access(readOnly: false)
            /// Read only: the file must be a store already; it is never created, converted to
            /// WAL, migrated or stamped, and every write fails with
            /// `DeliveryError.Code.storeReadOnly`. For inspection tools. A store of an older
            /// schema version answers only what its tables hold. To read a store in WAL mode,
            /// SQLite needs its `-wal` and `-shm` files; when no other connection has them, it
            /// creates them (empty, with the store's mode) and leaves them for the next writer.
            public static let readOnly = Access(readOnly: true)
        }

        /// Throws `DeliveryError.Code.invalidConfiguration` for a value SQLite would
        /// silently ignore.
        func validate() throws {
            let size = pageSizeBytes
            guard (512...65_536).contains(size), size & (size - 1) == 0 else {
                throw DeliveryError(
                    code: .invalidConfiguration,
                    message: "SQLiteEventStore.Configuration.pageSizeBytes is \(size); it must be a power of two "
                        + "from 512 to 65536 (the default is 16384)")
            }
        }
    }

    let connection: SQLiteConnection
    /// The file, as passed to ``open(path:configuration:logger:)``; named in errors.
    let path: String
    let logger: Logger
    let configuration: Configuration
    let lock = AsyncLock()
    let group = GroupCommit()
    let appendCommits = Mutex(0)

    /// How many append transactions were committed since the store was opened. With group
    /// commit this grows more slowly than the number of `append` calls under concurrency.
    public var appendCommitCount: Int { appendCommits.withLock { $0 } }
    let closed = Mutex(false)
    /// The end of the latest lease, in milliseconds: the token of the next lease is later.
    let lastLeaseEnd = Mutex(Int64(0))

    /// The schema version this library writes.
    public static var schemaVersion: Int { SQLiteSchema.latestVersion }

    private init(connection: SQLiteConnection, path: String, configuration: Configuration, logger: Logger) {
        self.connection = connection
        self.path = path
        self.configuration = configuration
        self.logger = logger
    }

    /// Opens the store at `path` and migrates its schema; with ``Configuration/Access/readWrite``
    /// (the default) a missing file is created, readable by its owner only (mode 0600).
    ///
    /// `path` is a file path, never a SQLite URI.
    ///
    /// - Throws: `DeliveryError.Code.invalidConfiguration` for a page size SQLite cannot use;
    ///   `DeliveryError.Code.foreignDatabase`, having changed nothing, when the file is a
    ///   database that is not a store; `DeliveryError.Code.schemaTooNew` when a newer library
    ///   wrote the file; `DeliveryError.Code.storeCorrupt` when the file is damaged or not a
    ///   database; `DeliveryError.Code.storeFailure` when SQLite cannot open or migrate it
    ///   (or, read-only, when there is no store at `path`).
    public static func open(
        path: String, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "roasproof.delivery.sqlite", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws -> SQLiteEventStore {
        try configuration.validate()  // before the file is created
        let readOnly = configuration.access.readOnly
        if !readOnly { _ = try SQLiteStoreFile.createOwnerOnlyIfMissing(path) }
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(
                storage: .file(path: SQLiteStoreFile.uri(path, readOnly: readOnly)), logger: logger)
        } catch {
            throw DeliveryError(
                code: .storeFailure,
                message: readOnly
                    ? "could not open the SQLite store at \(path) for reading; check that the file exists and is readable"
                    : "could not open the SQLite store at \(path); check that the directory exists and is writable",
                underlying: error)
        }
        let store = SQLiteEventStore(connection: connection, path: path, configuration: configuration, logger: logger)
        do {
            try await store.configureAndMigrate()
        } catch {
            try? await connection.close()
            store.closed.withLock { $0 = true }
            throw error
        }
        return store
    }

    /// Waits for graceful shutdown (or cancellation) of its `ServiceGroup`, then closes the
    /// store. Operations until then work as they do without `run()`; list the store before
    /// the workers that use it, so that they stop first.
    public func run() async throws {
        try? await gracefulShutdown()
        try await close()
    }

    /// Closes the connection. The store cannot be used afterwards.
    public func close() async throws {
        let alreadyClosed = closed.withLock { closed -> Bool in
            defer { closed = true }
            return closed
        }
        guard !alreadyClosed else { return }
        // In a task of its own, like every statement: sqlite-nio refuses work for a cancelled
        // task, and a ServiceGroup cancelled at shutdown would otherwise leave the file open.
        let connection = self.connection
        try await lock.withLock { try await Task { try await connection.close() }.value }
    }

    private func configureAndMigrate() async throws {
        // Before anything is written: whose file is this?
        let ownership = try await run("reading the file's header and tables") {
            let applicationID = try await query("PRAGMA application_id").first?.columns.first?.data.integer ?? 0
            let userVersion = try await query("PRAGMA user_version").first?.columns.first?.data.integer ?? 0
            let objects = try await query("SELECT type, name FROM sqlite_master")
            let tables = Set(
                objects.compactMap { row -> String? in
                    guard row.column("type")?.string == "table", let name = row.column("name")?.string,
                        !name.hasPrefix("sqlite_")
                    else { return nil }
                    return name
                })
            return SQLiteStoreOwnership.classify(
                applicationID: Int32(truncatingIfNeeded: applicationID), userVersion: Int(userVersion), tables: tables,
                schemaObjectCount: objects.count)
        }
        let current: Int
        let stamped: Bool
        switch ownership {
        case .foreign(let reason):
            throw DeliveryError(
                code: .foreignDatabase,
                message: "\(path) is a SQLite database that is not a RoasProof store (\(reason)); it was left unchanged. "
                    + "Pass the path of a store or of a new file")
        case .empty:
            guard !configuration.access.readOnly else {
                throw DeliveryError(
                    code: .storeFailure,
                    message: "\(path) holds no RoasProof store yet (the database is empty); open it for writing to create one")
            }
            (current, stamped) = (0, false)
        case .store(let version, let isStamped):
            (current, stamped) = (version, isStamped)
        }
        guard current <= SQLiteSchema.latestVersion else {
            throw DeliveryError(
                code: .schemaTooNew,
                message: "the SQLite store \(path) has schema version \(current) but this library knows up to "
                    + "\(SQLiteSchema.latestVersion); upgrade RoasProof or use another file")
        }
        if configuration.access.readOnly {
            // Settings of this connection only; nothing in the file changes.
            try await run("configure") {
                _ = try await query("PRAGMA busy_timeout = \(configuration.busyTimeoutMilliseconds)")
                _ = try await query("PRAGMA temp_store = MEMORY")
                _ = try await query("PRAGMA cache_size = -\(max(0, configuration.cacheSizeKiB))")
            }
            return
        }
        try await run("configure") {
            // Before anything is written: SQLite applies a page size only to a new, empty file
            // (and ignores it for an existing one, which keeps its own).
            _ = try await query("PRAGMA page_size = \(configuration.pageSizeBytes)")
            _ = try await query("PRAGMA journal_mode = WAL")
            _ = try await query("PRAGMA synchronous = \(configuration.synchronous.pragma)")
            _ = try await query("PRAGMA busy_timeout = \(configuration.busyTimeoutMilliseconds)")
            _ = try await query("PRAGMA temp_store = MEMORY")
            _ = try await query("PRAGMA cache_size = -\(max(0, configuration.cacheSizeKiB))")
            _ = try await query("PRAGMA wal_autocheckpoint = \(max(0, configuration.walAutocheckpointPages))")
            if let bytes = configuration.maximumSizeBytes {
                let pageSize = try await query("PRAGMA page_size").first?.columns.first?.data.integer ?? 4_096
                let pages = max(1, (max(0, bytes) + Int(pageSize) - 1) / max(1, Int(pageSize)))
                _ = try await query("PRAGMA max_page_count = \(pages)")
            }
        }
        // The stamp goes in with the first migration, so no file ever has our tables without it.
        // Stores written before the stamp existed (schema 3 at most) get it with their next
        // migration, the first time they are opened for writing.
        for migration in SQLiteSchema.migrations where migration.version > current {
            try await transaction("migrate to schema \(migration.version)") {
                if !stamped { _ = try await query("PRAGMA application_id = \(SQLiteSchema.applicationID)") }
                for statement in migration.statements { _ = try await query(statement) }
                _ = try await query("PRAGMA user_version = \(migration.version)")
                if ownership == .empty, migration.version == SQLiteSchema.latestVersion, let createdBy = configuration.createdBy {
                    _ = try await query(
                        "INSERT INTO store_info (name, value) VALUES (?, ?)",
                        [.text(SQLiteSchema.createdByKey), .text(createdBy)])
                }
            }
            logger.info("migrated SQLite store", metadata: ["capi.sqlite.schema_version": "\(migration.version)"])
        }
    }

    /// The program that created the store, as it gave ``Configuration/createdBy``; `nil` when it
    /// gave none, or the store was created before this was recorded.
    public func createdBy() async throws -> String? {
        try await run("reading who created the store") {
            let hasTable = try await query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'store_info'")
            guard !hasTable.isEmpty else { return nil }
            return try await query("SELECT value FROM store_info WHERE name = ?", [.text(SQLiteSchema.createdByKey)])
                .first?.column("value")?.string
        }
    }

    /// The schema version recorded in the file.
    public func schemaVersion() async throws -> Int {
        try await run("read schema version") {
            let rows = try await query("PRAGMA user_version")
            return Int(rows.first?.columns.first?.data.integer ?? 0)
        }
    }

    /// Reads an integer `PRAGMA` of the store's own connection (for diagnostics and tests).
    public func connectionPragma(_ name: String) async throws -> Int? {
        guard name.allSatisfy({ $0.isLetter || $0 == "_" }) else { return nil }
        return try await run("reading PRAGMA \(name)") {
            try await query("PRAGMA \(name)").first?.columns.first?.data.integer.map { Int($0) }
        }
    }

    /// The text of every row of a `PRAGMA` with arguments, such as `index_list('events')`
    /// (for diagnostics and tests).
    public func connectionPragmaRows(_ pragma: String) async throws -> [String] {
        guard pragma.allSatisfy({ $0.isLetter || $0.isNumber || "_()'".contains($0) }) else { return [] }
        return try await run("reading PRAGMA") {
            try await query("PRAGMA \(pragma)").map { row in
                row.columns.map { $0.data.string ?? "" }.joined(separator: " ")
            }
        }
    }
}

/// Opens the store at `path`, runs `body`, and closes the store, even when `body` throws.
public func withSQLiteEventStore<T: Sendable>(
    path: String, configuration: SQLiteEventStore.Configuration = SQLiteEventStore.Configuration(),
    logger: Logger = Logger(label: "roasproof.delivery.sqlite", factory: { _ in SwiftLogNoOpLogHandler() }),
    _ body: (SQLiteEventStore) async throws -> T
) async throws -> T {
    let store = try await SQLiteEventStore.open(path: path, configuration: configuration, logger: logger)
    do {
        let value = try await body(store)
        try await store.close()
        return value
    } catch {
        try? await store.close()
        throw error
    }
}
