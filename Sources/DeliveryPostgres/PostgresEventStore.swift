public import Delivery
public import Logging
public import PostgresNIO
public import ServiceLifecycle
import Synchronization

/// An `EventStore` on PostgreSQL that several app instances share: one durable queue, one
/// rate limit, and no lost event when an instance dies.
///
/// ```swift
/// let client = try PostgresEventStore.clientConfiguration(url: databaseURL)
/// let store = PostgresEventStore(clientConfiguration: client, logger: logger)
/// let queue = DeliveryQueue(store: store, logger: logger)
/// let worker = DeliveryWorker(queue: queue, transport: AsyncHTTPClientTransport(), destinations: [destination])
/// // The store first: a ServiceGroup stops services in reverse order, so the worker settles
/// // its last batches before the store closes its connections.
/// let group = ServiceGroup(services: [store, worker], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
///
/// The store is a `Service`. Its ``run()`` runs the connection pool (a postgres-nio
/// `PostgresClient`) and migrates the schema; operations called earlier wait until the
/// migration is done. If your app already runs a `PostgresClient`, pass it to
/// ``init(client:configuration:logger:)`` and the store only migrates in `run()`.
///
/// How it shares the work:
/// - Leases take due rows with `SELECT … FOR UPDATE SKIP LOCKED`, so concurrent workers never
///   lease the same event, and never wait for each other. A lease is a due time in the future:
///   when a worker dies, its events become due again when the lease expires and another worker
///   takes them (they may then reach Meta twice; Meta deduplicates on `event_id`).
/// - Pixel holds (throttling pauses, credential suspensions) are rows every worker reads before
///   leasing, so one 429 pauses the pixel for all instances until the time Meta gave.
/// - Appends commit before they return (`synchronous_commit` as the server sets it; `on` by
///   default). Small appends arriving together share one commit (group commit, see
///   ``Configuration/groupCommitMaximumEvents``): request handlers enqueueing one event each
///   wait for one WAL flush between them instead of one each. Large appends commit on their
///   own connections in parallel.
/// - ``isSharedAcrossProcesses`` is true: workers never release all leases at start.
/// - Lease ends, due times and pauses are instants on the instances' clocks, so the store
///   compares its instance's ``Configuration/clock`` with the server's at start and every
///   ``Configuration/clockCheckInterval``: an instance further off than
///   ``Configuration/maximumClockSkew`` (10 s) fails to start, and later may not lease nor read
///   or change pixel holds (`DeliveryError.Code.clockSkew`) until the clocks agree again.
///
/// Content: built events with hashed identifiers, receipts, counters and holds; never tokens
/// or app secrets (suspensions name credentials by a one-way fingerprint).
public final class PostgresEventStore: EventStore, Service, Sendable {
    /// Store settings.
    public struct Configuration: Sendable {
        /// The PostgreSQL schema (namespace) holding the store's tables, created when missing.
        /// Lowercase letters, digits and `_`, not starting with a digit, at most 63 characters.
        /// Every instance sharing a queue must use the same schema.
        public var schema: String = "roasproof"

        /// Events per `INSERT` statement when appending large batches (one transaction
        /// still covers the whole call).
        public var maximumEventsPerStatement: Int = 5_000

        /// Appends of at most this many events share commits: while one commit is in
        /// progress, later small appends wait and the next commit carries all of them (each
        /// caller still returns only after its events are committed). Larger appends commit on
        /// their own, in parallel. 0 turns group commit off.
        public var groupCommitMaximumEvents: Int = 100

        /// The most events one group commit carries.
        public var maximumEventsPerGroupCommit: Int = 10_000

