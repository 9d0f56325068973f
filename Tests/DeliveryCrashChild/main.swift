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
import DeliveryTesting
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
        let destination = ChildProcess.destination(token: "crash-test-token", baseURL: arguments[2])
        let configuration = ChildProcess.workerConfiguration(batchSize: 50, maximumConcurrentRequests: 2)
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
                ChildProcess.say("ACK \(index) \(end - 1)")
                index = end
                single.toggle()
            }
            while try await queue.counts().undelivered > 0 {
                try await Task.sleep(for: .milliseconds(20))
            }
            ChildProcess.say("DRAINED")
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
}
