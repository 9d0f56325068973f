// The queries behind the operator console, over a SQLite store of 1,000,000 events. Run from the
// repository root:
//
//   swift package --package-path Benchmarks benchmark --target ConsoleBenchmarks
//
// Each benchmark runs one query (or renders one page) per iteration; wall clock is per query.
// The store is built on the first run (see MillionEventStore.swift).
import Benchmark
import CAPIModel
import Delivery
import DeliveryConsole
import DeliverySQLite

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident], warmupIterations: 3, maxDuration: .seconds(5),
        maxIterations: 200)

    let firstPixel = MillionEventStore.pixels[0]
    let pages: [(String, EventFilter, EventRecordID?)] = [
        ("first page, every event", EventFilter(), nil),
        ("a page 900,000 events deep", EventFilter(), EventRecordID(900_000)),
        ("parked events of one pixel (0.5 %)", EventFilter(pixelID: firstPixel, state: .parked), nil),
        ("parked events of one pixel, 900,000 deep", EventFilter(pixelID: firstPixel, state: .parked), EventRecordID(900_000)),
        ("one event name (25 %)", EventFilter(eventName: .completeRegistration), nil),
        ("search by event_id", EventFilter(eventID: MillionEventStore.eventID(654_321)), nil),
    ]
    for (label, filter, cursor) in pages {
        Benchmark("Event list of 50 over 1,000,000 events: \(label)") { benchmark in
            let store = try await MillionEventStore.open()
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                let page = try await store.events(matching: filter, after: cursor, limit: 50)
                let receipts = try await store.latestAttempts(for: page.map(\.id))
                blackHole((page, receipts))
            }
            benchmark.stopMeasurement()
            try await store.close()
        }
    }

    // The same pages as a browser gets them: the console's query, receipts and HTML.
    let consolePages: [(String, String)] = [
        ("event list, first page", "/events"),
        ("event list, parked events of one pixel", "/events?state=parked&pixel=\(firstPixel)"),
        ("event list, one event name, 900,000 deep", "/events?name=CompleteRegistration&after=900000"),
        ("event list, search by event_id", "/events?q=\(MillionEventStore.eventID(654_321))"),
        ("event page", "/events/654321"),
        ("overview", "/"),
    ]
    for (label, target) in consolePages {
        Benchmark("Console page over 1,000,000 events: \(label)") { benchmark in
            let store = try await MillionEventStore.open()
            let console = DeliveryConsole(store: store, queue: DeliveryQueue(store: store))
            let request = ConsoleRequest(method: "GET", target: target, headers: [("Host", "127.0.0.1")])
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                let response = await console.respond(to: request)
                precondition(response.status == 200, "\(target) answered \(response.status)")
                blackHole(response)
            }
            benchmark.stopMeasurement()
            try await store.close()
        }
    }

    Benchmark("Overview counts over 1,000,000 events (per pixel and state)") { benchmark in
        let store = try await MillionEventStore.open()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for pixel in MillionEventStore.pixels { blackHole(try await store.counts(pixel: pixel)) }
        }
        benchmark.stopMeasurement()
        try await store.close()
    }
}
