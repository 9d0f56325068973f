public import CAPIModel
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
    private let lock = AsyncLock()
    private let group = GroupCommit()
    private let appendCommits = Mutex(0)

    /// How many append transactions were committed since the store was opened. With group
    /// commit this grows more slowly than the number of `append` calls under concurrency.
    public var appendCommitCount: Int { appendCommits.withLock { $0 } }
    private let closed = Mutex(false)
    /// The end of the latest lease, in milliseconds: the token of the next lease is later.
    private let lastLeaseEnd = Mutex(Int64(0))

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
            let tables = Set(objects.compactMap { row -> String? in
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
                        "INSERT INTO store_info (name, value) VALUES (?, ?)", [.text(SQLiteSchema.createdByKey), .text(createdBy)])
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

    // MARK: Plumbing

    /// Runs one statement, in a task of its own so that the caller's cancellation cannot reach
    /// it: sqlite-nio refuses to start a query for a cancelled task, and a store operation cut
    /// short that way would leave its transaction open (its COMMIT or ROLLBACK never run) on the
    /// store's only connection, or fail a group commit that carries other callers' events.
    func query(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        let connection = self.connection
        return try await Task { try await connection.query(sql, binds) }.value
    }

    func run<T: Sendable>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await lock.withLock {
                guard !closed.withLock({ $0 }) else {
                    throw DeliveryError(
                        code: .storeFailure,
                        message: "SQLite store \(path): \(operation) after the store was closed; open it again, "
                            + "or keep it running in its ServiceGroup until the services using it have stopped")
                }
                return try await body()
            }
        } catch let error as DeliveryError {
            throw error
        } catch {
            throw storeError("\(operation) failed", error)
        }
    }

    /// Wraps a SQLite failure, with a code for the conditions a caller can act on: a full
    /// disk (or size limit), a lock held too long, a read-only database, a damaged file. The
    /// message names the file and carries SQLite's own reason (`sqlite3_errmsg`, such as
    /// "database disk image is malformed"), which names tables and columns but never values.
    func storeError(_ what: String, _ error: any Error, file: String = #fileID, line: Int = #line) -> DeliveryError {
        let sqlite = error as? SQLiteError
        let prefix = "SQLite store \(path): \(what)"
        let said = sqlite.map { ": SQLite said \"\($0.message)\"" } ?? ""
        switch sqlite?.reason {
        case .full?:
            return DeliveryError(
                code: .storeFull,
                message: "\(prefix)\(said); the disk is full or the store reached Configuration.maximumSizeBytes; "
                    + "free space or raise the limit (events stored earlier are kept)",
                underlying: error, file: file, line: line)
        case .busy?, .busyTimeout?, .busyInRecovery?, .busyInSnapshot?, .locked?:
            return DeliveryError(
                code: .storeBusy,
                message: "\(prefix)\(said); another connection held the database lock longer than "
                    + "Configuration.busyTimeoutMilliseconds; retry, and check what else writes to the file",
                underlying: error, file: file, line: line)
        case .readOnly?, .readonlyCantLock?, .readonlyDirectory?, .readonlyInRecovery?, .readonlyInRollback?,
            .readonlyBackingMoved?:
            return DeliveryError(
                code: .storeReadOnly,
                message: "\(prefix)\(said); the database is read-only; check the permissions of the file, its "
                    + "directory and its -wal and -shm files, that the file system is writable, and that the store "
                    + "was not opened with Configuration.access = .readOnly",
                underlying: error, file: file, line: line)
        case .corrupt?, .corruptIndex?, .corruptSequenceSchema?, .corruptVirtualTable?, .notADatabase?:
            return DeliveryError(
                code: .storeCorrupt,
                message: "\(prefix)\(said); the file is damaged or is not a SQLite database. Stop the app, keep a copy "
                    + "of the file for diagnosis and restore the store from a backup (sqlite3's .recover may save "
                    + "some of its rows)",
                underlying: error, file: file, line: line)
        default:
            return DeliveryError(code: .storeFailure, message: prefix + said, underlying: error, file: file, line: line)
        }
    }

    /// Runs `body` in a transaction; must be called with the lock held.
    private func inTransaction<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        _ = try await query("BEGIN IMMEDIATE")
        do {
            let value = try await body()
            _ = try await query("COMMIT")
            return value
        } catch {
            _ = try? await query("ROLLBACK")
            throw error
        }
    }

    private func transaction<T: Sendable>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        try await run(operation) { try await inTransaction(body) }
    }

    private static func placeholders(rows: Int, columns: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ",") + ")"
        return Array(repeating: row, count: rows).joined(separator: ",")
    }

    private static func list(_ count: Int) -> String {
        "(" + Array(repeating: "?", count: count).joined(separator: ",") + ")"
    }

    // MARK: Append (group commit)

    public func append(_ events: [PendingEvent], at now: Timestamp) async throws -> AppendResult {
        guard !events.isEmpty else { return AppendResult(insertedCount: 0) }
        return try await group.append(events, at: now, maximumEventsPerCommit: configuration.maximumEventsPerCommit) {
            takeBatch in
            // The batch is taken once the lock is held, so appends arriving meanwhile join it.
            await lock.lock()
            let requests = takeBatch()
            do {
                let results = try await inTransaction { try await insert(requests) }
                appendCommits.withLock { $0 += 1 }
                for (request, result) in zip(requests, results) { request.complete(.success(result)) }
            } catch {
                let wrapped = storeError("appending events failed; nothing of this call was stored", error)
                for request in requests { request.complete(.failure(wrapped)) }
            }
            lock.unlock()
        }
    }

    /// Rows per multi-row insert: 8,000 placeholders for events, well under SQLite's 32,766.
    /// A 1,000-event batch in one statement appended about 5 % faster than in two of 500.
    private static let insertChunk = 1_000
    private static let returningLimit = 128

    /// Inserts every request's events; called inside a transaction.
    private func insert(_ requests: [GroupCommit.Append]) async throws -> [AppendResult] {
        let all = requests.flatMap { request in request.events.lazy.map { (event: $0, now: request.now) } }
        // Small commits (group commit of single events) learn which rows were inserted from
        // RETURNING, in the same round trip. Large ones compare the row count against the
        // largest id before the insert: two cheap queries instead of a thousand result rows.
        let isNew: [Bool]
        if all.count <= Self.returningLimit {
            let insertedIDs = try await insertRows(all, returning: true)
            isNew = try await newRows(of: all, inserted: .ids(insertedIDs))
        } else {
            let maxBefore = try await largestRowID()
            _ = try await insertRows(all, returning: false)
            isNew = try await newRows(of: all, inserted: .above(maxBefore))
        }
        var results: [AppendResult] = []
        var index = 0
        for request in requests {
            results.append(Self.result(of: request.events, isNew: isNew[index..<(index + request.events.count)]))
            index += request.events.count
        }
        return results
    }

    private static func result(of events: [PendingEvent], isNew: ArraySlice<Bool>) -> AppendResult {
        var result = AppendResult(insertedCount: 0)
        for (event, new) in zip(events, isNew) {
            if new { result.insertedCount += 1 } else { result.duplicates.append(event.key) }
        }
        return result
    }

    private func largestRowID() async throws -> SQLiteData {
        try await query("SELECT coalesce(max(id), 0) AS m FROM events").first?.column("m") ?? .integer(0)
    }

    /// Inserts events as new rows, skipping keys already stored; inside a transaction.
    /// - Returns: the ids of the inserted rows when `returning`, otherwise nothing.
    private func insertRows(
        _ items: [(event: PendingEvent, now: Timestamp)], returning: Bool
    ) async throws -> [SQLiteData] {
        var insertedIDs: [SQLiteData] = []
        var start = items.startIndex
        while start < items.endIndex {
            let chunk = items[start..<min(start + Self.insertChunk, items.endIndex)]
            var binds: [SQLiteData] = []
            binds.reserveCapacity(chunk.count * 8)
            for (event, now) in chunk {
                binds.append(.text(event.key.pixelID.rawValue))
                binds.append(.text(event.key.eventName.rawValue))
                binds.append(.text(event.key.eventID))
                binds.append(.integer(SQLiteInt64(event.eventTime.seconds)))
                binds.append(.text(event.actionSource.rawValue))
                binds.append(.text(event.json))
                binds.append(.integer(SQLiteInt64(now.milliseconds)))
                binds.append(.integer(SQLiteInt64(now.milliseconds)))
            }
            let rows = try await query(
                """
                INSERT INTO events (pixel_id, event_name, event_id, event_time, action_source, payload, enqueued_at, due_at)
                VALUES \(Self.placeholders(rows: chunk.count, columns: 8))
                ON CONFLICT (pixel_id, event_name, event_id) DO NOTHING\(returning ? " RETURNING id" : "")
                """, binds)
            for row in rows { insertedIDs.append(row.columns.first?.data ?? .null) }
            start += chunk.count
        }
        return insertedIDs
    }

    /// Which rows an insert added: the ids RETURNING gave, or every id above the largest before.
    private enum InsertedRows {
        case ids([SQLiteData])
        case above(SQLiteData)
    }

    /// Works out which of `all` were new (not duplicates of stored keys) and adds their
    /// coverage counters; inside the transaction that inserted them.
    private func newRows(of all: [(event: PendingEvent, now: Timestamp)], inserted: InsertedRows) async throws -> [Bool] {
        let insertedCount: Int
        switch inserted {
        case .ids(let ids):
            insertedCount = ids.count
        case .above(let maxBefore):
            insertedCount = Int(
                try await query("SELECT count(*) AS n FROM events WHERE id > ?", [maxBefore])
                    .first?.column("n")?.integer ?? 0)
        }

        // Which events are new: all of them, unless some keys were already there.
        var isNew = Array(repeating: true, count: all.count)
        if insertedCount != all.count {
            let rows: [SQLiteRow]
            switch inserted {
            case .ids(let ids):
                rows = try await query(
                    "SELECT pixel_id, event_name, event_id FROM events WHERE id IN \(Self.list(ids.count))", ids)
            case .above(let maxBefore):
                rows = try await query("SELECT pixel_id, event_name, event_id FROM events WHERE id > ?", [maxBefore])
            }
            var fresh = Set(rows.map { row in
                EventKey(
                    pixelID: PixelID(row.column("pixel_id")?.string ?? ""),
                    eventName: EventName(row.column("event_name")?.string ?? ""),
                    eventID: row.column("event_id")?.string ?? "")
            })
            for (index, item) in all.enumerated() {
                isNew[index] = fresh.remove(item.event.key) != nil
            }
        }

        // Coverage of the new events; written in the same transaction.
        var coverage = StoredCoverage.Increments()
        for (index, item) in all.enumerated() where isNew[index] { coverage.count(item.event) }
        try await upsertCoverage(coverage)
        return isNew
    }

    private func upsertCoverage(_ coverage: StoredCoverage.Increments) async throws {
        let entries = coverage.sorted
        var start = 0
        while start < entries.count {
            let chunk = entries[start..<min(start + Self.insertChunk, entries.count)]
            var binds: [SQLiteData] = []
            for (counter, value) in chunk {
                binds += [
                    .text(counter.pixelID.rawValue), .text(counter.eventName.rawValue), .text(counter.counter),
                    .integer(SQLiteInt64(value)),
                ]
            }
            _ = try await query(
                """
                INSERT INTO coverage (pixel_id, event_name, counter, value) VALUES \(Self.placeholders(rows: chunk.count, columns: 4))
                ON CONFLICT (pixel_id, event_name, counter) DO UPDATE SET value = value + excluded.value
                """, binds)
            start += chunk.count
        }
    }

    // MARK: Lease

    public func lease(pixel: PixelID, now: Timestamp, limit: Int, leaseDuration: Duration) async throws -> [LeasedEvent] {
        guard limit > 0 else { return [] }
        // The lease's end is its token: strictly increasing within the store (one process uses a
        // SQLite file), so no two leases share it, and fencing needs no extra column. A column
        // written on every lease would grow each row, and a full disk would then stop leasing
        // (and so delivery) instead of only the writing of receipts.
        let leaseEnd = lastLeaseEnd.withLock { last in
            last = max((now + leaseDuration).milliseconds, last + 1)
            return last
        }
        let token = LeaseToken(leaseEnd)
        return try await run("leasing events") {
            let rows = try await query(
                """
                UPDATE events SET state = 1, due_at = ?
                WHERE id IN (
                    SELECT id FROM events WHERE pixel_id = ? AND state <= 1 AND due_at <= ? ORDER BY due_at, id LIMIT ?
                )
                RETURNING id, event_name, event_id, event_time, action_source, payload, attempts
                """,
                [.integer(SQLiteInt64(leaseEnd)), .text(pixel.rawValue), .integer(SQLiteInt64(now.milliseconds)),
                 .integer(SQLiteInt64(limit))])
            return rows.map { row in
                LeasedEvent(
                    id: EventRecordID(Int64(row.column("id")?.integer ?? 0)),
                    key: EventKey(
                        pixelID: pixel, eventName: EventName(row.column("event_name")?.string ?? ""),
                        eventID: row.column("event_id")?.string ?? ""),
                    eventTime: Timestamp(seconds: Int64(row.column("event_time")?.integer ?? 0)),
                    actionSource: ActionSource(rawValue: row.column("action_source")?.string ?? "") ?? .other,
                    json: row.column("payload")?.string ?? "",
                    attempts: Int(row.column("attempts")?.integer ?? 0),
                    leaseToken: token)
            }.sorted { $0.id < $1.id }
        }
    }

    public func renewLeases(_ events: [LeasedEvent], now: Timestamp, leaseDuration: Duration) async throws -> [LeasedEvent] {
        guard !events.isEmpty else { return [] }
        // The renewed lease's end is its new token, as for a new lease.
        let leaseEnd = lastLeaseEnd.withLock { last in
            last = max((now + leaseDuration).milliseconds, last + 1)
            return last
        }
        let byToken = Dictionary(grouping: events, by: \.leaseToken)
        return try await transaction("renewing leases") {
            var renewed: [LeasedEvent] = []
            for (token, group) in byToken {
                let ids = try await update(
                    "UPDATE events SET due_at = ? WHERE state = 1 AND due_at = ? AND id IN",
                    [.integer(SQLiteInt64(leaseEnd)), .integer(SQLiteInt64(token.rawValue))], group.map(\.id),
                    returning: true)
                let kept = Set(ids)
                for var event in group where kept.contains(event.id) {
                    event.leaseToken = LeaseToken(leaseEnd)
                    renewed.append(event)
                }
            }
            return renewed.sorted { $0.id < $1.id }
        }
    }

    public func nextDueTime(pixel: PixelID) async throws -> Timestamp? {
        try await run("reading the next due time") {
            let rows = try await query(
                "SELECT min(due_at) AS due FROM events WHERE pixel_id = ? AND state <= 1", [.text(pixel.rawValue)])
            return rows.first?.column("due")?.integer.map { Timestamp(milliseconds: Int64($0)) }
        }
    }

    // MARK: Settle

    @discardableResult
    public func settle(_ settlement: Settlement, at now: Timestamp) async throws -> SettleResult {
        guard settlement.attempt != nil || !settlement.events.isEmpty else { return SettleResult() }
        return try await transaction("settling an attempt") {
            let counted: SQLiteInt64 = settlement.attempt == nil ? 0 : 1
            if let receipt = settlement.attempt {
                let messages = String(decoding: try CAPIJSON.encode(receipt.messages), as: UTF8.self)
                let rows = try await query(
                    """
                    INSERT INTO attempts (pixel_id, started_at, duration_ms, request_body, event_count, http_status,
                        response_body, fbtrace_id, events_received, messages, error_code, error_subcode, error_message, outcome)
                    VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id
                    """,
                    [
                        .text(receipt.pixelID.rawValue), .integer(SQLiteInt64(receipt.startedAt.milliseconds)),
                        .integer(SQLiteInt64(receipt.durationMilliseconds)), .text(receipt.requestBody),
                        .integer(SQLiteInt64(receipt.eventCount)), Self.optional(receipt.httpStatus),
                        Self.optional(receipt.responseBody), Self.optional(receipt.fbtraceID),
                        Self.optional(receipt.eventsReceived), .text(messages), Self.optional(receipt.errorCode),
                        Self.optional(receipt.errorSubcode), Self.optional(receipt.errorMessage), .text(receipt.outcome.rawValue),
                    ])
                let attemptID = rows.first?.column("id")?.integer ?? 0
                let ids = settlement.events.map(\.id)
                var start = 0
                while start < ids.count {
                    let chunk = ids[start..<min(start + Self.insertChunk, ids.count)]
                    var binds: [SQLiteData] = []
                    binds.reserveCapacity(chunk.count * 2)
                    for id in chunk { binds += [.integer(SQLiteInt64(id.rawValue)), .integer(attemptID)] }
                    _ = try await query(
                        "INSERT OR IGNORE INTO attempt_events (event_row, attempt_id) VALUES \(Self.placeholders(rows: chunk.count, columns: 2))",
                        binds)
                    start += chunk.count
                }
            }

            // One statement per group (disposition and lease); fenced groups check the token
            // and say which rows they changed.
            let nowBind = SQLiteData.integer(SQLiteInt64(now.milliseconds))
            var fenced: [EventRecordID] = []
            var updated: [EventRecordID] = []
            for group in SettlementGroups(settlement).groups {
                let condition: String
                var conditionBinds: [SQLiteData] = []
                if let token = group.leaseToken {
                    condition = "state = 1 AND due_at = ?"  // the lease's end is its token
                    conditionBinds = [.integer(SQLiteInt64(token.rawValue))]
                    fenced += group.ids
                } else if case .delivered = group.disposition {
                    condition = "state <> 2"
                } else {
                    condition = "state <= 1"
                }
                let set: String
                var setBinds: [SQLiteData]
                switch group.disposition {
                case .delivered:
                    set = """
                        state = 2, due_at = NULL, delivered_at = ?, attempts = attempts + ?, parked_at = NULL, park_code = NULL,
                        park_message = NULL, park_graph_code = NULL, park_graph_subcode = NULL
                        """
                    setBinds = [nowBind, .integer(counted)]
                case .retry(let due):
                    set = "state = 0, due_at = ?, attempts = attempts + 1"
                    setBinds = [.integer(SQLiteInt64(due.milliseconds))]
                case .release(let due):
                    set = "state = 0, due_at = ?"
                    setBinds = [.integer(SQLiteInt64(due.milliseconds))]
                case .park(let reason):
                    set = """
                        state = 3, due_at = NULL, parked_at = ?, park_code = ?, park_message = ?, park_graph_code = ?,
                        park_graph_subcode = ?, attempts = attempts + ?
                        """
                    setBinds = [nowBind, .text(reason.code.rawValue), .text(reason.message), Self.optional(reason.graphCode),
                                Self.optional(reason.graphSubcode), .integer(counted)]
                case .stillLeased:
                    continue
                }
                let changed = try await update(
                    "UPDATE events SET \(set) WHERE \(condition) AND id IN", setBinds + conditionBinds, group.ids,
                    returning: group.leaseToken != nil)
                updated += changed
            }
            return SettleResult(lostLeases: SettlementGroups.lostLeases(fenced: fenced, updated: updated))
        }
    }

    /// Runs `sql` (ending in `id IN`) over `ids` in chunks; with `returning`, the ids it changed.
    @discardableResult
    private func update(_ sql: String, _ leading: [SQLiteData], _ ids: [EventRecordID], returning: Bool = false)
        async throws -> [EventRecordID]
    {
        var changed: [EventRecordID] = []
        var start = 0
        while start < ids.count {
            let chunk = ids[start..<min(start + 1_000, ids.count)]
            let rows = try await query(
                sql + " " + Self.list(chunk.count) + (returning ? " RETURNING id" : ""),
                leading + chunk.map { .integer(SQLiteInt64($0.rawValue)) })
            if returning { changed += rows.compactMap { $0.column("id")?.integer.map { EventRecordID(Int64($0)) } } }
            start += chunk.count
        }
        return changed
    }

    private static func optional(_ value: Int?) -> SQLiteData { value.map { .integer(SQLiteInt64($0)) } ?? .null }
    private static func optional(_ value: String?) -> SQLiteData { value.map { .text($0) } ?? .null }

    public func releaseAllLeases(at now: Timestamp) async throws -> Int {
        try await run("releasing leases") {
            let rows = try await query(
                "UPDATE events SET state = 0, due_at = ? WHERE state = 1 RETURNING id",
                [.integer(SQLiteInt64(now.milliseconds))])
            return rows.count
        }
    }

    // MARK: Inspection

    static let reportColumns = """
        id, pixel_id, event_name, event_id, event_time, action_source, payload, state, attempts, enqueued_at, due_at,
        delivered_at, parked_at, park_code, park_message, park_graph_code, park_graph_subcode
        """

    static func report(_ row: SQLiteRow) -> EventStatusReport {
        func int(_ name: String) -> Int64? { row.column(name)?.integer.map { Int64($0) } }
        func text(_ name: String) -> String? { row.column(name)?.string }
        var reason: ParkReason?
        if let code = text("park_code") {
            reason = ParkReason(
                code: ParkReason.Code(rawValue: code), message: text("park_message") ?? "",
                graphCode: int("park_graph_code").map { Int($0) }, graphSubcode: int("park_graph_subcode").map { Int($0) })
        }
        return EventStatusReport(
            id: EventRecordID(int("id") ?? 0),
            key: EventKey(
                pixelID: PixelID(text("pixel_id") ?? ""), eventName: EventName(text("event_name") ?? ""),
                eventID: text("event_id") ?? ""),
            eventTime: Timestamp(seconds: int("event_time") ?? 0),
            actionSource: ActionSource(rawValue: text("action_source") ?? "") ?? .other,
            state: EventState(storageValue: Int(int("state") ?? 0)) ?? .pending,
            attempts: Int(int("attempts") ?? 0),
            enqueuedAt: Timestamp(milliseconds: int("enqueued_at") ?? 0),
            dueAt: int("due_at").map { Timestamp(milliseconds: $0) },
            deliveredAt: int("delivered_at").map { Timestamp(milliseconds: $0) },
            parkedAt: int("parked_at").map { Timestamp(milliseconds: $0) },
            parkReason: reason,
            json: text("payload") ?? "")
    }

    public func parkedEvents(pixel: PixelID?, after cursor: EventRecordID?, limit: Int) async throws -> [EventStatusReport] {
        try await run("listing parked events") {
            var sql = "SELECT \(Self.reportColumns) FROM events WHERE state = 3 AND id > ?"
            var binds: [SQLiteData] = [.integer(SQLiteInt64(cursor?.rawValue ?? 0))]
            if let pixel {
                sql += " AND pixel_id = ?"
                binds.append(.text(pixel.rawValue))
            }
            sql += " ORDER BY id LIMIT ?"
            binds.append(.integer(SQLiteInt64(limit)))
            return try await query(sql, binds).map(Self.report)
        }
    }

    public func status(of id: EventRecordID) async throws -> EventStatusReport? {
        try await run("reading an event") {
            try await query(
                "SELECT \(Self.reportColumns) FROM events WHERE id = ?", [.integer(SQLiteInt64(id.rawValue))]
            ).first.map(Self.report)
        }
    }

    public func status(of key: EventKey) async throws -> EventStatusReport? {
        try await run("reading an event") {
            try await query(
                "SELECT \(Self.reportColumns) FROM events WHERE pixel_id = ? AND event_name = ? AND event_id = ?",
                [.text(key.pixelID.rawValue), .text(key.eventName.rawValue), .text(key.eventID)]
            ).first.map(Self.report)
        }
    }

    public func attempts(for id: EventRecordID) async throws -> [RecordedAttempt] {
        try await run("reading attempts") {
            let rows = try await query(
                """
                SELECT a.* FROM attempts a JOIN attempt_events e ON e.attempt_id = a.id
                WHERE e.event_row = ? ORDER BY a.id
                """, [.integer(SQLiteInt64(id.rawValue))])
            return rows.map(Self.recordedAttempt)
        }
    }

    /// A row of the `attempts` table as a receipt.
    static func recordedAttempt(_ row: SQLiteRow) -> RecordedAttempt {
        func int(_ name: String) -> Int? { row.column(name)?.integer.map { Int($0) } }
        func text(_ name: String) -> String? { row.column(name)?.string }
        let messages = (try? CAPIJSON.decode([String].self, from: Data((text("messages") ?? "[]").utf8))) ?? []
        return RecordedAttempt(
            id: AttemptID(Int64(int("id") ?? 0)),
            receipt: AttemptReceipt(
                pixelID: PixelID(text("pixel_id") ?? ""),
                startedAt: Timestamp(milliseconds: Int64(int("started_at") ?? 0)),
                durationMilliseconds: Int64(int("duration_ms") ?? 0),
                requestBody: text("request_body") ?? "", eventCount: int("event_count") ?? 0,
                httpStatus: int("http_status"), responseBody: text("response_body"), fbtraceID: text("fbtrace_id"),
                eventsReceived: int("events_received"), messages: messages, errorCode: int("error_code"),
                errorSubcode: int("error_subcode"), errorMessage: text("error_message"),
                outcome: AttemptOutcome(rawValue: text("outcome") ?? "")))
    }

    public func replay(_ ids: [EventRecordID], at now: Timestamp) async throws -> [EventRecordID] {
        guard !ids.isEmpty else { return [] }
        return try await transaction("replaying events") {
            var replayed: [EventRecordID] = []
            var start = 0
            while start < ids.count {
                let chunk = ids[start..<min(start + 1_000, ids.count)]
                let rows = try await query(
                    """
                    UPDATE events SET state = 0, due_at = ?, attempts = 0, parked_at = NULL, park_code = NULL,
                        park_message = NULL, park_graph_code = NULL, park_graph_subcode = NULL
                    WHERE state = 3 AND id IN \(Self.list(chunk.count)) RETURNING id
                    """, [.integer(SQLiteInt64(now.milliseconds))] + chunk.map { .integer(SQLiteInt64($0.rawValue)) })
                replayed += rows.compactMap { $0.column("id")?.integer.map { EventRecordID(Int64($0)) } }
                start += chunk.count
            }
            return replayed.sorted()
        }
    }

    // MARK: Coverage and counts

    public func coverage(pixel: PixelID) async throws -> MatchKeyCoverage {
        try await run("reading coverage") {
            let rows = try await query(
                "SELECT event_name, counter, value FROM coverage WHERE pixel_id = ?", [.text(pixel.rawValue)])
            var reader = StoredCoverage.Reader()
            for row in rows {
                guard let name = row.column("event_name")?.string, let counter = row.column("counter")?.string,
                    let value = row.column("value")?.integer
                else { continue }
                reader.add(eventName: name, counter: counter, value: Int64(value))
            }
            return reader.coverage
        }
    }

    public func mergeCoverage(_ coverage: MatchKeyCoverage, pixel: PixelID) async throws {
        var entries = StoredCoverage.Increments()
        entries.add(coverage, pixel: pixel)
        guard !entries.isEmpty else { return }
        try await transaction("merging coverage") { try await upsertCoverage(entries) }
    }

    public func pruneDelivered(before cutoff: Timestamp) async throws -> Int {
        try await transaction("pruning delivered events") {
            let bind: [SQLiteData] = [.integer(SQLiteInt64(cutoff.milliseconds))]
            _ = try await query(
                """
                DELETE FROM attempt_events WHERE event_row IN (
                    SELECT id FROM events WHERE state = 2 AND delivered_at < ?
                )
                """, bind)
            _ = try await query("DELETE FROM events WHERE state = 2 AND delivered_at < ?", bind)
            let deleted = try await query("SELECT changes() AS n").first?.column("n")?.integer ?? 0
            _ = try await query(
                """
                DELETE FROM attempts WHERE NOT EXISTS (
                    SELECT 1 FROM attempt_events WHERE attempt_events.attempt_id = attempts.id
                )
                """)
            return Int(deleted)
        }
    }

    // MARK: Pixel holds

    public func pixelHolds(at now: Timestamp) async throws -> [PixelID: PixelHold] {
        try await run("reading pixel holds") {
            let rows = try await query(
                "SELECT pixel_id, paused_until, suspension FROM pixel_holds WHERE paused_until > ? OR suspension IS NOT NULL",
                [.integer(SQLiteInt64(now.milliseconds))])
            var holds: [PixelID: PixelHold] = [:]
            for row in rows {
                guard let pixel = row.column("pixel_id")?.string else { continue }
                let hold = try Self.hold(row).inForce(at: now)
                if !hold.isEmpty { holds[PixelID(pixel)] = hold }
            }
            return holds
        }
    }

    public func updatePixelHold(_ pixel: PixelID, _ change: PixelHoldChange, at now: Timestamp) async throws -> PixelHold {
        try await transaction("updating a pixel hold") {
            let rows = try await query(
                "SELECT paused_until, suspension FROM pixel_holds WHERE pixel_id = ?", [.text(pixel.rawValue)])
            let current = try rows.first.map(Self.hold) ?? PixelHold()
            let updated = change.applied(to: current, at: now)
            if updated.isEmpty {
                _ = try await query("DELETE FROM pixel_holds WHERE pixel_id = ?", [.text(pixel.rawValue)])
            } else {
                let suspension: SQLiteData = try updated.suspension.map {
                    .text(String(decoding: try CAPIJSON.encode($0), as: UTF8.self))
                } ?? .null
                _ = try await query(
                    "INSERT OR REPLACE INTO pixel_holds (pixel_id, paused_until, suspension) VALUES (?, ?, ?)",
                    [.text(pixel.rawValue), updated.pausedUntil.map { .integer(SQLiteInt64($0.milliseconds)) } ?? .null,
                     suspension])
            }
            return updated
        }
    }

    private static func hold(_ row: SQLiteRow) throws -> PixelHold {
        var hold = PixelHold()
        hold.pausedUntil = row.column("paused_until")?.integer.map { Timestamp(milliseconds: Int64($0)) }
        if let text = row.column("suspension")?.string {
            hold.suspension = try CAPIJSON.decode(PixelSuspension.self, from: Data(text.utf8))
        }
        return hold
    }

    public func counts(pixel: PixelID?) async throws -> EventCounts {
        try await run("counting events") {
            let rows: [SQLiteRow]
            if let pixel {
                rows = try await query(
                    "SELECT state, count(*) AS n FROM events WHERE pixel_id = ? GROUP BY state", [.text(pixel.rawValue)])
            } else {
                rows = try await query("SELECT state, count(*) AS n FROM events GROUP BY state")
            }
            var counts = EventCounts()
            for row in rows {
                let n = Int(row.column("n")?.integer ?? 0)
                switch row.column("state")?.integer {
                case 0: counts.pending = n
                case 1: counts.inFlight = n
                case 2: counts.delivered = n
                default: counts.parked += n
                }
            }
            return counts
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
