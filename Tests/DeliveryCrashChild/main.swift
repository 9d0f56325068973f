// A child process for the SIGKILL crash test (not a product).
//
//   DeliveryCrashChild <db-path> <base-url> <first-index> <count> <batch>
//
// It opens the SQLite store, runs a delivery worker against <base-url>, enqueues events
// `crash-<i>` for i in first-index ..< first-index + count (alternating batched and
// single-event enqueues), and prints `ACK <from> <to>` after each enqueue returns (the events
// are durable then). With count 0 it only drains. When nothing is left undelivered it prints
// `DRAINED` and exits 0. The parent kills it with SIGKILL at random points.
import CAPIModel
import Delivery
import DeliveryHTTP
import DeliverySQLite
import Identity
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct DeliveryCrashChild {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 6, let first = Int(arguments[3]), let count = Int(arguments[4]),
            let batch = Int(arguments[5])
        else {
            print("usage: DeliveryCrashChild <db-path> <base-url> <first-index> <count> <batch>")
            exit(2)
        }
        let store = try await SQLiteEventStore.open(path: arguments[1])
        var destination = PixelDestination(pixelID: "1234567890", accessToken: AccessToken("crash-test-token"))
        destination.baseURL = arguments[2]
        var configuration = DeliveryWorker.Configuration()
        configuration.batchSize = 50
        configuration.maximumConcurrentRequests = 2
        configuration.idlePollInterval = .milliseconds(50)
        configuration.retryPolicy.initialBackoff = .milliseconds(20)
        configuration.retryPolicy.maximumBackoff = .milliseconds(200)
        configuration.retryPolicy.maximumAttempts = 1_000
        let queue = DeliveryQueue(store: store)
        let worker = DeliveryWorker(
            queue: queue, transport: AsyncHTTPClientTransport(), destinations: [destination], configuration: configuration)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            var index = first
            var single = false
            while index < first + count {
                let end = single ? index + 1 : min(index + batch, first + count)
                let events = (index..<end).map { event("crash-\($0)") }
                if single {
                    try await queue.enqueue(events[0], pixel: destination.pixelID)
                } else {
                    try await queue.enqueue(contentsOf: events, pixel: destination.pixelID)
                }
                say("ACK \(index) \(end - 1)")
                index = end
                single.toggle()
            }
            while try await queue.counts().undelivered > 0 {
                try await Task.sleep(for: .milliseconds(20))
            }
            say("DRAINED")
            group.cancelAll()
        }
        try await store.close()
    }

    static func event(_ id: String) -> ServerEvent {
        ServerEvent(
            eventName: .purchase, eventTime: Timestamp.now, actionSource: .website,
            userData: UserData(
                emails: [HashedIdentifier(digest: SHA256.hash("\(id)@example.com"))], clientUserAgent: "Mozilla/5.0"),
            customData: CustomData(value: 10, currency: "USD"), eventID: id, eventSourceURL: "https://shop.example.com/")
    }

    /// Writes a line straight to the file descriptor (no buffering to lose on SIGKILL).
    static func say(_ line: String) {
        var bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                write(1, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written <= 0 { return }
            offset += written
        }
    }
}
