// PostgreSQL store benchmarks (issue 6). They need a server; run them from the repository root
// under the throwaway-server script:
//
//   Scripts/with-postgres.sh bash -c 'cd Benchmarks && swift package --disable-sandbox benchmark --target DeliveryPostgresBenchmarks'
//
// Every benchmark reports wall-clock time per run for a fixed number of events (in its name);
// events per second = events in the name / seconds per run. "Workers" are independent app
// instances: each has its own PostgresEventStore (its own connection pool) and DeliveryWorker,
// all sharing one schema; here they run in one process, beside the fake Graph server.
import AsyncHTTPClient
import Benchmark
import BenchmarkEvents
import CAPIModel
import Delivery
import DeliveryHTTP
import DeliveryPostgres
import DeliverySQLite
import FakeGraphAPI
import Foundation
import Identity
import PostgresNIO

let benchmarks: @Sendable () -> Void = {
    guard let url = ProcessInfo.processInfo.environment["ROASPROOF_POSTGRES_URL"], !url.isEmpty else {
        FileHandle.standardError.write(
            Data(
                """
                DeliveryPostgresBenchmarks needs a PostgreSQL server. Run them with a throwaway one:
                  Scripts/with-postgres.sh bash -c 'cd Benchmarks && swift package --disable-sandbox benchmark --target DeliveryPostgresBenchmarks'
                or set ROASPROOF_POSTGRES_URL=postgres://user[:password]@host:port/database.

                """.utf8))
        exit(1)
    }
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident],
        warmupIterations: 1, maxDuration: .seconds(30), maxIterations: 6)

    Benchmark("PostgreSQL: durable append only, pre-encoded events (20,000 events in calls of 1,000)") { benchmark in
        let encoder = FastServerEventEncoder()
        let batches = try (0..<20).map { batch in
            try (0..<1_000).map { index in try Events.pending(Events.purchase(batch * 1_000 + index), encoder: encoder) }
        }
        try await withScratchPostgresStores(count: 1, url: url) { stores in
            benchmark.startMeasurement()
            for batch in batches { _ = try await stores[0].append(batch, at: Timestamp(milliseconds: 0)) }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("PostgreSQL: durable enqueue, batched API (20,000 events in calls of 1,000)") { benchmark in
        let batches = (0..<20).map { batch in (0..<1_000).map { Events.purchase(batch * 1_000 + $0) } }
        try await withScratchPostgresStores(count: 1, url: url) { stores in
            let queue = DeliveryQueue(store: stores[0])
            benchmark.startMeasurement()
            for batch in batches { try await queue.enqueue(contentsOf: batch, pixel: Events.pixel) }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("PostgreSQL: single-event enqueue from 64 concurrent tasks (12,800 events)") { benchmark in
        let events = (0..<64).map { task in (0..<200).map { Events.purchase(task * 200 + $0) } }
        try await withScratchPostgresStores(count: 1, url: url, maximumConnections: 20) { stores in
            let queue = DeliveryQueue(store: stores[0])
            benchmark.startMeasurement()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for taskEvents in events {
                    group.addTask { for event in taskEvents { try await queue.enqueue(event, pixel: Events.pixel) } }
                }
                try await group.waitForAll()
            }
            benchmark.stopMeasurement()
        }
    }

    for workers in [1, 2, 4] {
        Benchmark(
            "PostgreSQL: end to end, \(workers) worker\(workers == 1 ? "" : "s"), 20,000 queued events to the loopback fake server in batches of 1,000"
        ) { benchmark in
            try await withScratchPostgresStores(count: workers, url: url) { stores in
                try await deliver(queued: 20_000, stores: stores, benchmark: benchmark)
            }
        }
    }

    Benchmark("SQLite baseline (same run): end to end, 1 worker, 20,000 queued events in batches of 1,000") { benchmark in
        let directory = FileManager.default.temporaryDirectory.path + "/roasproof-bench-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withSQLiteEventStore(path: directory + "/events.sqlite") { store in
            try await deliver(queued: 20_000, stores: [store], benchmark: benchmark)
        }
    }
}

/// Queues `queued` events through the first store (not measured), then measures `stores.count`
/// workers, one per store, delivering all of them over HTTP to a FakeGraphAPI on loopback.
func deliver(queued: Int, stores: [any EventStore], benchmark: Benchmark) async throws {
    let queue = DeliveryQueue(store: stores[0], configuration: Events.fastQueueConfiguration)
    try await Events.enqueue(queued, into: queue)
    try await withFakeGraphAPI { server in
        let destination = Events.destination(baseURL: server.baseURL)
        var configuration = Events.workerConfiguration
        configuration.idlePollInterval = .milliseconds(100)
        let workers = stores.map { store in
            DeliveryWorker(
                queue: DeliveryQueue(store: store), transport: AsyncHTTPClientTransport(), destinations: [destination],
                configuration: configuration)
        }
        benchmark.startMeasurement()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in workers { group.addTask { try await worker.run() } }
            while server.acceptedEventCount < queued {
                try await Task.sleep(for: .milliseconds(5))
            }
            benchmark.stopMeasurement()
            group.cancelAll()
        }
        if server.acceptedEventCount != queued {
            FileHandle.standardError.write(Data("note: \(server.acceptedEventCount - queued) duplicate deliveries\n".utf8))
        }
    }
}

/// Runs `count` started stores (each with its own pool) on one fresh schema, then drops it.
func withScratchPostgresStores<T: Sendable>(
    count: Int, url: String, maximumConnections: Int = 8, _ body: ([PostgresEventStore]) async throws -> T
) async throws -> T {
    var client = try PostgresEventStore.clientConfiguration(url: url)
    client.options.maximumConnections = maximumConnections
    var configuration = PostgresEventStore.Configuration()
    configuration.schema = "rp_bench_" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
    let stores = (0..<count).map { _ in PostgresEventStore(clientConfiguration: client, configuration: configuration) }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        for store in stores { group.addTask { try await store.run() } }
        defer { group.cancelAll() }
        for store in stores { _ = try await store.schemaVersion() }  // wait for the migration
        do {
            let value = try await body(stores)
            try await stores[0].client.query("DROP SCHEMA \(unescaped: configuration.schema) CASCADE")
            return value
        } catch {
            _ = try? await stores[0].client.query("DROP SCHEMA \(unescaped: configuration.schema) CASCADE")
            throw error
        }
    }
}
