import AsyncHTTPClient
import CAPIModel
import Delivery
import DeliveryHTTP
import DeliverySQLite
import DeliveryTesting
import FakeGraphAPI
import Identity
import InMemoryLogging
import Logging
import Matching
import Testing
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// "Meta only ever sees the hashes", and neither does anything we keep: raw customer data,
/// the access token and the app secret never reach the database, its WAL, the logs (at trace
/// level, from the queue, the worker and the store) or any error description.
@Suite("PII and secrets at rest", .serialized)
struct SecretsAtRestTests {
    static let token = "EAAGzq7TokenOfTheTestSuite9Xw"
    static let appSecret = "f00dfacePrivateAppSecret77"

    static let customers: [CustomerRecord] = [
        CustomerRecord(
            emails: ["Zebediah.Quartermaine@Example.org"], phones: ["+44 20 7946 0958"], firstName: "Zebediah",
            lastName: "Quartermaine", gender: "male", dateOfBirth: "1971-07-14", city: "Llanfairpwllgwyngyll",
            state: "Anglesey", zipCode: "LL61 5UJ", country: "GB", userID: "member-zq-55501"),
        CustomerRecord(
            emails: ["  PERPETUA.WINTERBOTTOM@example.net "], phones: ["(415) 555-0142"], firstName: "Perpetua",
            lastName: "Winterbottom", dateOfBirth: "03/09/1988", city: "Tuolumne", state: "CA", zipCode: "95379-1234",
            country: "US"),
    ]

    /// Every raw value, and the normalized text that is hashed (still personal data).
    static let forbidden: [String] = [
        "Zebediah.Quartermaine@Example.org", "zebediah.quartermaine@example.org", "Zebediah", "zebediah", "Quartermaine",
        "quartermaine", "+44 20 7946 0958", "442079460958", "20 7946 0958", "1971-07-14", "19710714", "Llanfairpwllgwyngyll",
        "llanfairpwllgwyngyll", "LL61 5UJ", "ll615uj", "member-zq-55501",
        "PERPETUA.WINTERBOTTOM@example.net", "perpetua.winterbottom@example.net", "Perpetua", "perpetua", "Winterbottom",
        "winterbottom", "(415) 555-0142", "14155550142", "4155550142", "03/09/1988", "19880309", "Tuolumne", "tuolumne",
        "95379-1234",
        token, appSecret, AppSecretProof(accessToken: token, appSecret: appSecret).hexString,
    ]

