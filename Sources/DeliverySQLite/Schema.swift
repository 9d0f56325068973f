/// The versioned schema of the SQLite store.
///
/// The version lives in `PRAGMA user_version`. Each migration runs once, in order, inside one
/// transaction with the version bump. A database with a version newer than ``latestVersion``
/// is refused rather than guessed at.
enum SQLiteSchema {
    struct Migration {
        var version: Int
        var statements: [String]
    }

    static let migrations: [Migration] = [
        Migration(version: 1, statements: [
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
        Migration(version: 2, statements: [
            "CREATE INDEX attempt_events_attempt ON attempt_events (attempt_id)"
        ]),
        // v3: pixel holds (throttling pauses and credential suspensions) in the store, so a
        // pause survives a restart. `suspension` is the JSON of a PixelSuspension.
        Migration(version: 3, statements: [
            """
            CREATE TABLE pixel_holds (
                pixel_id TEXT PRIMARY KEY,
                paused_until INTEGER,
                suspension TEXT
            ) WITHOUT ROWID
            """
        ]),
    ]

    static var latestVersion: Int { migrations.last?.version ?? 0 }
}
