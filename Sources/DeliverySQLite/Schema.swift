/// The versioned schema of the SQLite store.
///
/// The version lives in `PRAGMA user_version`. Each migration runs once, in order, inside one
/// transaction with the version bump. A database with a version newer than ``latestVersion``
/// is refused rather than guessed at.
///
/// Every store file carries ``applicationID`` in `PRAGMA application_id`, so a database that
/// belongs to something else is never mistaken for a store (see ``SQLiteStoreOwnership``).
enum SQLiteSchema {
    /// The store's stamp in the SQLite header (`PRAGMA application_id`): "RoPr" in ASCII.
    static let applicationID: Int32 = 0x526F_5072

    /// Stores up to this version were written before the stamp existed; they are recognised by
    /// their exact set of tables and stamped when next opened for writing.
    static let lastUnstampedVersion = 3

    /// The name of the `store_info` row that says which program created the file.
    static let createdByKey = "created_by"

    struct Migration {
        var version: Int
        var statements: [String]
    }

    /// Migrations are history: once released, a statement never changes. They write the
    /// event states as the numbers they had then (`EventState.storageValue`, pinned by
    /// `EventStateStorageTests`), and the stores' statements repeat the partial indexes'
    /// conditions through `EventState.SQL`, so that the planner can use those indexes.
    static let migrations: [Migration] = [
        Migration(
            version: 1,
            statements: [
                """
                CREATE TABLE events (
                    id INTEGER PRIMARY KEY,
                    pixel_id TEXT NOT NULL,
                    event_name TEXT NOT NULL,
                    event_id TEXT NOT NULL,
                    event_time INTEGER NOT NULL,
                    action_source TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    state INTEGER NOT NULL DEFAULT 0,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    enqueued_at INTEGER NOT NULL,
                    due_at INTEGER,
                    delivered_at INTEGER,
                    parked_at INTEGER,
                    park_code TEXT,
                    park_message TEXT,
                    park_graph_code INTEGER,
                    park_graph_subcode INTEGER,
                    UNIQUE (pixel_id, event_name, event_id)
                )
                """,
                // Due events per pixel; only pending (0) and in-flight (1) rows are indexed, so the
                // index stays as small as the backlog however many events were delivered.
                "CREATE INDEX events_due ON events (pixel_id, due_at) WHERE state <= 1",
                "CREATE INDEX events_parked ON events (pixel_id, id) WHERE state = 3",
                """
                CREATE TABLE attempts (
                    id INTEGER PRIMARY KEY,
                    pixel_id TEXT NOT NULL,
                    started_at INTEGER NOT NULL,
                    duration_ms INTEGER NOT NULL,
                    request_body TEXT NOT NULL,
                    event_count INTEGER NOT NULL,
                    http_status INTEGER,
                    response_body TEXT,
                    fbtrace_id TEXT,
                    events_received INTEGER,
                    messages TEXT NOT NULL,
                    error_code INTEGER,
                    error_subcode INTEGER,
                    error_message TEXT,
                    outcome TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE attempt_events (
                    event_row INTEGER NOT NULL,
                    attempt_id INTEGER NOT NULL,
                    PRIMARY KEY (event_row, attempt_id)
                ) WITHOUT ROWID
                """,
                """
                CREATE TABLE coverage (
                    pixel_id TEXT NOT NULL,
                    event_name TEXT NOT NULL,
                    counter TEXT NOT NULL,
                    value INTEGER NOT NULL,
                    PRIMARY KEY (pixel_id, event_name, counter)
                ) WITHOUT ROWID
                """,
            ]),
        // v2: find an attempt's events quickly, so pruning can drop receipts no event uses.
        Migration(
            version: 2,
            statements: [
                "CREATE INDEX attempt_events_attempt ON attempt_events (attempt_id)"
            ]),
        // v3: pixel holds (throttling pauses and credential suspensions) in the store, so a
        // pause survives a restart. `suspension` is the JSON of a PixelSuspension.
        Migration(
            version: 3,
            statements: [
                """
                CREATE TABLE pixel_holds (
                    pixel_id TEXT PRIMARY KEY,
                    paused_until INTEGER,
                    suspension TEXT
                ) WITHOUT ROWID
                """
            ]),
        // v4: facts about the file itself, such as the program that created it (`capi demo`
        // marks its stores so that it replaces only those).
        Migration(
            version: 4,
            statements: [
                "CREATE TABLE store_info (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID"
            ]),
        // v5: dated match-quality snapshots (Meta's Dataset Quality answer per event name and
        // the store's cumulative coverage counters at that moment, as JSON).
        Migration(
            version: 5,
            statements: [
                """
                CREATE TABLE quality_snapshots (
                    pixel_id TEXT NOT NULL,
                    taken_at INTEGER NOT NULL,
                    event_name TEXT NOT NULL,
                    emq REAL,
                    meta TEXT,
                    local_coverage TEXT NOT NULL,
                    PRIMARY KEY (pixel_id, taken_at, event_name)
                ) WITHOUT ROWID
                """
            ]),
    ]

    static var latestVersion: Int { migrations.last?.version ?? 0 }

    /// The tables a store of `version` has, read from the migrations up to it.
    static func tables(atVersion version: Int) -> Set<String> {
        var tables: Set<String> = []
        for migration in migrations where migration.version <= version {
            for statement in migration.statements {
                let words = statement.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "(" })
                if words.count > 2, words[0] == "CREATE", words[1] == "TABLE" { tables.insert(String(words[2])) }
            }
        }
        return tables
    }
}

/// Whose a SQLite file is, from what it holds, before anything is written to it.
enum SQLiteStoreOwnership: Equatable {
    /// A new file, a 0-byte file or a database without any table, index or view: the store may
    /// create its schema in it.
    case empty
    /// A store: stamped with ``SQLiteSchema/applicationID``, or unstamped from a version that
    /// predates the stamp and recognised by its exact tables.
    case store(version: Int, stamped: Bool)
    /// Anything else: another program's database. It must not be changed.
    case foreign(reason: String)

    /// - Parameters:
    ///   - applicationID: `PRAGMA application_id`.
    ///   - userVersion: `PRAGMA user_version`.
    ///   - tables: the names of the tables in `sqlite_master`, without SQLite's own `sqlite_*`.
    ///   - schemaObjectCount: how many tables, indexes, views and triggers `sqlite_master` lists.
    static func classify(applicationID: Int32, userVersion: Int, tables: Set<String>, schemaObjectCount: Int) -> Self {
        if applicationID == SQLiteSchema.applicationID { return .store(version: userVersion, stamped: true) }
        if applicationID != 0 {
            return .foreign(reason: "it carries another program's application_id (\(applicationID))")
        }
        if schemaObjectCount == 0 && userVersion == 0 { return .empty }
        if (1...SQLiteSchema.lastUnstampedVersion).contains(userVersion), tables == SQLiteSchema.tables(atVersion: userVersion) {
            return .store(version: userVersion, stamped: false)
        }
        let count = tables.count
        return .foreign(
            reason: "it has \(count) table\(count == 1 ? "" : "s") and user_version \(userVersion) but not the store's stamp")
    }
}
