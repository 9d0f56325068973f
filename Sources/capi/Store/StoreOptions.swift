import ArgumentParser
import DeliverySQLite
import FoundationEssentials

/// `--store FILE`, shared by the operator commands; `CAPI_STORE` when it is not given.
struct StoreOptions: ParsableArguments {
    @Option(
        name: [.customLong("store")],
        help: ArgumentHelp(
            "The SQLite store file: the path your app opens (CAPI_STORE when not given).", valueName: "file"))
    var storeOption: String?

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

    /// The file name without directories, for titles.
    var displayName: String {
        let store = (try? store) ?? "store"
        return store.split(separator: "/").last.map(String.init) ?? store
    }
}
