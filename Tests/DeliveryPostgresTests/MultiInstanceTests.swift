import CAPIModel
import Delivery
import DeliveryPostgres
import FakeGraphAPI
import Identity
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The multi-instance test of issue 6: four worker processes share one PostgreSQL queue of
/// 20,000 events and one fake Graph API; one is killed with SIGKILL mid-run. Every event must
/// reach the server at least once. Events received twice (same event_id, which Meta
/// deduplicates) are attributed to the instance whose earlier copy was never settled: the killed
/// worker may cause at most what it had in flight, the survivors none.
@Suite("Four worker processes, one PostgreSQL queue", .serialized)
struct MultiInstanceTests {
    static let eventCount = 20_000
    static let workerCount = 4
    /// DeliveryPostgresChild's defaults: batches of 100, two requests in flight.
    static let batchSize = 100
    static let concurrency = 2

    static var childPath: String {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // On Linux the tests run from <build>/debug/RoasProofPackageTests.xctest.
        if directory.lastPathComponent.hasSuffix(".xctest") { directory.deleteLastPathComponent() }
        return directory.appendingPathComponent("DeliveryPostgresChild").path
    }

    final class Child: @unchecked Sendable {  // Process is not Sendable; used from one task at a time.
        let name: String
        let process = Process()
        let output = Pipe()
        private var buffered = ""

        init(name: String, arguments: [String]) throws {
            self.name = name
            process.executableURL = URL(fileURLWithPath: MultiInstanceTests.childPath)
            process.arguments = arguments
            process.standardOutput = output
            process.standardError = FileHandle.standardError
            try process.run()
        }

        /// Reads what the child printed so far (non-blocking) and returns every line.
        func lines() -> [String] {
            let handle = output.fileHandleForReading
            var flags = fcntl(handle.fileDescriptor, F_GETFL)
            flags |= O_NONBLOCK
            _ = fcntl(handle.fileDescriptor, F_SETFL, flags)
            var buffer = [UInt8](repeating: 0, count: 4_096)
            while true {
                let count = read(handle.fileDescriptor, &buffer, buffer.count)
                if count <= 0 { break }
                buffered += String(decoding: buffer[..<count], as: UTF8.self)
            }
            return buffered.split(separator: "\n").map(String.init)
        }

        func signal(_ signal: Int32) { _ = kill(process.processIdentifier, signal) }
    }

    static func purchase(_ id: String) -> ServerEvent {
        ServerEvent(
            eventName: .purchase, eventTime: Timestamp.now, actionSource: .website,
            userData: UserData(
                emails: [HashedIdentifier(digest: SHA256.hash("\(id)@example.com"))], clientUserAgent: "Mozilla/5.0"),
            customData: CustomData(value: 10, currency: "USD"), eventID: id, eventSourceURL: "https://shop.example.com/")
    }

