import CAPIModel
import Delivery
import DeliveryPostgres
import DeliveryStoreConformance
import Logging
import PostgresNIO
import Testing

@Suite("PostgresEventStore")
struct PostgresStoreTests {
    static let t0 = Timestamp(milliseconds: 1_767_225_600_000)

    @Test("conformance", arguments: EventStoreConformance.checks)
    func conformance(_ check: EventStoreConformance.Check) async throws {
        try await PostgresTestDatabase.withScratchStore { store in
            try await check.run {
                store
            } tearDown: { _ in
            }
        }
    }

    @Test("quality snapshot conformance", arguments: EventStoreConformance.qualitySnapshotChecks)
    func qualitySnapshots(_ check: EventStoreConformance.QualitySnapshotCheck) async throws {
        try await PostgresTestDatabase.withScratchStore { store in
            try await check.run {
                store
            } tearDown: { _ in
            }
        }
    }

    @Test("inspection conformance", arguments: EventStoreConformance.inspectionChecks)
    func inspection(_ check: EventStoreConformance.InspectionCheck) async throws {
        try await PostgresTestDatabase.withScratchStore { store in
            try await check.run {
                store
            } tearDown: { _ in
            }
        }
    }

    @Test("a new schema is created at the latest version; migrating again changes nothing")
    func migratesAFreshSchema() async throws {
        try await PostgresTestDatabase.withScratchStore { store in
            #expect(try await store.schemaVersion() == PostgresEventStore.schemaVersion)
            #expect(store.isSharedAcrossProcesses)
            _ = try await store.append([EventStoreConformance.event("e1")], at: Self.t0)
            try await store.migrate()
            #expect(try await store.schemaVersion() == PostgresEventStore.schemaVersion)
            #expect(try await store.counts(pixel: nil).pending == 1)
        }
    }

