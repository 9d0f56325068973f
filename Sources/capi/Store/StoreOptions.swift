import ArgumentParser
import Delivery
import DeliveryPostgres
import DeliverySQLite
import FoundationEssentials
import PostgresNIO

/// `--store FILE`, shared by the operator commands; `CAPI_STORE` when it is not given.
struct StoreOptions: ParsableArguments {
    @Option(
        name: [.customLong("store")],
        help: ArgumentHelp(
            "The SQLite store file: the path your app opens (CAPI_STORE when not given); capi serve also takes the postgres:// URL.",
            valueName: "file"))
    var storeOption: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "With a postgres:// --store: the schema holding the store's tables (roasproof unless the app set another).",
            valueName: "name"))
    var postgresSchema = PostgresEventStore.Configuration().schema

    /// The store's path: `--store`, else `CAPI_STORE`.
    var store: String {
        get throws { try storeOption ?? CapiSettings.store() }
    }

    /// Opens the existing store, runs `body` and closes it. A missing file is an error rather
    /// than a new empty store, so a typo cannot look like an empty queue.
    ///
    /// - Parameter access: `.readOnly` for the commands that only look (`status`, `events`,
    ///   `show`, `report`): the file is then never created, converted, migrated or stamped.
    func withStore<T: Sendable>(
        access: SQLiteEventStore.Configuration.Access = .readWrite, _ body: (SQLiteEventStore) async throws -> T
    ) async throws -> T {
        let store = try store
        guard FileManager.default.fileExists(atPath: store) else {
            throw ValidationError(
                "no store at \(store); pass the SQLite file your app delivers from (capi demo writes capi-demo.sqlite)")
        }
        var configuration = SQLiteEventStore.Configuration()
        configuration.access = access
        return try await withSQLiteEventStore(path: store, configuration: configuration) { store in try await body(store) }
    }

    /// Opens the store for a command that works on either database: a `postgres://` URL opens
    /// the PostgreSQL store shared by many app instances, anything else the SQLite file (see
    /// ``withStore(access:_:)``).
    ///
    /// The PostgreSQL store's schema must exist already (an app running `CAPIClient` or a
    /// `PostgresEventStore` creates it): a mistyped database or schema is an error, never a new
    /// empty queue created in someone's database.
    func withInspectableStore<T: Sendable>(_ body: (any InspectableEventStore) async throws -> T) async throws -> T {
        let store = try store
        guard Self.isPostgresURL(store) else { return try await withStore { store in try await body(store) } }
        let client: PostgresClient.Configuration
        do {
            client = try PostgresEventStore.clientConfiguration(url: store)
        } catch let error as DeliveryError {
            throw ValidationError("--store: \(error.message)")
        }
        var configuration = PostgresEventStore.Configuration()
        configuration.schema = postgresSchema
        guard try await Self.schemaExists(configuration.schema, client: client) else {
            throw ValidationError(
                "the PostgreSQL database of --store has no \(configuration.schema) schema: point --store at the database "
                    + "your app delivers from (its CAPI_STORE); capi creates no schema there")
        }
        return try await withPostgresEventStore(clientConfiguration: client, configuration: configuration) { store in
            try await body(store)
        }
    }

    /// True for a `postgres://` or `postgresql://` URL.
    static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// True when the database `client` names has the schema `name`, asked without creating anything.
    private static func schemaExists(_ name: String, client configuration: PostgresClient.Configuration) async throws -> Bool {
        let client = PostgresClient(configuration: configuration)
        return try await withThrowingTaskGroup(of: Bool?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            let rows = try await client.query("SELECT 1 FROM pg_namespace WHERE nspname = \(name)")
            for try await _ in rows { return true }
            return false
        }
    }

    /// The file name without directories, for titles; for a PostgreSQL URL its host and
    /// database, never its user or password.
    var displayName: String {
        let store = (try? store) ?? "store"
        if Self.isPostgresURL(store) {
            guard let configuration = try? PostgresEventStore.clientConfiguration(url: store) else { return "PostgreSQL" }
            return "PostgreSQL \(configuration.host ?? "?")/\(configuration.database ?? "")"
        }
        return store.split(separator: "/").last.map(String.init) ?? store
    }
}
