import Delivery
import SQLiteNIO
import Synchronization

extension SQLiteEventStore {
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

    /// Runs `body` in a transaction; must be called with the lock held.
    func inTransaction<T: Sendable>(_ body: () async throws -> T) async throws -> T {
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

    func transaction<T: Sendable>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        try await run(operation) { try await inTransaction(body) }
    }

    // MARK: Statement sizes

    /// The most parameters SQLite binds in one statement (`SQLITE_MAX_VARIABLE_NUMBER`, 32,766
    /// by default since SQLite 3.32); a statement with more fails. The chunks below stay well
    /// under it.
    package static let maximumBoundParameters = 32_766
    /// The columns an append writes per event row.
    package static let eventColumns = 8
    /// Rows per multi-row `INSERT` (events, coverage counters, attempt links): at most 8,000
    /// parameters with the events' 8 columns. A 1,000-event batch in one statement appended
    /// about 5 % faster than in two of 500.
    package static let rowsPerInsert = 1_000
    /// Ids per `id IN (…)` list: 1,000 parameters plus the statement's few others.
    package static let idsPerList = 1_000

    static func placeholders(rows: Int, columns: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ",") + ")"
        return Array(repeating: row, count: rows).joined(separator: ",")
    }

    static func list(_ count: Int) -> String {
        "(" + Array(repeating: "?", count: count).joined(separator: ",") + ")"
    }

    /// Runs `sql` (ending in `id IN`) over `ids` in chunks; with `returning`, the ids it changed.
    @discardableResult
    func update(
        _ sql: String, _ leading: [SQLiteData], _ ids: [EventRecordID], returning: Bool = false
    )
        async throws -> [EventRecordID]
    {
        var changed: [EventRecordID] = []
        for chunk in ids.chunks(ofAtMost: Self.idsPerList) {
            let rows = try await query(
                sql + " " + Self.list(chunk.count) + (returning ? " RETURNING id" : ""),
                leading + chunk.map { .integer(SQLiteInt64($0.rawValue)) })
            if returning { changed += rows.compactMap { $0.column("id")?.integer.map { EventRecordID(Int64($0)) } } }
        }
        return changed
    }
}
