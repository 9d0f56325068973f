import Configuration
import SystemPackage
import FakeGraphAPI
import DeliveryTesting
import Foundation
import Logging
import RoasProof
import ServiceLifecycle
import Testing

/// The one-call client, configured only from environment variables, against the loopback
/// fake Graph API: two pixels, one conversion, two deliveries with their receipts.
@Suite struct CAPIClientTests {
    static let pixels: [PixelID] = ["111111111111111", "222222222222222"]

    static func temporaryStore() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("capi-client-\(UUID().uuidString).sqlite").path
    }

    static func environment(store: String, graphURL: String) -> [String: String] {
        [
            "CAPI_PIXELS": pixels.map(\.rawValue).joined(separator: ","),
            "CAPI_ACCESS_TOKEN": "EAAB-client-test-token",
            "CAPI_APP_SECRET": "client-test-app-secret",
            "CAPI_GRAPH_URL": graphURL,
            "CAPI_STORE": store,
            "CAPI_TRUSTED_PROXIES": "10.0.0.0/8",
        ]
    }

    static func reader(_ environment: [String: String]) -> ConfigReader {
        ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: environment))
    }

    static let customer = CustomerRecord(
        emails: [" Jane.Doe@Example.com "], phones: ["06 12 34 56 78"], firstName: "Jane", lastName: "Doe", country: "France")

    static func session(_ capi: CAPIClient) -> SessionContext {
        SessionContext(
            consent: .granted, fbcCookie: "fb.1.1712345678901.IwAR-client-test", fbpCookie: "fb.1.1712345678000.123456789",
            clientIPAddresses: capi.buyerAddresses(peerAddress: "10.1.2.3", xForwardedFor: ["203.0.113.9"]),
            userAgent: "Mozilla/5.0 (X11; Linux x86_64)")
    }

    @Test func aPurchaseReachesTwoPixelsFromEnvironmentSettingsOnly() async throws {
        let graph = try await FakeGraphAPI.start()
        let path = Self.temporaryStore()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        do {
            let capi = try await CAPIClient(environment: Self.environment(store: path, graphURL: graph.baseURL))
            #expect(capi.destinations.map(\.pixel.pixelID) == Self.pixels)

            try await withThrowingTaskGroup(of: Void.self) { group in
                let serviceGroup = ServiceGroup(services: [capi], logger: Logger(label: "test"))
                group.addTask { try await serviceGroup.run() }

                let sent = try await capi.send(
                    .purchase(
                        orderID: "84213", value: 184.50, currency: "EUR", contents: [Content(id: "sku-1", quantity: 2)],
                        sourceURL: "https://shop.example/checkout/done"),
                    customer: Self.customer, session: Self.session(capi))
                #expect(sent.eventID.rawValue == "ord_84213")
                #expect(sent.destinations.map(\.pixelID) == Self.pixels)
                #expect(sent.destinations.allSatisfy { $0.status == .queued })
                #expect(sent.pixelSnippet.contains("eventID: 'ord_84213'"))
                #expect(sent.destinations[0].assembled.provenance(of: .phone).first?.origin == .hashed)

                // Durable before send returned: a second connection to the file sees both rows.
                let reader = try await SQLiteEventStore.open(path: path, configuration: Self.readOnly)
                let counts = try await reader.counts(pixel: nil)
                #expect(counts.pending + counts.inFlight + counts.delivered == 2)
                try await reader.close()

                let deadline = ContinuousClock.now + .seconds(30)
                while graph.acceptedEventCount < 2, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
                await serviceGroup.triggerGracefulShutdown()
                try await group.waitForAll()
            }

            let requests = graph.requests.filter { $0.responseStatus == 200 }
            #expect(Set(requests.compactMap(\.pixelID)) == Set(Self.pixels.map(\.rawValue)))
            for request in requests {
                #expect(request.eventIDs == ["ord_84213"])
                #expect(request.accessToken == "EAAB-client-test-token")
                #expect(request.appSecretProof != nil)
                let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any])
                let event = try #require((body["data"] as? [[String: Any]])?.first)
                #expect(event["event_name"] as? String == "Purchase")
                #expect(event["action_source"] as? String == "website")
                let userData = try #require(event["user_data"] as? [String: Any])
                // SHA-256 of "janedoe@example.com"'s normalized form and of +33 6 12 34 56 78.
                #expect(userData["em"] as? [String] == [Self.sha256("jane.doe@example.com")])
                #expect(userData["ph"] as? [String] == [Self.sha256("33612345678")])
                #expect(userData["client_ip_address"] as? String == "203.0.113.9")
                #expect(userData["fbc"] as? String == "fb.1.1712345678901.IwAR-client-test")
                let customData = try #require(event["custom_data"] as? [String: Any])
                #expect(customData["currency"] as? String == "EUR")
                #expect(customData["order_id"] as? String == "84213")
                #expect("\(customData["value"] ?? "")" == "184.5")
            }

            // Each pixel has its own delivered row and its own receipt.
            let store = try await SQLiteEventStore.open(path: path)
            for pixel in Self.pixels {
                let events = try await store.events(matching: EventFilter(pixelID: pixel), after: nil, limit: 10)
                #expect(events.map(\.state) == [.delivered])
                let receipts = try await store.recentAttempts(matching: AttemptFilter(pixelID: pixel), before: nil, limit: 10)
                #expect(receipts.count == 1)
                #expect(receipts.first?.receipt.outcome == .delivered)
                #expect(receipts.first?.receipt.requestBody.contains("ord_84213") == true)
                #expect(receipts.first?.receipt.requestBody.contains("EAAB-client-test-token") == false)
            }
            try await store.close()
        } catch {
            try await graph.shutdown()
            throw error
        }
        try await graph.shutdown()
    }

    /// CAPI_STORE as a postgres:// URL: the client runs the PostgreSQL store and delivers from
    /// it. Needs `Scripts/with-postgres.sh` (ROASPROOF_POSTGRES_URL), like the store's own tests.
    @Test func aPostgresURLInTheEnvironmentGivesAPostgresStore() async throws {
        let url = try #require(
            ProcessInfo.processInfo.environment["ROASPROOF_POSTGRES_URL"],
            "set ROASPROOF_POSTGRES_URL or run the tests under Scripts/with-postgres.sh")
        let graph = try await FakeGraphAPI.start()
        do {
            let capi = try await CAPIClient(environment: Self.environment(store: url, graphURL: graph.baseURL))
            let order = "pg-\(UInt32.random(in: 0...UInt32.max))"
            try await withThrowingTaskGroup(of: Void.self) { group in
                let serviceGroup = ServiceGroup(services: [capi], logger: Logger(label: "test"))
                group.addTask { try await serviceGroup.run() }
                let sent = try await capi.send(
                    .purchase(orderID: order, value: 12, currency: "EUR", sourceURL: "https://shop.example/done"),
                    customer: Self.customer, session: Self.session(capi))
                #expect(sent.destinations.map(\.status) == [.queued, .queued])
                let deadline = ContinuousClock.now + .seconds(30)
                while graph.acceptedEventIDs.filter({ $0 == "ord_\(order)" }).count < 2, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
                await serviceGroup.triggerGracefulShutdown()
                try await group.waitForAll()
            }
            #expect(graph.acceptedEventIDs.filter { $0 == "ord_\(order)" }.count == 2)
            #expect(
                Set(graph.requests.filter { $0.eventIDs.contains("ord_\(order)") }.compactMap(\.pixelID))
                    == Set(Self.pixels.map(\.rawValue)))
        } catch {
            try await graph.shutdown()
            throw error
        }
        try await graph.shutdown()
    }

    @Test func sendingTheSameOrderTwiceStoresNothingNew() async throws {
        let path = Self.temporaryStore()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let capi = try await CAPIClient(config: Self.reader(Self.environment(store: path, graphURL: "http://127.0.0.1:9")))
        let purchase = Conversion.purchase(orderID: "A-17", value: 10, currency: "USD", sourceURL: "https://shop.example/done")
        let first = try await capi.send(purchase, customer: Self.customer, session: Self.session(capi))
        let again = try await capi.send(purchase, customer: Self.customer, session: Self.session(capi))
        #expect(first.destinations.map(\.status) == [.queued, .queued])
        #expect(again.destinations.map(\.status) == [.alreadyQueued, .alreadyQueued])
        #expect(again.eventID == first.eventID)
        #expect(try await capi.queue.store.counts(pixel: nil).pending == 2)
        try await (capi.queue.store as? SQLiteEventStore)?.close()
    }

    @Test func anUnknownPixelIsRefusedAndNothingIsStored() async throws {
        let path = Self.temporaryStore()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let capi = try await CAPIClient(config: Self.reader(Self.environment(store: path, graphURL: "http://127.0.0.1:9")))
        let purchase = Conversion.purchase(orderID: "A-18", value: 10, currency: "USD", sourceURL: "https://shop.example/done")
        let error = await #expect(throws: CAPIClientError.self) {
            try await capi.send(purchase, customer: Self.customer, session: Self.session(capi), to: ["111111111111112"])
        }
        #expect(error?.code == .unknownPixel)
        #expect(error?.message.contains("111111111111112") == true)
        // The queue itself refuses it too: the client's pixels are its accepted pixels.
        let event = ServerEvent(
            eventName: .purchase, eventTime: .now, actionSource: .website,
            customData: CustomData(value: 1, currency: "USD"), eventID: try EventID.forOrder("A-19"),
            eventSourceURL: "https://shop.example/done")
        let queueError = await #expect(throws: DeliveryError.self) {
            try await capi.queue.enqueue(event, pixel: "111111111111112")
        }
        #expect(queueError?.code == .unknownPixel)
        #expect(try await capi.queue.store.counts(pixel: nil).pending == 0)
        try await (capi.queue.store as? SQLiteEventStore)?.close()
    }

    @Test func aMissingAccessTokenIsReportedByName() throws {
        var environment = Self.environment(store: "/nonexistent/never-created.sqlite", graphURL: "https://graph.facebook.com")
        environment["CAPI_ACCESS_TOKEN"] = nil
        let error = #expect(throws: CAPIClientError.self) { try CAPIClient.Settings(config: Self.reader(environment)) }
        #expect(error?.code == .missingSetting)
        #expect(error?.key == "capi.accessToken")
        #expect(error?.message.contains("CAPI_ACCESS_TOKEN") == true)
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent/never-created.sqlite"))
    }

    @Test(
        arguments: [
            ("CAPI_PIXELS", nil, "capi.pixels", CAPIClientError.Code.missingSetting),
            ("CAPI_PIXELS", "1234,abc", "capi.pixels", .malformedSetting),
            ("CAPI_STORE", nil, "capi.store", .missingSetting),
            ("CAPI_STORE", "mysql://root:hunter2@db/shop", "capi.store", .malformedSetting),
            ("CAPI_GRAPH_VERSION", "24", "capi.graphVersion", .malformedSetting),
            ("CAPI_GRAPH_URL", "http://graph.example.com", "capi.graphURL", .malformedSetting),
            ("CAPI_TRUSTED_PROXIES", "10.0.0.0/8,proxy.internal", "capi.trustedProxies", .malformedSetting),
            ("CAPI_CONSENT_UNKNOWN", "maybe", "capi.consent.unknown", .malformedSetting),
            ("CAPI_QUALITY_INTERVAL_HOURS", "0.25", "capi.quality.intervalHours", .malformedSetting),
            ("CAPI_QUALITY_INTERVAL_HOURS", "six", "capi.quality.intervalHours", .malformedSetting),
        ] as [(String, String?, String, CAPIClientError.Code)])
    func aBadSettingIsNamedAndItsValueNeverShown(variable: String, value: String?, key: String, code: CAPIClientError.Code) throws
    {
        var environment = Self.environment(store: "/tmp/unused.sqlite", graphURL: "https://graph.facebook.com")
        environment[variable] = value
        let error = #expect(throws: CAPIClientError.self) { try CAPIClient.Settings(config: Self.reader(environment)) }
        #expect(error?.code == code)
        #expect(error?.key == key)
        #expect(error?.message.contains(variable) == true)
        #expect(error?.message.contains("hunter2") == false)
        #expect(error?.message.contains("EAAB-client-test-token") == false)
    }

    @Test func settingsNeverShowSecrets() throws {
        var environment = Self.environment(
            store: "postgres://shop:hunter2@db.internal/shop", graphURL: "https://graph.facebook.com")
        environment["CAPI_PIXEL_222222222222222_ACCESS_TOKEN"] = "EAAB-second-token"
        environment["CAPI_PIXEL_222222222222222_CONSENT_UNKNOWN"] = "send"
        let settings = try CAPIClient.Settings(config: Self.reader(environment))
        #expect(settings.store == .postgres(url: "postgres://shop:hunter2@db.internal/shop"))
        #expect(settings.destinations[1].pixel.accessToken.unredactedValue == "EAAB-second-token")
        #expect(settings.destinations[0].pixel.accessToken.unredactedValue == "EAAB-client-test-token")
        #expect(settings.destinations[1].consentPolicy.unknown.sendsEvent)
        #expect(!settings.destinations[0].consentPolicy.unknown.sendsEvent)
        let text = "\(settings) \(String(reflecting: settings))"
        for secret in ["hunter2", "EAAB-", "client-test-app-secret"] { #expect(!text.contains(secret)) }
    }

    @Test func withAQualityIntervalTheClientKeepsMetasEMQSnapshotsBesideDelivery() async throws {
        let graph = try await FakeGraphAPI.start()
        let path = Self.temporaryStore()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        do {
            for pixel in Self.pixels { graph.setDatasetQuality(DatasetQualityScenario.dip, for: pixel.rawValue) }
            var environment = Self.environment(store: path, graphURL: graph.baseURL)
            environment["CAPI_QUALITY_INTERVAL_HOURS"] = "6"
            let settings = try CAPIClient.Settings(config: Self.reader(environment))
            #expect(settings.qualityInterval == .seconds(6 * 3_600))
            let capi = try await CAPIClient(settings: settings)
            #expect(capi.qualityMonitor != nil)
            try await withThrowingTaskGroup(of: Void.self) { group in
                let serviceGroup = ServiceGroup(services: [capi], logger: Logger(label: "test"))
                group.addTask { try await serviceGroup.run() }
                let store = try #require(capi.queue.store as? SQLiteEventStore)
                let deadline = ContinuousClock.now + .seconds(30)
                var taken: [Int] = []
                repeat {
                    try await Task.sleep(for: .milliseconds(50))
                    taken = []
                    for pixel in Self.pixels {
                        taken.append(try await store.qualitySnapshots(pixel: pixel, since: nil, limit: 10).count)
                    }
                } while taken != [1, 1] && ContinuousClock.now < deadline
                #expect(taken == [1, 1])
                let snapshot = try #require(try await store.qualitySnapshots(pixel: Self.pixels[0], since: nil, limit: 1).first)
                #expect(snapshot[.purchase]?.eventMatchQuality == 7.4)
                await serviceGroup.triggerGracefulShutdown()
                try await group.waitForAll()
            }
            let asked = graph.requests.filter { $0.path.hasSuffix("/dataset_quality") }
            #expect(asked.count == 2)
            #expect(Set(asked.compactMap(\.pixelID)) == Set(Self.pixels.map(\.rawValue)))
            // Without the setting, nothing asks.
            let plain = try CAPIClient.Settings(config: Self.reader(Self.environment(store: path, graphURL: graph.baseURL)))
            #expect(plain.qualityInterval == nil)
            #expect(CAPIClient(destinations: plain.destinations, store: InMemoryEventStore()).qualityMonitor == nil)
        } catch {
            try await graph.shutdown()
            throw error
        }
        try await graph.shutdown()
    }

    @Test func consentIsAppliedPerDestination() async throws {
        let path = Self.temporaryStore()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        var environment = Self.environment(store: path, graphURL: "http://127.0.0.1:9")
        environment["CAPI_PIXEL_222222222222222_CONSENT_UNKNOWN"] = "send"
        let capi = try await CAPIClient(config: Self.reader(environment))
        var session = Self.session(capi)
        session.consent = .unknown
        let sent = try await capi.send(
            .lead(leadID: "form-7/991", sourceURL: "https://shop.example/contact"), customer: Self.customer, session: session)
        #expect(sent.destinations.map(\.status) == [.droppedByConsent, .queued])
        #expect(sent.pixelHandoff != nil)
        #expect(sent.eventID.rawValue.hasPrefix("evt_"))
        #expect(try await capi.queue.store.counts(pixel: nil).pending == 1)
        try await (capi.queue.store as? SQLiteEventStore)?.close()
    }

    static func sha256(_ text: String) -> String { SHA256.hash(text).description }

    static var readOnly: SQLiteEventStore.Configuration {
        var configuration = SQLiteEventStore.Configuration()
        configuration.access = .readOnly
        return configuration
    }
}