    @Test("instances starting together migrate one schema exactly once")
    func concurrentMigrations() async throws {
        let schema = PostgresTestDatabase.uniqueSchema()
        try await PostgresTestDatabase.withSchema(schema) {
            let versions = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<4 {
                    group.addTask {
                        try await withPostgresEventStore(
                            clientConfiguration: try PostgresTestDatabase.clientConfiguration(maximumConnections: 2),
                            configuration: PostgresTestDatabase.storeConfiguration(schema: schema)
                        ) { store in
                            _ = try await store.append([EventStoreConformance.event("from-\(index)")], at: Self.t0)
                            return try await store.schemaVersion()
                        }
                    }
                }
                var versions: [Int] = []
                for try await version in group { versions.append(version) }
                return versions
            }
            #expect(versions == Array(repeating: PostgresEventStore.schemaVersion, count: 4))
            try await withPostgresEventStore(
                clientConfiguration: try PostgresTestDatabase.clientConfiguration(),
                configuration: PostgresTestDatabase.storeConfiguration(schema: schema)
            ) { store in
                let counts = try await store.counts(pixel: nil)
                #expect(counts.pending == 4)
            }
        }
    }

    @Test("a schema written by a newer library is refused with a clear error")
    func schemaTooNew() async throws {
        let schema = PostgresTestDatabase.uniqueSchema()
        try await PostgresTestDatabase.withSchema(schema) {
            try await PostgresTestDatabase.withClient { client in
                try await client.query("CREATE SCHEMA \(unescaped: schema)")
                try await client.query(
                    "CREATE TABLE \(unescaped: schema).schema_version (id integer PRIMARY KEY, version integer NOT NULL)")
                try await client.query(
                    "INSERT INTO \(unescaped: schema).schema_version VALUES (1, \(PostgresEventStore.schemaVersion + 1))")
            }
            let error = await #expect(throws: DeliveryError.self) {
                try await withPostgresEventStore(
                    clientConfiguration: try PostgresTestDatabase.clientConfiguration(),
                    configuration: PostgresTestDatabase.storeConfiguration(schema: schema)
                ) { store in try await store.counts(pixel: nil) }
            }
            #expect(error?.code == .schemaTooNew)
            #expect(error?.message.contains("upgrade RoasProof") == true)
        }
    }

    @Test("an unusable schema name is refused before any SQL runs", arguments: ["Roasproof", "1abc", "a-b", "a;drop", ""])
    func invalidSchemaName(_ name: String) async throws {
        var configuration = PostgresEventStore.Configuration()
        configuration.schema = name
        let error = await #expect(throws: DeliveryError.self) {
            try await withPostgresEventStore(
                clientConfiguration: try PostgresTestDatabase.clientConfiguration(), configuration: configuration
            ) { store in try await store.counts(pixel: nil) }
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("lowercase letters") == true)
    }

    @Test("a schema that holds someone else's tables fails to migrate with the server's reason")
    func foreignSchema() async throws {
        let schema = PostgresTestDatabase.uniqueSchema()
        try await PostgresTestDatabase.withSchema(schema) {
            try await PostgresTestDatabase.withClient { client in
                try await client.query("CREATE SCHEMA \(unescaped: schema)")
                try await client.query("CREATE TABLE \(unescaped: schema).events (sku text)")
            }
            let error = await #expect(throws: DeliveryError.self) {
                try await withPostgresEventStore(
                    clientConfiguration: try PostgresTestDatabase.clientConfiguration(),
                    configuration: PostgresTestDatabase.storeConfiguration(schema: schema)
                ) { store in try await store.counts(pixel: nil) }
            }
            #expect(error?.code == .storeFailure)
            #expect(error?.message.contains("migrating the schema failed") == true)
            #expect(error?.message.contains("SQLSTATE 42P07") == true)
            // Nothing of the failed migration is left behind.
            try await PostgresTestDatabase.withClient { client in
                let tables = try await client.query(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = \(schema)"
                ).decode(Int.self).reduce(0, +)
                #expect(tables == 1)
            }
        }
    }

    @Test("a server that accepts no writes is reported as storeReadOnly")
    func readOnlyServer() async throws {
        let schema = PostgresTestDatabase.uniqueSchema()
        try await PostgresTestDatabase.withSchema(schema) {
            var client = try PostgresTestDatabase.clientConfiguration()
            client.options.additionalStartupParameters = [("default_transaction_read_only", "on")]
            let error = await #expect(throws: DeliveryError.self) {
                try await withPostgresEventStore(
                    clientConfiguration: client, configuration: PostgresTestDatabase.storeConfiguration(schema: schema)
                ) { store in try await store.counts(pixel: nil) }
            }
            #expect(error?.code == .storeReadOnly)
            #expect(error?.message.contains("SQLSTATE 25006") == true)
            #expect(error?.message.contains("accepts no writes") == true)
        }
    }

    @Test("a lock held longer than lock_timeout is reported as storeBusy, and the call changed nothing")
    func lockNotAvailable() async throws {
        let schema = PostgresTestDatabase.uniqueSchema()
        let pixel: PixelID = "111"
        try await PostgresTestDatabase.withSchema(schema) {
            var client = try PostgresTestDatabase.clientConfiguration()
            client.options.additionalStartupParameters = [("lock_timeout", "200ms")]
            try await withPostgresEventStore(
                clientConfiguration: client, configuration: PostgresTestDatabase.storeConfiguration(schema: schema)
            ) { store in
                _ = try await store.updatePixelHold(pixel, .pause(until: Self.t0 + .seconds(30)), at: Self.t0)
                try await PostgresTestDatabase.withClient { other in
                    try await other.withConnection { connection in
                        try await connection.query("BEGIN", logger: Self.logger)
                        try await connection.query(
                            "SELECT 1 FROM \(unescaped: schema).pixel_holds WHERE pixel_id = \(pixel.rawValue) FOR UPDATE",
                            logger: Self.logger)
                        let error = await #expect(throws: DeliveryError.self) {
                            try await store.updatePixelHold(pixel, .pause(until: Self.t0 + .seconds(60)), at: Self.t0)
                        }
                        try await connection.query("ROLLBACK", logger: Self.logger)
                        #expect(error?.code == .storeBusy)
                        #expect(error?.message.contains("SQLSTATE 55P03") == true)
                    }
                }
                #expect(try await store.pixelHolds(at: Self.t0)[pixel]?.pausedUntil == Self.t0 + .seconds(30))
            }
        }
    }

    @Test("operations wait for run(), and fail clearly once it has ended")
    func lifecycle() async throws {
        let schema = PostgresTestDatabase.uniqueSchema()
        try await PostgresTestDatabase.withSchema(schema) {
            let store = PostgresEventStore(
                clientConfiguration: try PostgresTestDatabase.clientConfiguration(),
                configuration: PostgresTestDatabase.storeConfiguration(schema: schema))
            try await withThrowingTaskGroup(of: Void.self) { group in
                // An operation issued before run() starts waits for the migration.
                group.addTask { _ = try await store.append([EventStoreConformance.event("early")], at: Self.t0) }
                try await Task.sleep(for: .milliseconds(50))
                group.addTask { try await store.run() }
                try await group.next()
                #expect(try await store.counts(pixel: nil).pending == 1)
                group.cancelAll()
            }
            let error = await #expect(throws: DeliveryError.self) { try await store.counts(pixel: nil) }
            #expect(error?.code == .storeFailure)
            #expect(error?.message.contains("stopped") == true)
        }
    }

    /// postgres-nio 1.33 never completes a query written to a connection that has closed, so a
    /// ROLLBACK after the server dropped the connection mid-transaction used to hold the pool's
    /// lease forever, and with it the store's run() and the app's shutdown.
    @Test("a connection dropped mid-transaction fails the operation, and the store shuts down", .timeLimit(.minutes(1)))
    func connectionDroppedMidTransaction() async throws {
        try await PostgresTestDatabase.withScratchStore { store in
            let pixel: PixelID = "111"
            try await PostgresTestDatabase.withClient { client in
                try await client.withConnection { connection in
                    // Hold the pixel's hold row uncommitted, so the store's transaction waits on it.
                    try await connection.query("BEGIN", logger: Self.logger)
                    try await connection.query(
                        "INSERT INTO \(unescaped: store.configuration.schema).pixel_holds (pixel_id) VALUES (\(pixel.rawValue))",
                        logger: Self.logger)
                    let update = Task {
                        try await store.updatePixelHold(pixel, .pause(until: Self.t0 + .seconds(60)), at: Self.t0)
                    }
                    try await eventually("the store's transaction waits for the lock") {
                        try await Self.blockedBackends(connection) > 0
                    }
                    try await connection.query(
                        """
                        SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                        WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))
                        """, logger: Self.logger)
                    // Release the lock first, so a transaction that survived cannot wait forever.
                    try await connection.query("ROLLBACK", logger: Self.logger)
                    let error = await #expect(throws: DeliveryError.self) { try await update.value }
                    #expect(error?.code == .storeFailure)
                    #expect(error?.message.contains("updating a pixel hold failed") == true)
                }
            }
            // The pool replaces the connection; the store goes on working.
            _ = try await store.updatePixelHold(pixel, .pause(until: Self.t0 + .seconds(60)), at: Self.t0)
            #expect(try await store.pixelHolds(at: Self.t0)[pixel]?.pausedUntil == Self.t0 + .seconds(60))
        }
    }

    /// postgres-nio 1.33 never completes a query written to a connection that has closed. When
    /// the pool closed a connection under a transaction at shutdown, the store's ROLLBACK on it
    /// used to hold the pool's lease forever, and with it the store's run() and the app's
    /// shutdown.
    @Test("shutting down while a transaction is open ends the transaction and run()", .timeLimit(.minutes(1)))
    func shutdownMidTransaction() async throws {
        let schema = PostgresTestDatabase.uniqueSchema()
        let pixel: PixelID = "111"
        try await PostgresTestDatabase.withSchema(schema) {
            let store = PostgresEventStore(
                clientConfiguration: try PostgresTestDatabase.clientConfiguration(),
                configuration: PostgresTestDatabase.storeConfiguration(schema: schema))
            try await PostgresTestDatabase.withClient { client in
                try await client.withConnection { connection in
                    let update = try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { try await store.run() }
                        _ = try await store.schemaVersion()
                        // Hold the pixel's hold row uncommitted, so the store's transaction waits on it.
                        try await connection.query("BEGIN", logger: Self.logger)
                        try await connection.query(
                            "INSERT INTO \(unescaped: schema).pixel_holds (pixel_id) VALUES (\(pixel.rawValue))",
                            logger: Self.logger)
                        let update = Task {
                            try await store.updatePixelHold(pixel, .pause(until: Self.t0 + .seconds(60)), at: Self.t0)
                        }
                        try await eventually("the store's transaction waits for the lock") {
                            try await Self.blockedBackends(connection) > 0
                        }
                        // Shut the store down: its pool closes the connection under the transaction.
                        group.cancelAll()
                        try? await group.waitForAll()
                        return update
                    }
                    let error = await #expect(throws: DeliveryError.self) { try await update.value }
                    #expect(error?.code == .storeFailure)
                    try await connection.query("ROLLBACK", logger: Self.logger)
                }
            }
        }
    }

    static let logger = Logger(label: "roasproof.tests.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    static func blockedBackends(_ connection: PostgresConnection) async throws -> Int {
        try await connection.query(
            // Only backends waiting for this connection: other tests run in parallel on the same server.
            "SELECT count(*)::bigint FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))",
            logger: logger
        ).decode(Int.self).reduce(0, +)
    }

    @Test("eight instances leasing at once never get the same event")
    func skipLockedLeases() async throws {
        let schema = PostgresTestDatabase.uniqueSchema()
        try await PostgresTestDatabase.withSchema(schema) {
            let total = 3_000
            try await withPostgresEventStore(
                clientConfiguration: try PostgresTestDatabase.clientConfiguration(),
                configuration: PostgresTestDatabase.storeConfiguration(schema: schema)
            ) { store in
                _ = try await store.append((0..<total).map { EventStoreConformance.event("s\($0)") }, at: Self.t0)
            }
            let leased = try await withThrowingTaskGroup(of: [EventRecordID].self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await withPostgresEventStore(
                            clientConfiguration: try PostgresTestDatabase.clientConfiguration(maximumConnections: 2),
                            configuration: PostgresTestDatabase.storeConfiguration(schema: schema)
                        ) { store in
                            var mine: [EventRecordID] = []
                            while true {
                                let batch = try await store.lease(
                                    pixel: "111", now: Self.t0, limit: 37, leaseDuration: .seconds(60))
                                if batch.isEmpty { return mine }
                                mine += batch.map(\.id)
                            }
                        }
                    }
                }
                var all: [[EventRecordID]] = []
                for try await ids in group { all.append(ids) }
                return all
            }
            let flat = leased.flatMap { $0 }
            #expect(flat.count == total)
            #expect(Set(flat).count == total)
            #expect(leased.filter { !$0.isEmpty }.count >= 2, "the leases were not shared at all")
        }
    }

    /// Issue 20.4: a hold row deleted by a concurrent change (as an emptied hold was) while a
    /// 429 is being recorded must not swallow the pause: every instance has to see it.
    @Test("a pause recorded while a concurrent change removes the hold row is kept")
    func pauseSurvivesAConcurrentRemoval() async throws {
        let schema = PostgresTestDatabase.uniqueSchema()
        let pixel: PixelID = "111"
        try await PostgresTestDatabase.withSchema(schema) {
            try await withPostgresEventStore(
                clientConfiguration: try PostgresTestDatabase.clientConfiguration(),
                configuration: PostgresTestDatabase.storeConfiguration(schema: schema)
            ) { store in
                _ = try await store.updatePixelHold(pixel, .pause(until: Self.t0 + .seconds(1)), at: Self.t0)
                try await PostgresTestDatabase.withClient { other in
                    try await other.withConnection { connection in
                        try await connection.query("BEGIN", logger: Self.logger)
                        try await connection.query(
                            "SELECT 1 FROM \(unescaped: schema).pixel_holds WHERE pixel_id = \(pixel.rawValue) FOR UPDATE",
                            logger: Self.logger)
                        let update = Task {
                            try await store.updatePixelHold(pixel, .pause(until: Self.t0 + .seconds(60)), at: Self.t0)
                        }
                        // Wait until the store's transaction is blocked on the row, then remove it.
                        var waited = 0
                        while try await Self.blockedBackends(connection) == 0, waited < 500 {
                            try await Task.sleep(for: .milliseconds(10))
                            waited += 1
                        }
                        #expect(waited < 500, "the store never waited for the row lock")
                        try await connection.query(
                            "DELETE FROM \(unescaped: schema).pixel_holds WHERE pixel_id = \(pixel.rawValue)", logger: Self.logger
                        )
                        try await connection.query("COMMIT", logger: Self.logger)
                        #expect(try await update.value.pausedUntil == Self.t0 + .seconds(60))
                    }
                }
                #expect(try await store.pixelHolds(at: Self.t0)[pixel]?.pausedUntil == Self.t0 + .seconds(60))
            }
        }
    }

    /// Issue 20.4: an emptied hold is written as NULLs, never deleted, so the row a concurrent
    /// change locks is always there.
    @Test("an emptied hold keeps its row")
    func emptiedHoldKeepsItsRow() async throws {
        let schema = PostgresTestDatabase.uniqueSchema()
        try await PostgresTestDatabase.withSchema(schema) {
            try await withPostgresEventStore(
                clientConfiguration: try PostgresTestDatabase.clientConfiguration(),
                configuration: PostgresTestDatabase.storeConfiguration(schema: schema)
            ) { store in
                let token = CredentialFingerprint(accessToken: AccessToken("old"), appSecret: nil)
                let expired = GraphError(message: "expired", type: "OAuthException", code: 190)
                _ = try await store.updatePixelHold("111", .suspend(expired, credentials: token), at: Self.t0)
                let cleared = try await store.updatePixelHold("111", .credentialsReplaced(with: token), at: Self.t0)
                #expect(cleared.isEmpty)
                #expect(try await store.pixelHolds(at: Self.t0).isEmpty)
                try await PostgresTestDatabase.withClient { other in
                    let rows = try await other.query(
                        "SELECT count(*)::bigint FROM \(unescaped: schema).pixel_holds WHERE pixel_id = '111'",
                        logger: Self.logger
                    ).decode(Int.self).reduce(0, +)
                    #expect(rows == 1)
                }
            }
        }
    }

    @Test("a pause recorded through one instance is seen by another")
    func holdsAreShared() async throws {
        let schema = PostgresTestDatabase.uniqueSchema()
        try await PostgresTestDatabase.withSchema(schema) {
            try await withPostgresEventStore(
                clientConfiguration: try PostgresTestDatabase.clientConfiguration(),
                configuration: PostgresTestDatabase.storeConfiguration(schema: schema)
            ) { first in
                try await withPostgresEventStore(
                    clientConfiguration: try PostgresTestDatabase.clientConfiguration(),
                    configuration: PostgresTestDatabase.storeConfiguration(schema: schema)
                ) { second in
                    _ = try await first.updatePixelHold("111", .pause(until: Self.t0 + .seconds(120)), at: Self.t0)
                    #expect(
                        try await second.pixelHolds(at: Self.t0 + .seconds(60))["111"]?.pausedUntil == Self.t0 + .seconds(120))
                }
            }
        }
    }
}

