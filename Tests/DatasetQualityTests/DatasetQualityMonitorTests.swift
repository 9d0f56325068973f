import CAPIModel
import DatasetQuality
import Delivery
import DeliveryDashboard
import DeliverySQLite
import DeliveryTesting
import FakeGraphAPI
import Foundation
import InMemoryLogging
import Logging
import MetricsTestKit
import ServiceLifecycle
import Synchronization
import Testing

/// The monitor against the fake Graph API on loopback and a real SQLite file: snapshots over
/// time, a dip explained from both sides, metrics and log lines, the schedule and its back-off.
@Suite struct DatasetQualityMonitorTests {
    static let pixel: PixelID = "123456789012345"
    static let t0 = Timestamp(milliseconds: 1_767_225_600_000)

    /// Appends `count` Purchases, `withPhone` of them carrying `ph`, and counts a
    /// `missing_region` rejection of `ph` for each of `missingRegion`.
    static func store(_ store: SQLiteEventStore, from first: Int, count: Int, withPhone: Int, missingRegion: Int) async throws {
        let events = (first..<(first + count)).map { index in
            var keys = UserDataKeySet(.email).union(UserDataKeySet(.clientIPAddress))
            if index - first < withPhone { keys = keys.union(UserDataKeySet(.phone)) }
            return PendingEvent(
                key: EventKey(pixelID: pixel, eventName: .purchase, eventID: "order-\(index)"),
                eventTime: Timestamp(seconds: 1_767_225_000),
                actionSource: .website, json: #"{"event_name":"Purchase"}"#, matchKeys: keys)
        }
        _ = try await store.append(events, at: t0)
        var rejections = MatchKeyCoverage()
        for _ in 0..<missingRegion { rejections.recordRejection(eventName: .purchase, key: .phone, reason: "missing_region") }
        try await store.mergeCoverage(rejections, pixel: pixel)
    }

    struct Harness {
        let logs = InMemoryLogHandler()
        let metrics = TestMetrics()
        let clock = ManualDeliveryClock(now: DatasetQualityMonitorTests.t0)

        func monitor(
            graph: FakeGraphAPI, store: any QualitySnapshotStore & EventStore,
            configure: (inout DatasetQualityMonitor.Configuration) -> Void = { _ in }
        ) -> DatasetQualityMonitor {
            var destination = PixelDestination(
                pixelID: DatasetQualityMonitorTests.pixel, accessToken: AccessToken("EAAB-monitor-secret"))
            destination.baseURL = graph.baseURL
            var configuration = DatasetQualityMonitor.Configuration()
            configure(&configuration)
            var handler = logs
            handler.logLevel = .trace
            return DatasetQualityMonitor(
                destinations: [destination], store: store, configuration: configuration, clock: clock,
                logger: Logger(label: "test") { _ in handler }, metricsFactory: metrics)
        }
    }

    @Test func aDipThroughTheFakeServerIsExplainedByTheKeyThatWentMissingOnBothSides() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await SQLiteEventStore.open(path: directory.appendingPathComponent("events.sqlite").path)
        defer { Task { try? await store.close() } }
        let harness = Harness()
        try await withFakeGraphAPI { graph in
            graph.setDatasetQuality(DatasetQualityScenario.dip, for: Self.pixel.rawValue)
            let monitor = harness.monitor(graph: graph, store: store)

            // Before: 60 of 100 Purchases carry a phone number.
            try await Self.store(store, from: 0, count: 100, withPhone: 60, missingRegion: 2)
            let first = try await monitor.takeSnapshot(
                of: PixelDestination(pixelID: Self.pixel, accessToken: AccessToken("EAAB-monitor-secret"), baseURL: graph.baseURL)
            )
            #expect(first.dips.isEmpty)
            #expect(first.snapshot[.purchase]?.eventMatchQuality == 7.4)

            // Six hours later: of the 100 Purchases stored since, 20 carry one and 70 lost it to missing_region.
            harness.clock.advance(by: .seconds(6 * 3_600))
            try await Self.store(store, from: 100, count: 100, withPhone: 20, missingRegion: 70)
            let second = try await monitor.takeSnapshot(
                of: PixelDestination(pixelID: Self.pixel, accessToken: AccessToken("EAAB-monitor-secret"), baseURL: graph.baseURL)
            )

            let dip = try #require(second.dips.first)
            #expect(second.dips.count == 1)
            #expect(dip.eventName == "Purchase")
            #expect(dip.emqBefore == 7.4 && dip.emqAfter == 5.1)
            #expect(dip.metaCoverageFell.map(\.label) == ["ph"])
            #expect(dip.metaCoverageFell.first?.before == 64.2 && dip.metaCoverageFell.first?.after == 29.3)
            // Ours compares the two intervals: 60% of the first 100, 20% of the next 100.
            #expect(dip.localCoverageFell.map(\.label) == ["ph"])
            #expect(dip.localCoverageFell.first?.before == 60 && dip.localCoverageFell.first?.after == 20)
            #expect(dip.rejectionsRose.map(\.reason) == ["missing_region"])
            #expect(dip.rejectionsRose.first?.before == 2 && dip.rejectionsRose.first?.after == 70)

            // Both snapshots are in the store, with Meta's answer whole.
            let stored = try await store.qualitySnapshots(pixel: Self.pixel, since: nil, limit: 10)
            #expect(stored.map(\.takenAt) == [Self.t0, Self.t0 + .seconds(6 * 3_600)])
            #expect(stored.last?[EventName("AddToCart")]?.metaJSON?.contains("ctwa_clid") == true)
            let history = QualityHistory(pixelID: Self.pixel, snapshots: stored)
            #expect(history.trends.map(\.eventName) == ["AddToCart", "Purchase"])  // Lead has no score
            #expect(history.trends.last?.points.map(\.eventMatchQuality) == [7.4, 5.1])
            let latest = try #require(history.latestComparison()).comparison
            let unknown = latest.events.first { $0.eventName == "AddToCart" }?.keys.first {
                $0.identifier?.rawValue == "ctwa_clid"
            }
            #expect(unknown != nil && unknown?.userDataKey == nil && unknown?.metaCoverage == 3.5)
            let lead = latest.events.first { $0.eventName == "Lead" }
            #expect(lead != nil && lead?.eventMatchQuality == nil && lead?.keys.isEmpty == true)

            // The metric and the log line say so, without the token.
            #expect(try harness.metrics.expectCounter(QualityMetricLabel.dips, [("event_name", "Purchase")]).totalValue == 1)
            #expect(try harness.metrics.expectGauge(QualityMetricLabel.emq, [("event_name", "Purchase")]).lastValue == 5.1)
            #expect(try harness.metrics.expectCounter(QualityMetricLabel.fetches, [("outcome", "ok")]).totalValue == 2)
            let warning = try #require(harness.logs.entries.first { $0.level == .warning })
            #expect("\(warning.message)".contains("Purchase EMQ 7.4 → 5.1"))
            #expect("\(warning.message)".contains("ph rejected missing_region"))
            #expect(warning.metadata[QualityLogKey.eventName] == "Purchase")
            #expect(!harness.logs.entries.map { "\($0.message) \($0.metadata)" }.joined().contains("EAAB"))

            // The dashboards read the same snapshots from the store.
            let dashboard = try await DashboardSnapshot.load(from: store, title: "shop.sqlite", now: harness.clock.now)
            let loaded = try #require(dashboard.quality[Self.pixel])
            let status = TextDashboard.qualitySummary(loaded)
            #expect(status.contains("Purchase  5.1/10 (was 7.4/10)"), "\(status)")
            #expect(
                status.contains("DIP Purchase EMQ 7.4 → 5.1: Meta's ph coverage 64.2% → 29.3%; ours ph 60.0% → 20.0%"),
                "\(status)")
            let html = HTMLDashboard.render(dashboard)
            #expect(html.contains("<strong>EMQ dip</strong> Purchase EMQ 7.4 → 5.1"))
            #expect(html.contains(#"<polyline class="emq""#))
            #expect(html.contains("Send phone numbers in E.164 form, with the country calling code."))
            #expect(
                html.contains("<span class=\"key\">ctwa_clid</span> <span class=\"muted\">(Meta's name; no user_data key)</span>")
            )
        }
    }

    @Test func everyStringFromMetaIsEscapedInTheReportAndTheTerminal() async throws {
        let hostile = #"<img src=x onerror=alert(1)>\u001b]8;;https://evil\u0007"#
        let body = """
            {"web":[{"event_name":"\(hostile)","event_match_quality":{"composite_score":3,
              "match_key_feedback":[{"identifier":"\(hostile)","coverage":{"percentage":1}}],
              "diagnostics":[{"name":"\(hostile)","description":"\(hostile)","solution":"\(hostile)","percentage":5}]}}]}
            """
        let store = InMemoryEventStore()
        let harness = Harness()
        try await withFakeGraphAPI { graph in
            graph.setDatasetQuality([body], for: Self.pixel.rawValue)
            let monitor = harness.monitor(graph: graph, store: store)
            _ = try await store.append(
                [
                    PendingEvent(
                        key: EventKey(pixelID: Self.pixel, eventName: .purchase, eventID: "o1"), eventTime: Self.t0,
                        actionSource: .website,
                        json: "{}", matchKeys: UserDataKeySet(.email))
                ], at: Self.t0)
            try await monitor.takeSnapshot(
                of: PixelDestination(pixelID: Self.pixel, accessToken: AccessToken("EAAB-monitor-secret"), baseURL: graph.baseURL)
            )
            let dashboard = try await DashboardSnapshot.load(from: store, title: "t", now: Self.t0)
            let html = HTMLDashboard.render(dashboard)
            #expect(!html.contains("<img"))
            #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
            #expect(!html.contains("\u{1B}") && !html.contains("\u{07}"))
            let history = try #require(dashboard.quality[Self.pixel])
            let text =
                TextDashboard.quality(try #require(history.latestComparison()).comparison) + TextDashboard.qualitySummary(history)
            #expect(!text.contains("\u{1B}") && !text.contains("\u{07}"))
            #expect(text.contains("<img src=x onerror=alert(1)>"))  // the terminal shows it, inert
        }
    }

    @Test func theServiceFetchesOnItsIntervalBacksOffOnThrottlingAndStopsOnShutdown() async throws {
        let store = InMemoryEventStore()
        let harness = Harness()
        try await withFakeGraphAPI { graph in
            graph.setDatasetQuality(DatasetQualityScenario.dip, for: Self.pixel.rawValue)
            let monitor = harness.monitor(graph: graph, store: store) { $0.interval = .seconds(2 * 3_600) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await monitor.run() }
                // At once: no snapshot yet.
                try await Self.waitFor { try await store.qualitySnapshots(pixel: Self.pixel, since: nil, limit: 10).count == 1 }
                #expect(await harness.clock.nextSleep() == Self.t0 + .seconds(2 * 3_600))

                // Throttled at the next turn without an estimate: it waits between half and all of
                // the first backoff.
                graph.inject(.throttle(code: 4))
                harness.clock.advance(by: .seconds(2 * 3_600))
                let retry = await Self.nextSleep(after: Self.t0 + .seconds(2 * 3_600), harness.clock)
                let afterThrottle = Self.t0 + .seconds(2 * 3_600)
                #expect(retry >= afterThrottle + .seconds(30) && retry <= afterThrottle + .seconds(60))
                #expect(try await store.qualitySnapshots(pixel: Self.pixel, since: nil, limit: 10).count == 1)

                // Throttled again, with Meta's estimate of 30 minutes: it waits that long.
                graph.inject(.throttle(code: 17, regainAccessMinutes: 30))
                harness.clock.advance(to: retry)
                let patient = await Self.nextSleep(after: retry, harness.clock)
                #expect(patient == retry + .seconds(1_800))

                // The retry succeeds and reports the dip.
                harness.clock.advance(to: patient)
                try await Self.waitFor { try await store.qualitySnapshots(pixel: Self.pixel, since: nil, limit: 10).count == 2 }
                #expect(try harness.metrics.expectCounter(QualityMetricLabel.fetches, [("outcome", "throttled")]).totalValue == 2)
                group.cancelAll()
            }
            #expect(try harness.metrics.expectCounter(QualityMetricLabel.dips, [("event_name", "Purchase")]).totalValue == 1)
        }
    }

    @Test func aFailingStoreIsRetriedLaterAndNeverEndsTheService() async throws {
        let store = InMemoryEventStore()
        let harness = Harness()
        try await withFakeGraphAPI { graph in
            graph.setDatasetQuality([DatasetQualityScenario.steady], for: Self.pixel.rawValue)
            let monitor = harness.monitor(graph: graph, store: store)
            // The start-up read, the read before asking and the snapshot's coverage read fail.
            await store.failNextOperations(3)
            let service = Task { try await monitor.run() }
            let retry = await Self.nextSleep(after: Self.t0, harness.clock)
            #expect(retry >= Self.t0 + .seconds(30) && retry <= Self.t0 + .seconds(60))
            #expect(try await store.qualitySnapshots(pixel: Self.pixel, since: nil, limit: 10).isEmpty)
            #expect(
                harness.logs.entries.contains {
                    $0.level == .error && "\($0.message)".contains("could not keep a Dataset Quality snapshot")
                })
            harness.clock.advance(to: retry)
            try await Self.waitFor { try await store.qualitySnapshots(pixel: Self.pixel, since: nil, limit: 10).count == 1 }
            service.cancel()
            try await service.value
        }
    }

    @Test func aMonitorWithoutPixelsWaitsForShutdownInsteadOfEndingItsGroup() async throws {
        let monitor = DatasetQualityMonitor(destinations: [], store: InMemoryEventStore(), logger: Logger(label: "test"))
        let group = ServiceGroup(services: [monitor], logger: Logger(label: "test"))
        let running = Task { try await group.run() }
        try await Task.sleep(for: .milliseconds(200))
        // A service that returned would have ended the group (and with it the app's delivery).
        let ended = Mutex(false)
        let watcher = Task {
            try? await running.value
            ended.withLock { $0 = true }
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(!ended.withLock { $0 })
        await group.triggerGracefulShutdown()
        try await running.value
        await watcher.value
        #expect(ended.withLock { $0 })
    }

    @Test func everyDocumentedErrorOfTheFakeIsClassifiedAndScheduled() async throws {
        try await withFakeGraphAPI { graph in
            graph.setDatasetQuality([DatasetQualityScenario.steady], for: Self.pixel.rawValue)
            let harness = Harness()
            let monitor = harness.monitor(graph: graph, store: InMemoryEventStore())
            let destination = PixelDestination(
                pixelID: Self.pixel, accessToken: AccessToken("EAAB-monitor-secret"), baseURL: graph.baseURL)
            let expected: [Int: DatasetQualityError.Code] = [
                190: .invalidToken, 10: .permissionDenied, 200: .permissionDenied, 2_044_055: .unknownDataset, 4: .throttled,
                17: .throttled, 341: .throttled, 2: .transient,
            ]
            for (code, fault) in DatasetQualityScenario.errors {
                graph.inject(fault)
                await #expect(throws: DatasetQualityError.self) { try await monitor.takeSnapshot(of: destination) }
                do {
                    try await monitor.takeSnapshot(of: destination)
                } catch {
                    Issue.record("the request after the fault for code \(code) failed: \(error)")
                }
                let outcome = try #require(expected[code])
                #expect(
                    try harness.metrics.expectCounter(QualityMetricLabel.fetches, [("outcome", outcome.description)]).totalValue
                        >= 1)
            }
        }
    }

    @Test func theScheduleWaitsTheIntervalBacksOffWithJitterAndWaitsOutRefusals() {
        let pixel: PixelID = "1"
        var schedule = QualitySchedule(interval: .seconds(21_600), initialBackoff: .seconds(60))
        schedule.start(pixel, lastSnapshot: nil, now: Self.t0)
        #expect(schedule.next?.due == Self.t0)
        schedule.start(pixel, lastSnapshot: Self.t0 - .seconds(3_600), now: Self.t0)
        #expect(schedule.next?.due == Self.t0 + .seconds(18_000))
        schedule.start(pixel, lastSnapshot: Self.t0 - .seconds(86_400), now: Self.t0)
        #expect(schedule.next?.due == Self.t0)
        // Throttled three times: 30–60 s, 60–120 s, 120–240 s.
        #expect(schedule.failed(pixel, retryable: true, at: Self.t0, jitter: 0) == Self.t0 + .seconds(30))
        #expect(schedule.failed(pixel, retryable: true, at: Self.t0, jitter: 0.999_999) == Self.t0 + .milliseconds(119_999))
        #expect(schedule.failed(pixel, retryable: true, at: Self.t0, jitter: 0.5) == Self.t0 + .seconds(180))
        // Never beyond the interval, however many failures.
        for _ in 0..<40 { schedule.failed(pixel, retryable: true, at: Self.t0, jitter: 1) }
        #expect(schedule.next?.due == Self.t0 + .seconds(21_600))
        // A refusal waits the interval; a success resets the backoff.
        #expect(schedule.failed(pixel, retryable: false, at: Self.t0, jitter: 0) == Self.t0 + .seconds(21_600))
        schedule.succeeded(pixel, at: Self.t0)
        #expect(schedule.failed(pixel, retryable: true, at: Self.t0, jitter: 0) == Self.t0 + .seconds(30))
        // Meta's own estimate is honoured when longer than the backoff (at most a day).
        #expect(
            schedule.failed(pixel, retryable: true, at: Self.t0, jitter: 0, regainAccessAfter: .seconds(1_800)) == Self.t0
                + .seconds(1_800))
        #expect(
            schedule.failed(pixel, retryable: true, at: Self.t0, jitter: 0, regainAccessAfter: .seconds(9 * 86_400)) == Self.t0
                + .seconds(86_400))
        // Two pixels: the one due first comes first.
        schedule.start("2", lastSnapshot: nil, now: Self.t0)
        #expect(schedule.next?.pixel == "2")
    }

    @Test func theIntervalCannotBeShorterThanAnHour() {
        var configuration = DatasetQualityMonitor.Configuration()
        configuration.interval = .seconds(60)
        #expect(configuration.interval == .seconds(3_600))
    }

    static func waitFor(_ condition: () async throws -> Bool) async throws {
        for _ in 0..<2_000 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw CancellationError()
    }

    /// The next deadline the clock's sleepers wait for that is later than `time`.
    static func nextSleep(after time: Timestamp, _ clock: ManualDeliveryClock) async -> Timestamp {
        for _ in 0..<2_000 {
            if let deadline = clock.nextDeadline, deadline > time { return deadline }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return time
    }
}
