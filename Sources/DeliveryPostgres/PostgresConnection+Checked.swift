import Logging
import PostgresNIO

/// Thrown instead of writing a query to a connection that has already closed.
struct ConnectionClosed: Error, CustomStringConvertible {
    var description: String { "the connection to PostgreSQL is closed" }
}

extension PostgresConnection {
    /// `query(_:logger:)`, but refusing a connection that has closed.
    ///
    /// postgres-nio 1.33 never completes a query written to a connection whose channel has
    /// already closed (the fix, vapor/postgres-nio#487, was reverted in #501). Inside a
    /// transaction that would keep the pool's lease forever, and the pool (and with it the
    /// store's `run()` and the app's shutdown) would wait for it. A connection closes under a
    /// transaction when the server goes away or when the pool shuts down mid-transaction.
    @discardableResult
    func checkedQuery(
        _ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line
    ) async throws -> PostgresRowSequence {
        guard !isClosed else { throw ConnectionClosed() }
        return try await self.query(query, logger: logger, file: file, line: line)
    }
}
