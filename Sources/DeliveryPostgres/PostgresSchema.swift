/// The versioned schema of the PostgreSQL store.
///
/// Every table lives in one PostgreSQL schema (namespace) chosen by the app, `roasproof` by
/// default. The version is the single row of `<schema>.schema_version`. Migrations run in
/// order, each once, in one transaction together with the version bump, while holding a
/// transaction-level advisory lock keyed by the schema name, so app instances that start
/// at the same time migrate exactly once. A database with a version newer than
/// ``latestVersion`` is refused rather than guessed at.
///
/// Times are milliseconds since the Unix epoch (`bigint`), as the worker's clock gives them.
struct PostgresSchema {
    struct Migration: Sendable {
        var version: Int
        /// SQL with `{schema}` standing for the (validated) schema name.
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
                CREATE TABLE {schema}.events (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    pixel_id text NOT NULL,
                    event_name text NOT NULL,
                    event_id text NOT NULL,
                    event_time bigint NOT NULL,
                    action_source text NOT NULL,
                    payload text NOT NULL,
                    state smallint NOT NULL DEFAULT 0,
                    attempts integer NOT NULL DEFAULT 0,
                    enqueued_at bigint NOT NULL,
                    due_at bigint,
                    delivered_at bigint,
                    parked_at bigint,
                    park_code text,
                    park_message text,
                    park_graph_code integer,
                    park_graph_subcode integer,
                    UNIQUE (pixel_id, event_name, event_id)
                )
                """,
                // Due events per pixel in lease order. Only pending (0) and in-flight (1) rows are
                // indexed, so the index is as small as the backlog however much was delivered.
                "CREATE INDEX events_due ON {schema}.events (pixel_id, due_at, id) WHERE state <= 1",
                "CREATE INDEX events_parked ON {schema}.events (pixel_id, id) WHERE state = 3",
                "CREATE INDEX events_delivered ON {schema}.events (delivered_at) WHERE state = 2",
                """
                CREATE TABLE {schema}.attempts (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    pixel_id text NOT NULL,
                    started_at bigint NOT NULL,
                    duration_ms bigint NOT NULL,
                    request_body text NOT NULL,
                    event_count integer NOT NULL,
                    http_status integer,
                    response_body text,
                    fbtrace_id text,
                    events_received integer,
                    messages text[] NOT NULL,
                    error_code integer,
                    error_subcode integer,
                    error_message text,
                    outcome text NOT NULL
                )
                """,
                """
                CREATE TABLE {schema}.attempt_events (
                    event_row bigint NOT NULL,
                    attempt_id bigint NOT NULL,
                    PRIMARY KEY (event_row, attempt_id)
                )
                """,
                "CREATE INDEX attempt_events_attempt ON {schema}.attempt_events (attempt_id)",
                // Coverage counters are sharded by connection (backend pid modulo 16), so appends on
                // several connections do not queue behind one hot counter row; readers sum the shards.
                """
                CREATE TABLE {schema}.coverage (
                    pixel_id text NOT NULL,
                    event_name text NOT NULL,
                    counter text NOT NULL,
                    shard smallint NOT NULL,
                    value bigint NOT NULL,
                    PRIMARY KEY (pixel_id, event_name, counter, shard)
                )
                """,
                // Pauses and suspensions every worker honours; `suspension` is a PixelSuspension as JSON.
                """
                CREATE TABLE {schema}.pixel_holds (
                    pixel_id text PRIMARY KEY,
                    paused_until bigint,
                    suspension text
                )
                """,
            ]),
        // v2: fenced leases. Every lease takes one value of the sequence as its token; a settle
        // naming a token applies only while the event is still in flight under it.
        Migration(
            version: 2,
            statements: [
                "ALTER TABLE {schema}.events ADD COLUMN lease_token bigint",
                "CREATE SEQUENCE {schema}.lease_tokens",
            ]),
        // v3: dated match-quality snapshots (Meta's Dataset Quality answer per event name and
        // the store's cumulative coverage counters at that moment, as JSON).
        Migration(
            version: 3,
            statements: [
                """
                CREATE TABLE {schema}.quality_snapshots (
                    pixel_id text NOT NULL,
                    taken_at bigint NOT NULL,
                    event_name text NOT NULL,
                    emq double precision,
                    meta text,
                    local_coverage text NOT NULL,
                    PRIMARY KEY (pixel_id, taken_at, event_name)
                )
                """
            ]),
    ]

    static var latestVersion: Int { migrations.last?.version ?? 0 }

    /// The schema name, already validated as a plain lowercase identifier.
    let name: String

    /// Fully qualified table names.
    var events: String { name + ".events" }
    var attempts: String { name + ".attempts" }
    var attemptEvents: String { name + ".attempt_events" }
    var coverage: String { name + ".coverage" }
    var pixelHolds: String { name + ".pixel_holds" }
    var leaseTokens: String { name + ".lease_tokens" }
    var qualitySnapshots: String { name + ".quality_snapshots" }
    var schemaVersion: String { name + ".schema_version" }

    /// A migration statement for this schema.
    func sql(_ statement: String) -> String {
        statement.replacing("{schema}", with: name)
    }

    /// True for names that can be used unquoted: a lowercase letter or `_`, then lowercase
    /// letters, digits or `_`, at most 63 bytes (PostgreSQL's identifier limit).
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 63 else { return false }
        func isLetter(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || byte == UInt8(ascii: "_")
        }
        func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        return isLetter(first) && name.utf8.allSatisfy { isLetter($0) || isDigit($0) }
    }
}
