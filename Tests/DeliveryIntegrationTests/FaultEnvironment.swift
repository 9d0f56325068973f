import AsyncHTTPClient
import CAPIModel
import Delivery
import DeliveryHTTP
import DeliverySQLite
import DeliveryTesting
import FakeGraphAPI
import Identity
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A SQLite file, a FakeGraphAPI on loopback and a manual clock, with workers that can be
/// started and stopped against any base URL (so a worker can first meet an endpoint that
/// never answers, then a healthy one, over the same store).
struct FaultEnvironment {
    let directory: String
    let store: SQLiteEventStore
    let server: FakeGraphAPI
    let clock: ManualDeliveryClock
    let queue: DeliveryQueue
    var databasePath: String { directory + "/capi.sqlite" }

    static func with(
        storeConfiguration: SQLiteEventStore.Configuration = SQLiteEventStore.Configuration(),
        _ body: (FaultEnvironment) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.path + "/roasproof-fault-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = ManualDeliveryClock(now: Timestamp(milliseconds: 1_767_225_600_000))
        var serverConfiguration = FakeGraphAPI.Configuration()
        serverConfiguration.appSecret = Real.secret
        serverConfiguration.acceptedAccessTokens = [Real.token]
        serverConfiguration.currentTime = { clock.now }
        try await withFakeGraphAPI(configuration: serverConfiguration) { server in
            try await withSQLiteEventStore(path: directory + "/capi.sqlite", configuration: storeConfiguration) { store in
                let queue = DeliveryQueue(store: store, clock: clock)
                try await body(
                    FaultEnvironment(directory: directory, store: store, server: server, clock: clock, queue: queue))
            }
        }
    }

    func destination(
        baseURL: String? = nil, token: String = Real.token, graphVersion: String = PixelDestination.defaultGraphVersion
    ) -> PixelDestination {
        var destination = PixelDestination(pixelID: Real.pixel, accessToken: AccessToken(token))
        destination.appSecret = AppSecret(Real.secret)
        destination.baseURL = baseURL ?? server.baseURL
        destination.graphVersion = graphVersion
        return destination
    }

    /// A worker whose retries land far in the future (up to an hour of jitter), so an event
    /// that just failed is not due again until the test moves the clock.
    func worker(
        baseURL: String? = nil, graphVersion: String = PixelDestination.defaultGraphVersion,
        configure: (inout DeliveryWorker.Configuration) -> Void = { _ in }
    ) -> DeliveryWorker {
        var configuration = DeliveryWorker.Configuration()
        configuration.idlePollInterval = .seconds(3 * 3_600)
        configuration.requestTimeout = .seconds(10)
        configuration.retryPolicy.initialBackoff = .seconds(3_600)
        configuration.retryPolicy.maximumBackoff = .seconds(3_600)
        configure(&configuration)
        return DeliveryWorker(
            queue: queue, transport: AsyncHTTPClientTransport(),
            destinations: [destination(baseURL: baseURL, graphVersion: graphVersion)],
            configuration: configuration, clock: clock)
    }

    func enqueue(_ ids: [String]) async throws {
        try await queue.enqueue(contentsOf: ids.map { Real.purchase($0, at: clock.now) }, pixel: Real.pixel)
    }

    func status(_ eventID: String) async throws -> EventStatusReport? {
        try await store.status(of: EventKey(pixelID: Real.pixel, eventName: .purchase, eventID: eventID))
    }

    func history(_ eventID: String) async throws -> [AttemptReceipt] {
        guard let report = try await status(eventID) else { return [] }
        return try await store.attempts(for: report.id).map(\.receipt)
    }

    func reports(_ ids: [String]) async throws -> [String: EventStatusReport] {
        var reports: [String: EventStatusReport] = [:]
        for id in ids { reports[id] = try await status(id) }
        return reports
    }
}

/// Runs `worker` while `body` runs, then cancels it.
func running(_ worker: DeliveryWorker, _ body: () async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await worker.run() }
        do {
            try await body()
        } catch {
            group.cancelAll()
            throw error
        }
        group.cancelAll()
    }
}

/// A loopback port whose accept queue is full: the kernel answers no more handshakes, so a
/// connection attempt hangs until the client's connect timeout or deadline.
final class HangingListener: Sendable {
    let port: Int
    private let descriptors: [Int32]

    var baseURL: String { "http://127.0.0.1:\(port)" }

    init() throws {
        struct SocketError: Error { let step: String }
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw SocketError(step: "socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 0) == 0 else { throw SocketError(step: "bind/listen") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        // Fill the accept queue (backlog 0 holds one connection); nobody ever accepts.
        var fillers: [Int32] = []
        for _ in 0..<3 {
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            _ = fcntl(filler, F_SETFL, fcntl(filler, F_GETFL) | O_NONBLOCK)
            var target = address
            _ = withUnsafePointer(to: &target) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            fillers.append(filler)
        }
        self.port = port
        self.descriptors = [listener] + fillers
    }

    deinit {
        for descriptor in descriptors { close(descriptor) }
    }
}