        /// The largest difference tolerated between ``clock`` and the database server's clock.
        ///
        /// Lease ends, due times and pauses are instants on the instances' clocks, compared by
        /// every instance: an instance whose clock runs ahead would take over leases other
        /// instances hold and end their pauses early. The store measures the difference when it
        /// starts and again every ``clockCheckInterval``; beyond this bound ``run()`` fails, and
        /// later leases and pixel-hold reads and changes fail, with
        /// `DeliveryError.Code.clockSkew` (appends and settles still work, so nothing
        /// enqueued or sent is lost). Two accepted instances differ by at most twice this, so
        /// keep it well below the workers' lease (a tenth at most; the default lease is 300 s).
        /// 10 s by default: hosts synchronized by NTP agree within milliseconds.
        public var maximumClockSkew: Duration = .seconds(10)

        /// How often the store measures the clock difference again while it runs (one query
        /// on the next lease or hold read after the interval). 60 s by default.
        public var clockCheckInterval: Duration = .seconds(60)

        /// The clock this instance's `DeliveryQueue` and `DeliveryWorker` use, which the store
        /// checks against the database server's. The system clock by default; set it only when
        /// they use another clock that follows real time. (A `ManualDeliveryClock` in tests is
        /// usually far from real time: leave the default, which checks the host's clock.)
        public var clock: any DeliveryClock = SystemDeliveryClock()

        public init() {}
    }

    /// The pool the store queries through.
    public let client: PostgresClient
    public let configuration: Configuration
    let logger: Logger
    let schema: PostgresSchema
    private let ownsClient: Bool
    private let startup = StartupGate()
    private let started = Mutex(false)
    /// Appends waiting for the commit in progress (group commit; see `append(_:at:)`).
    let appendGroup = GroupCommit()
    let appendCommits = Mutex(0)

    /// How many append transactions this instance committed. With group commit it grows more
    /// slowly than the number of `append` calls when many run at once.
    public var appendCommitCount: Int { appendCommits.withLock { $0 } }
    /// When the clocks were last compared (monotonic), and the refusal if they disagreed.
    let clockCheck = Mutex(ClockCheck())

    /// The schema version this library writes.
    public static var schemaVersion: Int { PostgresSchema.latestVersion }

