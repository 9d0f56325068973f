/// The version-1 schema exactly as released, to test migrating real v1 files.
enum SQLiteSchemaV1ForTests {
    static let statements = [
        """
        CREATE TABLE events (
            id INTEGER PRIMARY KEY, pixel_id TEXT NOT NULL, event_name TEXT NOT NULL, event_id TEXT NOT NULL,
            event_time INTEGER NOT NULL, action_source TEXT NOT NULL, payload TEXT NOT NULL,
            state INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0, enqueued_at INTEGER NOT NULL,
            due_at INTEGER, delivered_at INTEGER, parked_at INTEGER, park_code TEXT, park_message TEXT,
            park_graph_code INTEGER, park_graph_subcode INTEGER, UNIQUE (pixel_id, event_name, event_id)
        )
        """,
        "CREATE INDEX events_due ON events (pixel_id, due_at) WHERE state <= 1",
        "CREATE INDEX events_parked ON events (pixel_id, id) WHERE state = 3",
        """
        CREATE TABLE attempts (
            id INTEGER PRIMARY KEY, pixel_id TEXT NOT NULL, started_at INTEGER NOT NULL, duration_ms INTEGER NOT NULL,
            request_body TEXT NOT NULL, event_count INTEGER NOT NULL, http_status INTEGER, response_body TEXT,
            fbtrace_id TEXT, events_received INTEGER, messages TEXT NOT NULL, error_code INTEGER, error_subcode INTEGER,
            error_message TEXT, outcome TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE attempt_events (
            event_row INTEGER NOT NULL, attempt_id INTEGER NOT NULL, PRIMARY KEY (event_row, attempt_id)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE coverage (
            pixel_id TEXT NOT NULL, event_name TEXT NOT NULL, counter TEXT NOT NULL, value INTEGER NOT NULL,
            PRIMARY KEY (pixel_id, event_name, counter)
        ) WITHOUT ROWID
        """,
    ]
}
