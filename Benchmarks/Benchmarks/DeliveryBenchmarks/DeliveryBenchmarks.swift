// Delivery benchmarks (issue 5). Run from the repository root:
//
//   swift package --package-path Benchmarks benchmark --target DeliveryBenchmarks
//
// Every benchmark reports wall-clock time per run for a fixed number of events (in its name);
// events per second = events in the name / seconds per run.
import AsyncHTTPClient
import Benchmark
import BenchmarkEvents
import CAPIModel
import Delivery
import DeliveryHTTP
import DeliverySQLite
import FakeGraphAPI
import Foundation
import Identity
import Matching
import SQLiteNIO

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident],
        warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 8)

    registerOneCallLatencyBenchmark()

    // MARK: Durable enqueue into SQLite, beside a raw SQLite baseline

    Benchmark("SQLite baseline: raw multi-row INSERT, durable commit per 1,000 rows (20,000 rows)") { benchmark in
        try await withScratchDirectory { directory in
            let connection = try await SQLiteConnection.open(storage: .file(path: directory + "/raw.sqlite"))
            _ = try await connection.query("PRAGMA journal_mode = WAL")
            _ = try await connection.query("PRAGMA synchronous = FULL")
            _ = try await connection.query("CREATE TABLE raw (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
            let payload = try FastServerEventEncoder().encode(Events.purchase(0))
            let placeholders = Array(repeating: "(?)", count: 500).joined(separator: ",")
            let binds = Array(repeating: SQLiteData.text(payload), count: 500)
            benchmark.startMeasurement()
            for _ in 0..<20 {
                _ = try await connection.query("BEGIN IMMEDIATE")
                for _ in 0..<2 { _ = try await connection.query("INSERT INTO raw (payload) VALUES \(placeholders)", binds) }
                _ = try await connection.query("COMMIT")
            }
            benchmark.stopMeasurement()
            try await connection.close()
        }
    }

    for (label, encoder) in [
        ("FastServerEventEncoder", FastServerEventEncoder() as any ServerEventEncoder),
        ("Foundation JSONEncoder", FoundationServerEventEncoder()),
    ] {
        Benchmark("Durable enqueue, batched API, \(label) (20,000 events in calls of 1,000)") { benchmark in
            let batches = (0..<20).map { batch in (0..<1_000).map { Events.purchase(batch * 1_000 + $0) } }
            try await withScratchStore { store in
                var configuration = DeliveryQueue.Configuration()
                configuration.encoder = encoder
                let queue = DeliveryQueue(store: store, configuration: configuration)
                benchmark.startMeasurement()
                for batch in batches {
                    try await queue.enqueue(contentsOf: batch, pixel: Events.pixel)
                }
                benchmark.stopMeasurement()
            }
        }
    }

    // About 100 MB of WAL: SQLite checkpoints (every 4,000 pages, 64 MiB with the default
    // 16 KiB pages) inside the measured window, so this is a sustained rate, where the
    // 20,000-event run above can finish before the first checkpoint.
    Benchmark(
        "Durable enqueue, batched API, sustained (100,000 events in calls of 1,000)",
        configuration: .init(maxDuration: .seconds(30), maxIterations: 5)
    ) { benchmark in
        let batches = (0..<100).map { batch in (0..<1_000).map { Events.purchase(batch * 1_000 + $0) } }
        try await withScratchStore { store in
            let queue = DeliveryQueue(store: store, configuration: Events.fastQueueConfiguration)
            benchmark.startMeasurement()
            for batch in batches { try await queue.enqueue(contentsOf: batch, pixel: Events.pixel) }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("Durable append only, pre-encoded events (20,000 events in calls of 1,000)") { benchmark in
        let encoder = FastServerEventEncoder()
        let batches = try (0..<20).map { batch in
            try (0..<1_000).map { index in try Events.pending(Events.purchase(batch * 1_000 + index), encoder: encoder) }
        }
        try await withScratchStore { store in
            benchmark.startMeasurement()
            for batch in batches { _ = try await store.append(batch, at: Timestamp(milliseconds: 0)) }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("Prepare only: validate and encode, no store (20,000 events in calls of 1,000)") { benchmark in
        let batches = (0..<20).map { batch in (0..<1_000).map { Events.purchase(batch * 1_000 + $0) } }
        try await withScratchStore { store in
            let queue = DeliveryQueue(store: store, configuration: Events.fastQueueConfiguration)
            benchmark.startMeasurement()
            for batch in batches { blackHole(try queue.prepare(batch, pixel: Events.pixel)) }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("Durable enqueue, single-event API from 64 concurrent tasks, group commit (12,800 events)") { benchmark in
        let events = (0..<64).map { task in (0..<200).map { Events.purchase(task * 200 + $0) } }
        try await withScratchStore { store in
            let queue = DeliveryQueue(store: store, configuration: Events.fastQueueConfiguration)
            benchmark.startMeasurement()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for taskEvents in events {
                    group.addTask {
                        for event in taskEvents { try await queue.enqueue(event, pixel: Events.pixel) }
                    }
                }
                try await group.waitForAll()
            }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("Baseline: single-event enqueue, one task, one durable commit per event (1,000 events)") { benchmark in
        let events = (0..<1_000).map { Events.purchase($0) }
        try await withScratchStore { store in
            let queue = DeliveryQueue(store: store, configuration: Events.fastQueueConfiguration)
            benchmark.startMeasurement()
            for event in events { try await queue.enqueue(event, pixel: Events.pixel) }
            benchmark.stopMeasurement()
        }
    }

    // MARK: Encoding

    Benchmark("Encode 1,000 events: Foundation JSONEncoder (whole EventRequest)") { benchmark in
        let request = EventRequest(data: (0..<1_000).map { Events.purchase($0) })
        benchmark.startMeasurement()
        blackHole(try CAPIJSON.encode(request))
    }

    Benchmark("Encode 1,000 events: Foundation JSONEncoder (one event at a time)") { benchmark in
        let events = (0..<1_000).map { Events.purchase($0) }
        let encoder = FoundationServerEventEncoder()
        benchmark.startMeasurement()
        for event in events { blackHole(try encoder.encode(event)) }
    }

    Benchmark("Encode 1,000 events: FastServerEventEncoder (one event at a time)") { benchmark in
        let events = (0..<1_000).map { Events.purchase($0) }
        let encoder = FastServerEventEncoder()
        benchmark.startMeasurement()
        for event in events { blackHole(try encoder.encode(event)) }
    }

    Benchmark("Validate 1,000 events for delivery (EventValidator.forDelivery)") { benchmark in
        let events = (0..<1_000).map { Events.purchase($0) }
        let validator = EventValidator.forDelivery()
        let now = Events.start
        benchmark.startMeasurement()
        for (index, event) in events.enumerated() { blackHole(validator.issues(of: event, index: index, now: now)) }
    }

    Benchmark("Assemble a 1,000-event request body from stored JSON (RequestBody.make)") { benchmark in
        let encoder = FastServerEventEncoder()
        let leased = try (0..<1_000).map { index in
            let pending = try Events.pending(Events.purchase(index), encoder: encoder)
            return LeasedEvent(
                id: EventRecordID(Int64(index)), key: pending.key, eventTime: pending.eventTime,
                actionSource: pending.actionSource, json: pending.json, attempts: 0, leaseToken: LeaseToken(1))
        }
        let destination = PixelDestination(pixelID: Events.pixel, accessToken: AccessToken("t"))
        benchmark.startMeasurement()
        blackHole(RequestBody.make(events: leased, destination: destination))
    }

    // MARK: End to end

    Benchmark(
        "End to end: 20,000 queued events delivered to the loopback fake server in batches of 1,000",
        configuration: .init(maxDuration: .seconds(30), maxIterations: 5)
    ) { benchmark in
        try await deliver(queued: 20_000, deliver: 20_000, benchmark: benchmark, validating: true)
    }

    Benchmark(
        "Peak memory: 100,000 events queued, then 20,000 delivered",
        configuration: .init(metrics: [.peakMemoryResident, .wallClock], warmupIterations: 0, maxIterations: 1)
    ) { benchmark in
        try await deliver(queued: 100_000, deliver: 20_000, benchmark: benchmark, validating: true)
    }

    Benchmark(
        "Peak memory: 1,000,000 events queued, then 20,000 delivered",
        configuration: .init(
            metrics: [.peakMemoryResident, .wallClock], warmupIterations: 0, maxIterations: 1,
            thresholds: nil)
    ) { benchmark in
        try await deliver(queued: 1_000_000, deliver: 20_000, benchmark: benchmark, validating: true)
    }
}

/// Fills a fresh store with `queued` events (not measured), then measures a worker
/// delivering `deliver` of them over HTTP to a FakeGraphAPI on loopback.
func deliver(queued: Int, deliver target: Int, benchmark: Benchmark, validating: Bool) async throws {
    try await withScratchStore { store in
        let queue = DeliveryQueue(store: store, configuration: Events.fastQueueConfiguration)
        try await Events.enqueue(queued, into: queue)
        try await withFakeGraphAPI { server in
            let destination = Events.destination(baseURL: server.baseURL)
            let configuration = Events.workerConfiguration
            let worker = DeliveryWorker(
                queue: queue, transport: AsyncHTTPClientTransport(), destinations: [destination], configuration: configuration)
            benchmark.startMeasurement()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await worker.run() }
                // Poll the server's counter: counting rows in a large store would compete with the worker.
                while server.acceptedEventCount < target {
                    try await Task.sleep(for: .milliseconds(5))
                }
                benchmark.stopMeasurement()
                group.cancelAll()
            }
        }
    }
}

func withScratchDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.path + "/roasproof-bench-\(UInt64.random(in: 0...UInt64.max))"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    return try await body(directory)
}

func withScratchStore<T: Sendable>(_ body: (SQLiteEventStore) async throws -> T) async throws -> T {
    try await withScratchDirectory { directory in
        try await withSQLiteEventStore(path: directory + "/events.sqlite", body)
    }
}