    /// A store with its own connection pool, run by the store's ``run()``.
    ///
    /// - Parameters:
    ///   - clientConfiguration: where and how to connect; see ``clientConfiguration(url:)``.
    ///     Each instance keeps up to `options.maximumConnections` connections (20 by default).
    ///   - configuration: the schema, batch limits and clock checks; see ``Configuration``.
    ///   - logger: the store's and the pool's background messages (migrations, connection
    ///     problems); no-op by default. Queries are not logged.
    public convenience init(
        clientConfiguration: PostgresClient.Configuration, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "roasproof.delivery.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.init(
            client: PostgresClient(configuration: clientConfiguration, backgroundLogger: logger), ownsClient: true,
            configuration: configuration, logger: logger)
    }

    /// A store over a `PostgresClient` your app already runs (in its `ServiceGroup`).
    ///
    /// The store's ``run()`` then only migrates and waits for shutdown; keep running it too.
    public convenience init(
        client: PostgresClient, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "roasproof.delivery.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.init(client: client, ownsClient: false, configuration: configuration, logger: logger)
    }

    private init(client: PostgresClient, ownsClient: Bool, configuration: Configuration, logger: Logger) {
        self.client = client
        self.ownsClient = ownsClient
        var configuration = configuration
        configuration.maximumEventsPerStatement = max(1, configuration.maximumEventsPerStatement)
        self.configuration = configuration
        self.logger = logger
        self.schema = PostgresSchema(name: configuration.schema)
    }

    public var isSharedAcrossProcesses: Bool { true }

    // MARK: Service

    /// Runs the connection pool (when the store owns it), migrates the schema, and serves
    /// operations until graceful shutdown or cancellation.
    ///
    /// - Throws: `DeliveryError.Code.invalidConfiguration` for an unusable schema name,
    ///   `DeliveryError.Code.clockSkew` when ``Configuration/clock`` is further from the
    ///   server's clock than ``Configuration/maximumClockSkew``,
    ///   `DeliveryError.Code.schemaTooNew` when a newer library wrote the schema,
    ///   `DeliveryError.Code.storeFailure` when PostgreSQL cannot be reached or migrated
    ///   (`DeliveryError.Code.storeReadOnly` when the server accepts no writes).
    ///   Operations waiting for the store fail with the same error.
    public func run() async throws {
        let alreadyStarted = started.withLock { started -> Bool in
            defer { started = true }
            return started
        }
        guard !alreadyStarted else {
            throw DeliveryError(code: .invalidConfiguration, message: "PostgresEventStore.run() was called twice; run it once")
        }
        defer { startup.finish(.stopped) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            if ownsClient {
                group.addTask { await self.client.run() }
            }
            do {
                try await migrate()
                try await checkClock(force: true)
            } catch {
                startup.finish(.failed(error))
                group.cancelAll()
                throw error
            }
            startup.finish(.ready)
            // Serve until the group shuts down. A ServiceGroup stops services in reverse order,
            // so workers listed after the store have settled their last batches by then.
            try? await gracefulShutdown()
            startup.finish(.stopped)
            group.cancelAll()
        }
    }

    /// Creates or upgrades the schema. ``run()`` calls it; call it yourself only to migrate
    /// ahead of time (for example in a deploy step), with the client running.
    public func migrate() async throws {
        guard PostgresSchema.isValidName(configuration.schema) else {
            throw DeliveryError(
                code: .invalidConfiguration,
                message: "the PostgreSQL schema name '\(configuration.schema)' is not usable: use lowercase letters, "
                    + "digits and _, not starting with a digit, at most 63 characters")
        }
        let schema = self.schema
        let logger = self.logger
        let applied: [Int] = try await withConnectionErrors("migrating the schema") {
            try await self.client.withConnection { connection in
                try await Self.inTransaction(connection, logger: logger) {
                    // One migrator per schema at a time, across every instance.
                    try await connection.checkedQuery(
                        "SELECT pg_advisory_xact_lock(hashtext(\("roasproof.migrate." + schema.name))::bigint)", logger: logger)
                    try await connection.checkedQuery("CREATE SCHEMA IF NOT EXISTS \(unescaped: schema.name)", logger: logger)
                    try await connection.checkedQuery(
                        """
                        CREATE TABLE IF NOT EXISTS \(unescaped: schema.schemaVersion) (
                            id integer PRIMARY KEY CHECK (id = 1),
                            version integer NOT NULL
                        )
                        """, logger: logger)
                    var current = 0
                    for try await version in try await connection.checkedQuery(
                        "SELECT version FROM \(unescaped: schema.schemaVersion) WHERE id = 1", logger: logger
                    ).decode(Int.self) {
                        current = version
                    }
                    guard current <= PostgresSchema.latestVersion else {
                        throw DeliveryError(
                            code: .schemaTooNew,
                            message: "the PostgreSQL schema '\(schema.name)' has version \(current) but this library knows up to "
                                + "\(PostgresSchema.latestVersion); upgrade RoasProof on every instance, or use another schema")
                    }
                    var applied: [Int] = []
                    for migration in PostgresSchema.migrations where migration.version > current {
                        for statement in migration.statements {
                            try await connection.checkedQuery(PostgresQuery(unsafeSQL: schema.sql(statement)), logger: logger)
                        }
                        applied.append(migration.version)
                    }
                    if let last = applied.last {
                        try await connection.checkedQuery(
                            """
                            INSERT INTO \(unescaped: schema.schemaVersion) (id, version) VALUES (1, \(last))
                            ON CONFLICT (id) DO UPDATE SET version = excluded.version
                            """, logger: logger)
                    }
                    return applied
                }
            }
        }
        for version in applied {
            logger.info(
                "migrated PostgreSQL store",
                metadata: ["capi.postgres.schema": "\(schema.name)", "capi.postgres.schema_version": "\(version)"])
        }
    }

    /// The schema version recorded in the database (0 before the first migration).
    public func schemaVersion() async throws -> Int {
        try await withStore("reading the schema version") { [self] in
            let exists = try await self.client.query(
                "SELECT to_regclass(\(self.schema.schemaVersion)) IS NOT NULL", logger: self.logger
            ).decode(Bool.self).reduce(false) { $0 || $1 }
            guard exists else { return 0 }
            var version = 0
            for try await value in try await self.client.query(
                "SELECT version FROM \(unescaped: self.schema.schemaVersion) WHERE id = 1", logger: self.logger
            ).decode(Int.self) {
                version = value
            }
            return version
        }
    }

    // MARK: Plumbing

    /// Waits until ``run()`` has migrated the schema.
    func awaitStartup() async throws {
        if case .ready? = startup.outcome { return }
        if startup.shouldWarnAboutWaiting(), !started.withLock({ $0 }) {
            logger.warning(
                """
                PostgresEventStore is used before its run() started; operations wait until it runs \
                (add the store to your ServiceGroup, or use withPostgresEventStore)
                """)
        }
        switch try await startup.wait() {
        case .ready:
            return
        case .failed(let error):
            throw error
        case .stopped:
            throw DeliveryError(
                code: .storeFailure,
                message: "the PostgreSQL store has stopped (its run() ended); list the store before the workers in the "
                    + "ServiceGroup so it outlives them")
        }
    }

    /// Runs `body` once the store is ready, turning failures into `DeliveryError`s.
    ///
    /// `body` runs in a task of its own, so that the caller's cancellation cannot reach it:
    /// postgres-nio cancels the queries of a cancelled task, which could cut a transaction
    /// short (its ROLLBACK skipped) and hand an aborted transaction back to the pool.
    func withStore<T: Sendable>(_ operation: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await awaitStartup()
        return try await Task { try await withConnectionErrors(operation, body) }.value
    }

    /// Runs `body` in a transaction once the store is ready. Deadlocks and serialization
    /// failures (which PostgreSQL resolves by aborting one transaction) are retried.
    ///
    /// Like ``withStore(_:_:)``, the transaction runs in a task of its own, out of reach of the
    /// caller's cancellation.
    func transaction<T: Sendable>(
        _ operation: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await awaitStartup()
        let logger = self.logger
        var attempt = 1
        while true {
            do {
                return try await Task {
                    try await withConnectionErrors(operation) {
                        try await self.client.withConnection { connection in
                            try await Self.inTransaction(connection, logger: logger) { try await body(connection) }
                        }
                    }
                }.value
            } catch let error as DeliveryError where attempt < 5 && Self.isRetryable(error.underlying) {
                attempt += 1
                logger.debug(
                    "PostgreSQL transaction aborted by a conflict; retrying",
                    metadata: ["capi.postgres.operation": "\(operation)", "capi.postgres.attempt": "\(attempt)"])
            }
        }
    }

    nonisolated(nonsending) static func inTransaction<T: Sendable>(
        _ connection: PostgresConnection, logger: Logger, _ body: () async throws -> T
    ) async throws -> T {
        // READ COMMITTED stated, not inherited: the statements are written for it (leases skip
        // locked rows, holds are read under their row lock), and a server or role whose
        // default_transaction_isolation is stricter would fail them with serialization errors.
        try await connection.checkedQuery("BEGIN ISOLATION LEVEL READ COMMITTED", logger: logger)
        do {
            let value = try await body()
            try await connection.checkedQuery("COMMIT", logger: logger)
            return value
        } catch {
            // Roll back only on a connection that is still there; PostgreSQL rolls back by
            // itself when the connection is gone.
            if !Self.isConnectionLoss(error) {
                _ = try? await connection.checkedQuery("ROLLBACK", logger: logger)
            }
            throw error
        }
    }

    /// True for errors after which the connection cannot be used any more.
    static func isConnectionLoss(_ error: any Error) -> Bool {
        if error is ConnectionClosed { return true }
        guard let error = error as? PSQLError else { return false }
        return error.code == .clientClosedConnection || error.code == .serverClosedConnection
            || error.code == .connectionError || error.code == .uncleanShutdown || error.code == .poolClosed
    }

    static func isRetryable(_ error: (any Error)?) -> Bool {
        guard let error = error as? PSQLError, error.code == .server else { return false }
        let state = error.serverInfo?[.sqlState]
        return state == "40P01" || state == "40001"
    }

    /// Turns postgres-nio errors into `DeliveryError`s with a message that says what failed.
    func withConnectionErrors<T: Sendable>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DeliveryError {
            throw error
        } catch {
            throw Self.storeError(operation, error)
        }
    }

    static func storeError(_ operation: String, _ error: any Error) -> DeliveryError {
        var message = "PostgreSQL store: \(operation) failed"
        if error is ConnectionClosed {
            message += ": the connection to PostgreSQL was closed"
        }
        if let error = error as? PSQLError {
            switch error.code {
            case .server:
                // SQLSTATE and the server's primary message; never `detail`, which can quote row values.
                let state = error.serverInfo?[.sqlState] ?? "?????"
                let text = error.serverInfo?[.message] ?? "no message"
                message += " (SQLSTATE \(state): \(text))"
                if state.hasPrefix("28") { message += "; check the user name and password in the connection settings" }
                if state == "3D000" { message += "; create the database first" }
                if state == "25006" { message += "; the server accepts no writes (a standby, or default_transaction_read_only)" }
                if state == "53100" { message += "; the database server's disk is full (events stored earlier are kept)" }
            case .connectionError:
                message += ": could not connect to PostgreSQL; check the host and port and that the server is running"
            case .poolClosed:
                message += ": the connection pool is closed (the store's run() has ended)"
            case .serverClosedConnection, .clientClosedConnection:
                message += ": the connection to PostgreSQL was closed"
            case .sslUnsupported:
                message +=
                    ": the server does not support TLS; enable TLS on the server, or use sslmode=disable on a network you trust"
            default:
                message += " (\(error.code))"
            }
        }
        return DeliveryError(code: code(for: error), message: message, underlying: error)
    }

    /// The typed codes a caller can act on, from the SQLSTATE: a full disk, a lock not granted,
    /// a read-only server (a standby, or `default_transaction_read_only`).
    static func code(for error: any Error) -> DeliveryError.Code {
        guard let error = error as? PSQLError, error.code == .server, let state = error.serverInfo?[.sqlState] else {
            return .storeFailure
        }
        switch state {
        case "53100": return .storeFull  // disk_full
        case "55P03": return .storeBusy  // lock_not_available
        case "25006": return .storeReadOnly  // read_only_sql_transaction
        default: return .storeFailure
        }
    }
}

/// Runs a store with its own connection pool for the duration of `body`: starts it, waits for
/// the migration, calls `body`, then stops it, even when `body` throws.
///
/// ```swift
/// try await withPostgresEventStore(clientConfiguration: client) { store in
///     let counts = try await store.counts(pixel: nil)
/// }
/// ```
public func withPostgresEventStore<T: Sendable>(
    clientConfiguration: PostgresClient.Configuration,
    configuration: PostgresEventStore.Configuration = PostgresEventStore.Configuration(),
    logger: Logger = Logger(label: "roasproof.delivery.postgres", factory: { _ in SwiftLogNoOpLogHandler() }),
    _ body: (PostgresEventStore) async throws -> T
) async throws -> T {
    let store = PostgresEventStore(clientConfiguration: clientConfiguration, configuration: configuration, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await store.run() }
        do {
            try await store.awaitStartup()
            let value = try await body(store)
            group.cancelAll()
            try await group.waitForAll()
            return value
        } catch {
            group.cancelAll()
            // The run() error (a failed migration) is the one worth reporting when both failed.
            try await group.waitForAll()
            throw error
        }
    }
}