    @Test func fourWorkersOneKilledEveryEventDeliveredDuplicatesBounded() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.childPath), "missing \(Self.childPath)")
        guard let url = PostgresTestDatabase.url else { throw PostgresTestDatabase.NotConfigured() }
        let schema = PostgresTestDatabase.uniqueSchema()
        try await PostgresTestDatabase.withSchema(schema) {
            try await withFakeGraphAPI { server in
                // Slow answers, so every worker has requests in flight when the kill lands.
                // The server counts events as accepted on arrival, before the delay: what a killed
                // worker had on the wire counts as delivered though it was never settled.
                server.inject(.delay(.milliseconds(40)), times: 5_000)

                let clientConfiguration = try PostgresTestDatabase.clientConfiguration()
                let storeConfiguration = PostgresTestDatabase.storeConfiguration(schema: schema)
                try await withPostgresEventStore(clientConfiguration: clientConfiguration, configuration: storeConfiguration) {
                    store in
                    let queue = DeliveryQueue(store: store)
                    var index = 0
                    while index < Self.eventCount {
                        let batch = (index..<min(index + 5_000, Self.eventCount)).map { Self.purchase("mi-\($0)") }
                        let result = try await queue.enqueue(contentsOf: batch, pixel: "1234567890")
                        #expect(result.insertedCount == batch.count)
                        index += batch.count
                    }
                }

                let children = try (0..<Self.workerCount).map { number in
                    try Child(name: "w\(number)", arguments: [url, schema, server.baseURL, "w\(number)"])
                }
                defer { for child in children where child.process.isRunning { child.signal(SIGKILL) } }
                try await eventually("all workers ready", within: 60) {
                    children.allSatisfy { $0.lines().contains("READY") }
                }

                // Mid-run: a quarter of the events accepted, and the victim busy.
                let victim = children[1]
                let victimToken = "token-\(victim.name)"
                try await eventually("a quarter delivered", within: 120) {
                    server.acceptedEventCount >= Self.eventCount / 4
                        && server.requests.contains { $0.accessToken == victimToken }
                }
                victim.signal(SIGKILL)
                victim.process.waitUntilExit()
                let killedAt = server.acceptedEventCount
                #expect(victim.process.terminationReason == .uncaughtSignal)
                #expect(killedAt < Self.eventCount, "the run was over before the kill")

                // The survivors finish the queue, including the victim's leases once they expire.
                try await eventually("every event delivered", within: 180) {
                    Set(server.acceptedEventIDs).count == Self.eventCount
                }
                let remaining = try await withPostgresEventStore(
                    clientConfiguration: clientConfiguration, configuration: storeConfiguration
                ) { store in
                    try await eventually("the queue drained", within: 60) {
                        try await store.counts(pixel: nil).undelivered == 0
                    }
                    return try await store.counts(pixel: nil)
                }

                // Graceful shutdown of the survivors (SIGTERM → ServiceGroup).
                for child in children where child !== victim { child.signal(SIGTERM) }
                for child in children where child !== victim {
                    let deadline = ContinuousClock.now + .seconds(30)
                    while child.process.isRunning && ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(10))
                    }
                    #expect(!child.process.isRunning, "\(child.name) did not stop on SIGTERM")
                    #expect(child.lines().contains("STOPPED"), "\(child.name) did not shut down gracefully")
                }

                let accepted = server.acceptedEventIDs
                let expected = Set((0..<Self.eventCount).map { "mi-\($0)" })
                let missing = expected.subtracting(accepted)
                #expect(missing.isEmpty, "never delivered: \(missing.sorted().prefix(10))")
                #expect(remaining == EventCounts(delivered: Self.eventCount))
                // Attribute every duplicate to the instance whose copy came before it (see
                // DuplicateAttribution): the victim may cause up to what it had leased and not
                // settled when it died; a survivor may cause none.
                let deliveries = server.requests.filter { $0.responseStatus == 200 }.map {
                    DuplicateAttribution.Delivery(sender: $0.accessToken ?? "?", eventIDs: $0.eventIDs)
                }
                let attribution = DuplicateAttribution(deliveries)
                #expect(attribution.receiptCount == accepted.count, "the request log and the accepted events disagree")
                let bound = Self.concurrency * Self.batchSize
                var perWorker: [String: Int] = [:]
                for delivery in deliveries { perWorker[delivery.sender, default: 0] += delivery.eventIDs.count }
                print(
                    """
                    multi-instance: \(Self.eventCount) events, \(Self.workerCount) worker processes, \
                    \(victimToken) killed with SIGKILL after \(killedAt) events were accepted; \
                    \(attribution.summary(victim: victimToken)); \
                    bound for the killed worker \(bound) (its in-flight capacity: \(Self.concurrency) requests × \(Self.batchSize)); \
                    events sent per worker: \(perWorker.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
                    """)
                for violation in attribution.violations(victim: victimToken, inFlightCapacity: bound) {
                    Issue.record("\(violation)")
                }
            }
        }
    }
}