@Suite("PostgresEventStore.clientConfiguration(url:)")
struct PostgresURLTests {
    @Test func fullURL() throws {
        let configuration = try PostgresEventStore.clientConfiguration(
            url: "postgresql://app%40shop:p%3Ass@db.internal:6543/orders?sslmode=disable")
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "app@shop")
        #expect(configuration.password == "p:ss")
        #expect(configuration.database == "orders")
    }

    @Test func defaults() throws {
        let configuration = try PostgresEventStore.clientConfiguration(url: "postgres://roasproof@127.0.0.1/roasproof")
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 5432)
        #expect(configuration.password == nil)
        #expect(configuration.database == "roasproof")
    }

    @Test func ipv6() throws {
        let configuration = try PostgresEventStore.clientConfiguration(url: "postgres://u@[::1]:5433/d")
        #expect(configuration.host == "::1")
        #expect(configuration.port == 5433)
    }

    @Test(
        "malformed URLs are refused without echoing them",
        arguments: [
            "mysql://u@h/d", "postgres://h/d", "postgres://u:secret-pw@h:port/d", "postgres://u:secret-pw@h/d?sslmode=bogus",
            "postgres://u:secret-pw@:5432/d", "postgres://u:secret-pw@h/d?search_path=x", "postgres://u:secret-pw@h:70000/d",
        ])
    func malformed(_ url: String) throws {
        let error = #expect(throws: DeliveryError.self) { try PostgresEventStore.clientConfiguration(url: url) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("secret-pw") == false)
        #expect(error?.message.contains("postgres://user") == true)
    }
}
