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

enum Real {
    static let pixel: PixelID = "1234567890"
    static let token = "EAAGtokenForIntegration"
    static let secret = "integration-app-secret"
    static let email = "buyer@example.com"

    static func purchase(_ eventID: String, at time: Timestamp) -> ServerEvent {
        ServerEvent(
            eventName: .purchase, eventTime: time.wholeSeconds, actionSource: .website,
            userData: UserData(
                emails: [HashedIdentifier(digest: SHA256.hash(email))], clientIPAddress: "203.0.113.9",
                clientUserAgent: "Mozilla/5.0 (X11; Linux x86_64)"),
            customData: CustomData(value: 19.99, currency: "USD"), eventID: eventID,
            eventSourceURL: "https://shop.example.com/thanks")
    }
}

/// Real HTTP (AsyncHTTPClient → FakeGraphAPI on loopback) and a real SQLite file; time is a
/// manual clock that the fake server shares for its event_time window.
struct IntegrationHarness {
    let directory: String
    let store: SQLiteEventStore
    let server: FakeGraphAPI
    let clock: ManualDeliveryClock
    let queue: DeliveryQueue
    let worker: DeliveryWorker

    static func with(
        appSecretOnServer: String? = Real.secret, acceptedTokens: Set<String>? = [Real.token],
        configure: (inout DeliveryWorker.Configuration) -> Void = { _ in },
        body: (IntegrationHarness) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.path + "/roasproof-it-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = ManualDeliveryClock(now: Timestamp(milliseconds: 1_767_225_600_000))
        var serverConfiguration = FakeGraphAPI.Configuration()
        serverConfiguration.appSecret = appSecretOnServer
        serverConfiguration.acceptedAccessTokens = acceptedTokens
        serverConfiguration.currentTime = { clock.now }
        try await withFakeGraphAPI(configuration: serverConfiguration) { server in
            try await withSQLiteEventStore(path: directory + "/capi.sqlite") { store in
                var destination = PixelDestination(pixelID: Real.pixel, accessToken: AccessToken(Real.token))
                destination.appSecret = AppSecret(Real.secret)
                destination.testEventCode = "TEST4242"
                destination.baseURL = server.baseURL
                var configuration = DeliveryWorker.Configuration()
                configuration.idlePollInterval = .seconds(3_600)
                configuration.requestTimeout = .seconds(10)
                configure(&configuration)
                let queue = DeliveryQueue(store: store, clock: clock)
                let worker = DeliveryWorker(
                    queue: queue, transport: AsyncHTTPClientTransport(), destinations: [destination],
                    configuration: configuration, clock: clock)
                let harness = IntegrationHarness(
                    directory: directory, store: store, server: server, clock: clock, queue: queue, worker: worker)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await worker.run() }
                    try await body(harness)
                    group.cancelAll()
                }
            }
        }
    }

    func enqueue(_ ids: [String]) async throws {
        try await queue.enqueue(contentsOf: ids.map { Real.purchase($0, at: clock.now) }, pixel: Real.pixel)
    }

    func status(_ eventID: String) async throws -> EventStatusReport? {
        try await store.status(of: EventKey(pixelID: Real.pixel, eventName: .purchase, eventID: eventID))
    }

    func history(_ eventID: String) async throws -> [RecordedAttempt] {
        guard let report = try await status(eventID) else { return [] }
        return try await store.attempts(for: report.id)
    }

    /// The raw bytes of the database and its WAL, to prove what is (not) stored.
    func fileBytes() throws -> [UInt8] {
        var bytes: [UInt8] = []
        for suffix in ["", "-wal"] {
            if let data = FileManager.default.contents(atPath: directory + "/capi.sqlite" + suffix) { bytes += data }
        }
        return bytes
    }
}

struct TimedOut: Error {}

/// Waits until `condition` holds, yielding to the worker and the HTTP event loops.
func eventually(within seconds: Double = 20, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1_000))
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(2))
    }
    throw TimedOut()
}

extension [UInt8] {
    func contains(_ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard !needle.isEmpty, needle.count <= count else { return false }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if Array(self[start..<(start + needle.count)]) == needle { return true }
        }
        return false
    }
}