/// The same settings from files: a JSON file through swift-configuration's `FileProvider`, and
/// a `.env` file, each over the environment (first provider wins).
@Suite struct CAPIClientSettingsFromFilesTests {
    @Test func settingsComeFromAJSONFileAndADotEnvFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capi-settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("capi.json")
        try Data(
            #"""
            {"capi": {"pixels": ["111111111111111", "222222222222222"], "accessToken": "EAAB-from-json",
                      "store": "/var/lib/shop/capi.sqlite", "consent": {"unknown": "send"},
                      "pixel": {"222222222222222": {"testEventCode": "TEST42"}}}}
            """#.utf8
        ).write(to: json)
        let fromJSON = try CAPIClient.Settings(
            config: ConfigReader(providers: [
                try await FileProvider<JSONSnapshot>(filePath: FilePath(json.path)),
                EnvironmentVariablesProvider(environmentVariables: ["CAPI_ACCESS_TOKEN": "EAAB-from-environment"]),
            ]))
        #expect(fromJSON.destinations.map(\.pixel.pixelID) == ["111111111111111", "222222222222222"])
        #expect(fromJSON.destinations[0].pixel.accessToken.unredactedValue == "EAAB-from-json")
        #expect(fromJSON.destinations[1].pixel.testEventCode == "TEST42")
        #expect(fromJSON.destinations[0].consentPolicy.unknown.sendsEvent)
        #expect(fromJSON.store == .sqlite(path: "/var/lib/shop/capi.sqlite"))

        let dotEnv = directory.appendingPathComponent(".env")
        try Data(
            "CAPI_PIXELS=333333333333333\nCAPI_ACCESS_TOKEN=EAAB-from-dotenv\nCAPI_STORE=postgres://shop@db.internal/shop\n".utf8
        )
        .write(to: dotEnv)
        let fromDotEnv = try CAPIClient.Settings(
            config: ConfigReader(provider: try await EnvironmentVariablesProvider(environmentFilePath: FilePath(dotEnv.path))))
        #expect(fromDotEnv.destinations.map(\.pixel.pixelID) == ["333333333333333"])
        #expect(fromDotEnv.destinations[0].pixel.accessToken.unredactedValue == "EAAB-from-dotenv")
        #expect(fromDotEnv.store == .postgres(url: "postgres://shop@db.internal/shop"))
    }
}
