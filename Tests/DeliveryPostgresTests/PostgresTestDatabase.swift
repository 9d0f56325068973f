import Delivery
import DeliveryPostgres
import PostgresNIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The PostgreSQL server the tests use: `ROASPROOF_POSTGRES_URL`, which
/// `Scripts/with-postgres.sh` sets for the command it runs.
///
/// Every test works in a schema of its own (`rp_test_<random>`), dropped afterwards, so tests
/// run in parallel against one database and leave nothing behind.
enum PostgresTestDatabase {
    static let variable = "ROASPROOF_POSTGRES_URL"

    /// Thrown by every PostgreSQL test when no server is configured: the run fails, with
    /// instructions, instead of skipping silently.
    struct NotConfigured: Error, CustomStringConvertible {
        var description: String {
            """
            \(PostgresTestDatabase.variable) is not set, so the PostgreSQL tests cannot run. Run the tests with a \
            throwaway server: `Scripts/with-postgres.sh swift test` (it installs PostgreSQL when missing, starts it \
            on a free loopback port as a non-root user, sets \(PostgresTestDatabase.variable) and deletes the server \
            afterwards; Scripts/test.sh does this too). To use a server of your own, set \
            \(PostgresTestDatabase.variable)=postgres://user[:password]@host:port/database.
            """
        }
    }

    static var url: String? {
        guard let value = getenv(variable) else { return nil }
        let url = String(cString: value)
        return url.isEmpty ? nil : url
    }

    /// The client configuration for the test server.
    static func clientConfiguration(maximumConnections: Int = 4) throws -> PostgresClient.Configuration {
        guard let url else { throw NotConfigured() }
        var configuration = try PostgresEventStore.clientConfiguration(url: url)
        configuration.options.maximumConnections = maximumConnections
        return configuration
    }

    static func uniqueSchema() -> String {
        "rp_test_" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }

    static func storeConfiguration(schema: String) -> PostgresEventStore.Configuration {
        var configuration = PostgresEventStore.Configuration()
        configuration.schema = schema
        return configuration
    }

    /// Runs `body` with a started store in a fresh schema, then drops the schema.
    static func withScratchStore<T: Sendable>(
        maximumConnections: Int = 4, _ body: (PostgresEventStore) async throws -> T
    ) async throws -> T {
        let schema = uniqueSchema()
        return try await withSchema(schema) {
            try await withPostgresEventStore(
                clientConfiguration: try clientConfiguration(maximumConnections: maximumConnections),
                configuration: storeConfiguration(schema: schema), body)
        }
    }

    /// Runs `body`, then drops `schema` (whether or not `body` created it).
    static func withSchema<T: Sendable>(_ schema: String, _ body: () async throws -> T) async throws -> T {
        do {
            let value = try await body()
            try await drop(schema)
            return value
        } catch {
            try? await drop(schema)
            throw error
        }
    }

    /// Runs `body` with a running client of its own (for raw SQL in tests).
    static func withClient<T: Sendable>(_ body: (PostgresClient) async throws -> T) async throws -> T {
        let client = PostgresClient(configuration: try clientConfiguration(maximumConnections: 2))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    static func drop(_ schema: String) async throws {
        try await withClient { client in
            _ = try await client.query("DROP SCHEMA IF EXISTS \(unescaped: schema) CASCADE")
        }
    }
}
