import Benchmark
import CAPIModel
import Delivery
import DeliverySQLite
import Foundation
import Matching
import RoasProof

/// The one-call conversion path as a checkout handler sees it: `CAPIClient.send` (user_data
/// assembled and hashed, event_id derived, durable enqueue) from 64 concurrent callers on a
/// SQLite store, each call timed on its own. Reports p50 and p99 per call as custom metrics
/// (microseconds) besides the wall-clock time of all calls.
func registerOneCallLatencyBenchmark() {
    Benchmark(
        "One-call conversion path: CAPIClient.send from 64 concurrent callers, SQLite (3,200 conversions)",
        configuration: .init(
            metrics: [.wallClock, .custom("p50 per call (µs)"), .custom("p99 per call (µs)")],
            warmupIterations: 1, maxDuration: .seconds(30), maxIterations: 6)
    ) { benchmark in
        try await withScratchDirectory { directory in
            let store = try await SQLiteEventStore.open(path: directory + "/client.sqlite")
            // No worker runs (the client is not run): only what the handler waits for is timed.
            let capi = CAPIClient(
                destinations: [.init(pixel: PixelDestination(pixelID: "1234567890", accessToken: AccessToken("bench")))],
                store: store)
            let callers = 64
            let perCaller = 50
            let iteration = Int.random(in: 0..<Int.max)
            benchmark.startMeasurement()
            let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
                for caller in 0..<callers {
                    group.addTask {
                        var times: [Duration] = []
                        times.reserveCapacity(perCaller)
                        for index in 0..<perCaller {
                            let number = caller * perCaller + index
                            let started = ContinuousClock.now
                            try await capi.send(
                                .purchase(
                                    orderID: "\(iteration)-\(number)", value: 49.9, currency: "EUR",
                                    sourceURL: "https://shop.example/checkout/done"),
                                customer: OneCallCustomers.customer(number), session: OneCallCustomers.session(number))
                            times.append(ContinuousClock.now - started)
                        }
                        return times
                    }
                }
                var all: [Duration] = []
                for try await times in group { all += times }
                return all
            }
            benchmark.stopMeasurement()
            let sorted = latencies.sorted()
            func microseconds(_ duration: Duration) -> Int {
                Int(duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000)
            }
            benchmark.measurement(.custom("p50 per call (µs)"), microseconds(sorted[sorted.count / 2]))
            benchmark.measurement(.custom("p99 per call (µs)"), microseconds(sorted[sorted.count * 99 / 100]))
            try await store.close()
        }
    }
}

/// Varied customers for the one-call benchmark: mixed-case emails with spaces, phones of
/// several regions in national form with the country, names in several scripts.
enum OneCallCustomers {
    static let countries = ["France", "DE", "United Kingdom", "US", "Japan", "Brazil", "India", "España"]
    static let phones = [
        "06 12 34 56 78", "0151 1234 5678", "020 7946 0958", "(415) 555-0132", "090-1234-5678",
        "(11) 91234-5678", "098765 43210", "612 34 56 78",
    ]
    static let firstNames = ["Jean-Luc", "Zoë", "Søren", "Ana María", "Łukasz", "健太", "Olúwaseun", "Émilie"]

    static func customer(_ number: Int) -> CustomerRecord {
        let region = number % countries.count
        return CustomerRecord(
            emails: [" Customer.\(number)@Example-Mail.com "], phones: [phones[region]],
            firstName: firstNames[number % firstNames.count],
            lastName: "O'Connor", city: "San José", zipCode: "98121", country: countries[region], userID: "user-\(number)")
    }

    static func session(_ number: Int) -> SessionContext {
        SessionContext(
            consent: .granted, fbcCookie: "fb.1.1712345678901.IwAR-\(number)", fbpCookie: "fb.1.1712345678000.\(number)",
            clientIPAddresses: [IPAddress("203.0.113.\(number % 250 + 1)")!],
            userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5)")
    }
}