    @Test func nothingRawOrSecretIsStoredLoggedOrDescribed() async throws {
        let logs = InMemoryLogHandler()
        var logger = Logger(label: "roasproof.test", factory: { _ in logs })
        logger.logLevel = .trace
        var descriptions: [String] = []
        func describe(_ value: Any) {
            descriptions.append(String(describing: value))
            descriptions.append(String(reflecting: value))
            var dumped = ""
            dump(value, to: &dumped)
            descriptions.append(dumped)
        }

        let directory = FileManager.default.temporaryDirectory.path + "/roasproof-pii-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/capi.sqlite"
        let clock = ManualDeliveryClock(now: Timestamp(milliseconds: 1_767_225_600_000))
        var serverConfiguration = FakeGraphAPI.Configuration()
        serverConfiguration.appSecret = Self.appSecret
        serverConfiguration.currentTime = { clock.now }

        try await withFakeGraphAPI(configuration: serverConfiguration) { server in
            try await withSQLiteEventStore(path: path, logger: logger) { store in
                var destination = PixelDestination(pixelID: "1234567890", accessToken: AccessToken(Self.token))
                destination.appSecret = AppSecret(Self.appSecret)
                destination.baseURL = server.baseURL
                describe(destination)
                var configuration = DeliveryWorker.Configuration()
                configuration.idlePollInterval = .seconds(3_600)
                // Only the injected 4 s delay may time out, even on a loaded machine.
                configuration.requestTimeout = .milliseconds(1_500)
                configuration.retryPolicy.initialBackoff = .seconds(60)
                let queue = DeliveryQueue(store: store, clock: clock, logger: logger)
                let worker = DeliveryWorker(
                    queue: queue, transport: AsyncHTTPClientTransport(), destinations: [destination],
                    configuration: configuration, clock: clock, logger: logger)

                // Events built from raw customer data, as an app would.
                let assembler = UserDataAssembler(consentPolicy: ConsentPolicy())
                var events: [ServerEvent] = []
                for (index, customer) in Self.customers.enumerated() {
                    describe(customer)
                    let session = SessionContext(
                        consent: .granted, fbpCookie: "fb.1.1767225600000.1234567890",
                        clientIPAddresses: [IPAddress("203.0.113.\(index + 7)")!], userAgent: "Mozilla/5.0 (X11; Linux x86_64)")
                    describe(session)
                    let template = ServerEvent(
                        eventName: .purchase, eventTime: clock.now.wholeSeconds, actionSource: .website, userData: UserData(),
                        customData: CustomData(value: 42.5, currency: "GBP"), eventID: "order-\(index)",
                        eventSourceURL: "https://shop.example.com/thanks")
                    let built = assembler.makeEvent(template, customer: customer, session: session)
                    describe(built.assembled.provenance)
                    #expect(built.assembled.provenance.allSatisfy { $0.origin != .rejected }, "\(built.assembled.provenance)")
                    events.append(try #require(built.event))
                }
                // Values that are rejected must not be quoted by their errors either, and
                // normalized text (still personal data) is redacted when printed.
                let normalizer = IdentityNormalizer()
                for customer in Self.customers {
                    for email in customer.emails { describe(try normalizer.normalize(email, as: .email)) }
                    describe(try normalizer.normalizeAndHash(customer.firstName ?? "", as: .firstName))
                }
                for (value, key) in [
                    ("Zebediah Quartermaine <zebediah.quartermaine@example.org>", HashedUserDataKey.email),
                    ("zebediah.quartermaine@", .email), ("+44 20 7946 09", .phone), ("020 7946 0958", .phone),
                    ("Zebediah\u{0}Quartermaine", .firstName), ("1971-13-14", .dateOfBirth), ("Quartermaine!", .gender),
                    (String(repeating: "Zebediah ", count: 200), .city), ("Llanfairpwllgwyngyll", .country),
                ] {
                    do {
                        _ = try normalizer.hash(value, as: key)
                    } catch {
                        describe(error)
                    }
                }
                // Validation failures describe the event, never its customer data.
                var invalid = events[0]
                invalid.eventSourceURL = nil
                do {
                    try await queue.enqueue(invalid, pixel: destination.pixelID)
                    Issue.record("an invalid event was accepted")
                } catch {
                    describe(error)
                    if let error = error as? DeliveryError { descriptions.append(error.debugDescription) }
                }
                do {
                    try Matching.EventValidator().validate(invalid, now: clock.now.wholeSeconds)
                } catch {
                    describe(error)
                }

                // Delivery through every failure that writes a receipt or an error: a rejected
                // token, a 5xx, a dropped connection, a timeout, a refused event, then success.
                server.setAcceptedAccessTokens(["another-token"])
                try await running(worker) {
                    try await queue.enqueue(contentsOf: events, pixel: destination.pixelID)
                    try await eventually { worker.status(of: destination.pixelID)?.error != nil }
                    describe(try #require(worker.status(of: destination.pixelID)?.error))
                    if let error = worker.status(of: destination.pixelID)?.error {
                        descriptions.append(error.debugDescription)
                    }
                    server.setAcceptedAccessTokens(nil)
                    server.inject(.serverError(status: 500), .dropConnection, .delay(.seconds(4)))
                    server.rejectEvents(withIDs: ["order-1"])
                    try await worker.replaceCredentials(
                        for: destination.pixelID, accessToken: AccessToken(Self.token), appSecret: AppSecret(Self.appSecret))
                    // 500, dropped connection, timeout: one counted attempt each, then the clock moves on.
                    for attempt in 1...3 {
                        try await eventually(within: 30) {
                            let report = try await store.status(
                                of: EventKey(pixelID: destination.pixelID, eventName: .purchase, eventID: "order-0"))
                            return report?.attempts == attempt && report?.state == .pending
                        }
                        clock.advance(by: .seconds(3_600))
                    }
                    try await eventually(within: 30) {
                        try await store.counts(pixel: nil) == EventCounts(delivered: 1, parked: 1)
                    }
                }
                #expect(server.requests.contains { $0.responseStatus == nil }, "a request failed without an answer")
                for report in try await queue.parkedEvents() { describe(report) }

                // The transport's own errors: a refused connection, with the token in the URL.
                var refused = destination
                refused.baseURL = "http://127.0.0.1:1"
                do {
                    _ = try await AsyncHTTPClientTransport().send(
                        TransportRequest(destination: refused, body: "{}", timeout: .seconds(2)))
                } catch {
                    describe(error)
                }
                describe(TransportRequest(destination: destination, body: "{}", timeout: .seconds(1)))

                // Receipts as the store hands them back.
                for id in ["order-0", "order-1"] {
                    let report = try #require(
                        try await store.status(of: EventKey(pixelID: destination.pixelID, eventName: .purchase, eventID: id)))
                    for attempt in try await store.attempts(for: report.id) { describe(attempt) }
                }

                // The scan proves something: hashes are stored, logs were captured at trace level.
                let bytes = Self.files(at: path)
                let emailHash = try normalizer.hash("Zebediah.Quartermaine@Example.org", as: .email)
                #expect(bytes.contains(emailHash.hexString), "the hashed email is stored")
                #expect(logs.entries.count > 10)
                Self.scan(bytes, in: "the database and its WAL while open")
            }
        }
        Self.scan(Self.files(at: path), in: "the database after closing")
        let logText = logs.entries.map { entry in
            "\(entry.level) \(entry.message) \(entry.metadata) \(entry.error.map { String(reflecting: $0) } ?? "")"
        }.joined(separator: "\n")
        Self.scan(Array(logText.utf8), in: "the logs")
        #expect(descriptions.count > 30)
        Self.scan(Array(descriptions.joined(separator: "\n").utf8), in: "error and value descriptions")
    }

    static func files(at path: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for suffix in ["", "-wal", "-shm", "-journal"] {
            if let data = FileManager.default.contents(atPath: path + suffix) { bytes += data }
        }
        return bytes
    }

    static func scan(_ bytes: [UInt8], in place: String) {
        let found = forbidden.filter { bytes.contains($0) }
        #expect(found.isEmpty, "found in \(place): \(found)")
    }
}
