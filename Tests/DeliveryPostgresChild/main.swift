// A worker process for the multi-instance test (not a product).
//
//   DeliveryPostgresChild <postgres-url> <schema> <graph-base-url> <worker-name>
//
// It runs a PostgresEventStore and a DeliveryWorker in one ServiceGroup, the way an app
// instance would, and delivers whatever the shared queue holds to <graph-base-url> with the
// access token `token-<worker-name>` (so the fake server can tell the workers apart). It prints
// `READY` once the store has migrated, and `STOPPED` after a graceful shutdown (SIGTERM).
// The parent kills one of them with SIGKILL mid-run.
import Delivery
import DeliveryHTTP
import DeliveryPostgres
import DeliveryTesting
import Logging
import PostgresNIO
import ServiceLifecycle
import UnixSignals
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct DeliveryPostgresChild {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 5 else {
            ChildProcess.say("usage: DeliveryPostgresChild <postgres-url> <schema> <graph-base-url> <worker-name>")
            exit(2)
        }
        var client = try PostgresEventStore.clientConfiguration(url: arguments[1])
        client.options.maximumConnections = 4
        var storeConfiguration = PostgresEventStore.Configuration()
        storeConfiguration.schema = arguments[2]
        let store = PostgresEventStore(clientConfiguration: client, configuration: storeConfiguration)

        let destination = ChildProcess.destination(token: "token-\(arguments[4])", baseURL: arguments[3])
        var configuration = ChildProcess.workerConfiguration(
            batchSize: Int(env("CHILD_BATCH_SIZE") ?? "") ?? 100,
            maximumConcurrentRequests: Int(env("CHILD_CONCURRENCY") ?? "") ?? 2)
        configuration.leaseDuration = .seconds(5)
        configuration.requestTimeout = .seconds(2)
        let queue = DeliveryQueue(store: store)
        let worker = DeliveryWorker(
            queue: queue, transport: AsyncHTTPClientTransport(), destinations: [destination], configuration: configuration)

        let group = ServiceGroup(
            services: [store, worker], gracefulShutdownSignals: [.sigterm],
            logger: Logger(label: "child", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            _ = try await store.schemaVersion()  // waits for the migration
            ChildProcess.say("READY")
            try await tasks.waitForAll()
        }
        ChildProcess.say("STOPPED")
    }

    static func env(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
