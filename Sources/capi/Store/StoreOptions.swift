import ArgumentParser
import DeliverySQLite
import FoundationEssentials

/// `--store FILE`, shared by the operator commands.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The SQLite store file: the path your app opens with SQLiteEventStore.", valueName: "file"))
    var store: String

    /// Opens the existing store, runs `body` and closes it. A missing file is an error rather
    /// than a new empty store, so a typo cannot look like an empty queue.
    func withStore<T: Sendable>(_ body: (SQLiteEventStore) async throws -> T) async throws -> T {
        guard FileManager.default.fileExists(atPath: store) else {
            throw ValidationError("no store at \(store); pass the SQLite file your app delivers from (capi demo writes capi-demo.sqlite)")
        }
        return try await withSQLiteEventStore(path: store) { store in try await body(store) }
    }

    /// The file name without directories, for titles.
    var displayName: String { store.split(separator: "/").last.map(String.init) ?? store }
}
