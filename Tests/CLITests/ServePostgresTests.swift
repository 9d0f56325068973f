import CAPIModel
import Delivery
import DeliveryPostgres
import Foundation
import PostgresNIO
import Testing

/// `capi serve` over the PostgreSQL store that many app instances share (the server the test
/// command starts, `ROASPROOF_POSTGRES_URL`).
@Suite struct ServePostgresTests {
    static var url: String {
        get throws {
            guard let url = ProcessInfo.processInfo.environment["ROASPROOF_POSTGRES_URL"], !url.isEmpty else {
                throw PostgresURLMissing()
            }
            return url
        }
    }

    struct PostgresURLMissing: Error, CustomStringConvertible {
        var description: String { "ROASPROOF_POSTGRES_URL is not set: run the tests with Scripts/with-postgres.sh swift test" }
    }

    static func uniqueSchema() -> String { "rp_cli_" + String(UInt64.random(in: 0...UInt64.max), radix: 16) }

    /// Runs `body` with a client of the test server, then drops `schema`.
    static func withClient(dropping schema: String, _ body: (PostgresClient) async throws -> Void) async throws {
        let client = PostgresClient(configuration: try PostgresEventStore.clientConfiguration(url: try url))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            do {
                try await body(client)
            } catch {
                _ = try? await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE"))
                throw error
            }
            _ = try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE"))
        }
    }

    static func schemaExists(_ schema: String, client: PostgresClient) async throws -> Bool {
        for try await _ in try await client.query("SELECT 1 FROM pg_namespace WHERE nspname = \(schema)") { return true }
        return false
    }

    @Test func servesTheEventsOfAPostgreSQLStore() async throws {
        let schema = Self.uniqueSchema()
        try await Self.withClient(dropping: schema) { client in
            var configuration = PostgresEventStore.Configuration()
            configuration.schema = schema
            let event = PendingEvent(
                key: EventKey(pixelID: "1234567890", eventName: .purchase, eventID: "pg-served-order-1"),
                eventTime: Timestamp.now, actionSource: .website, json: #"{"event_name":"Purchase"}"#,
                matchKeys: [])
            try await withPostgresEventStore(
                clientConfiguration: try PostgresEventStore.clientConfiguration(url: try Self.url), configuration: configuration
            ) { store in
                _ = try await store.append([event], at: Timestamp.now)
            }

            let directory = try ScratchDirectory()
            defer { directory.remove() }
            let served = try await ServeCommandTests.Served.start(
                ["--store", try Self.url, "--postgres-schema", schema], in: directory)
            let overview = try await ServeCommandTests.get(served.url)
            #expect(overview.status == 200)
            #expect(overview.body.contains("1234567890"))
            let list = try await ServeCommandTests.get(served.url + "events?q=pg-served-order-1")
            #expect(list.status == 200)
            #expect(list.body.contains("pg-served-order-1"))
            let output = try await served.stop()
            #expect(served.process.terminationStatus == 0, "\(output)")
            // The URL's credentials appear nowhere: neither in the output nor on a page.
            let password = try PostgresEventStore.clientConfiguration(url: try Self.url).password ?? "no password"
            for text in [output, overview.body, list.body] where password != "no password" {
                #expect(!text.contains(password))
            }
        }
    }

    @Test func refusesADatabaseWithoutTheStoreAndCreatesNothing() async throws {
        let schema = Self.uniqueSchema()
        try await Self.withClient(dropping: schema) { client in
            let result = try await CAPIBinary.launch([
                "serve", "--port", "0", "--store", try Self.url, "--postgres-schema", schema,
            ])
            #expect(result.status != 0)
            #expect(result.stderr.contains("no \(schema) schema"), "\(result.stderr)")
            #expect(try await Self.schemaExists(schema, client: client) == false)
        }
    }
}
