import CAPIModel
import Delivery
import DeliveryTesting
import InMemoryLogging
import Logging
import MetricsTestKit
import Synchronization

/// A worker over the in-memory store, a manual clock and a scripted transport.
struct WorkerHarness {
    let memory = InMemoryEventStore()
    var store: any EventStore { memory }
    let clock = ManualDeliveryClock(now: Fixtures.t0)
    let transport: any Transport
    let recording: RecordingTransport
    let logs = InMemoryLogHandler()
    let metrics = TestMetrics()
    let queue: DeliveryQueue
    let worker: DeliveryWorker

    init(transport custom: (any Transport)? = nil, configure: (inout DeliveryWorker.Configuration) -> Void = { _ in }) {
        let recording = RecordingTransport()
        self.recording = recording
        self.transport = custom ?? recording
        var handler = logs
        handler.logLevel = .trace
        let logger = Logger(label: "test") { _ in handler }
        queue = DeliveryQueue(store: memory, clock: clock, logger: logger, metricsFactory: metrics)
        var configuration = DeliveryWorker.Configuration()
        configuration.idlePollInterval = .seconds(3_600)
        configure(&configuration)
        worker = DeliveryWorker(
            queue: queue, transport: transport, destinations: [Fixtures.destination], configuration: configuration,
            clock: clock, logger: logger, metricsFactory: metrics)
    }

    /// Runs the worker while `body` runs, then cancels it.
    func run(_ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            try await body()
            group.cancelAll()
        }
    }

    func enqueue(_ ids: [String], at time: Timestamp = Fixtures.t0) async throws {
        try await queue.enqueue(contentsOf: ids.map { Fixtures.purchase($0, at: time) }, pixel: Fixtures.pixel)
    }

    func status(_ eventID: String) async throws -> EventStatusReport? {
        try await store.status(of: EventKey(pixelID: Fixtures.pixel, eventName: .purchase, eventID: eventID))
    }

    /// Everything logged, as one string, to look for secrets.
    var allLogText: String {
        logs.entries.map { "\($0.level) \($0.message) \($0.metadata)" }.joined(separator: "\n")
    }
}

struct TimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Waits (briefly yielding) until `condition` holds; the worker runs on other tasks.
/// Logical time never moves here: only the manual clock moves it.
func eventually(
    _ what: String = "condition", within attempts: Int = 20_000, _ condition: () async throws -> Bool
) async throws {
    for _ in 0..<attempts {
        if try await condition() { return }
        try await Task.sleep(for: .microseconds(500))
    }
    throw TimedOut(what: what)
}

/// A transport whose requests wait until the test lets them go.
final class GatedTransport: Transport, Sendable {
    private let state = Mutex<(waiting: [CheckedContinuation<Void, Never>], open: Bool, started: Int)>(([], false, 0))

    var started: Int { state.withLock { $0.started } }

    func open() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let go = state.withLock { state -> Bool in
                state.started += 1
                if state.open { return true }
                state.waiting.append(continuation)
                return false
            }
            if go { continuation.resume() }
        }
        return RecordingTransport.success(eventCount: RecordingTransport.eventIDs(in: request.body).count)
    }
}
