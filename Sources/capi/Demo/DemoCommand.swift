import ArgumentParser
import CAPIModel
import DatasetQuality
import Dedup
import Delivery
import DeliveryDashboard
import DeliveryHTTP
import DeliverySQLite
import FakeGraphAPI
import FoundationEssentials
import Logging
import Matching

/// `capi demo`: the whole promise in one command, offline.
///
/// Builds a realistic mix of events from sample customers and sessions through the real
/// Matching, Identity and Dedup APIs, queues them durably in a SQLite file, and delivers them
/// with the real worker and AsyncHTTPClient transport to a fake Graph API on loopback that is
/// scripted to rate-limit, fail transiently and go down for a while.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole pipeline offline: build, queue, deliver to a fake Graph API, park, replay, report.",
        discussion: """
            Writes the store to capi-demo.sqlite in the current folder (replacing an earlier demo store, never any other file), so the operator commands can be tried on it afterwards:
              capi status --store capi-demo.sqlite
              capi report --store capi-demo.sqlite --html capi-demo.html
            Pauses and backoffs are shortened so the run takes a few seconds.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The SQLite store to create.", valueName: "file"))
    var store = "capi-demo.sqlite"

    @Flag(name: .long, help: "Stop before replaying the parked event, so you can replay it with capi replay.")
    var leaveParked = false

    @Option(name: .long, help: "Give up if delivery takes longer than this many seconds.")
    var timeout: Double = 30

    static let accessToken = "demo-access-token"
    static let appSecret = "demo-app-secret"

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() async throws {
        try await Self.replaceDemoStore(at: store)
        let clock = SystemDeliveryClock()
        let scenario = try DemoScenario(now: clock.now)
        var serverConfiguration = FakeGraphAPI.Configuration()
        serverConfiguration.appSecret = Self.appSecret
        serverConfiguration.acceptedAccessTokens = [Self.accessToken]
        try await withFakeGraphAPI(configuration: serverConfiguration) { server in
            var storeConfiguration = SQLiteEventStore.Configuration()
            storeConfiguration.createdBy = Self.storeMarker
            try await withSQLiteEventStore(path: store, configuration: storeConfiguration) { sqlite in
                var run = DemoRun(
                    scenario: scenario, store: sqlite, storePath: store, server: server, clock: clock,
                    deadline: .seconds(timeout), leaveParked: leaveParked)
                try await run.perform()
            }
        }
    }

    /// What the demo records as the creator of its stores (``SQLiteEventStore/createdBy()``):
    /// the only stores it replaces.
    static let storeMarker = "capi demo"

    /// Deletes an earlier demo store at `path`: a RoasProof store that `capi demo` created.
    /// Anything else is refused and left untouched, looked at read-only.
    static func replaceDemoStore(at path: String) async throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        // An empty file is no one's data: the store adopts it, with nothing to delete.
        if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size == 0 { return }
        var configuration = SQLiteEventStore.Configuration()
        configuration.access = .readOnly
        let creator: String?
        do {
            creator = try await withSQLiteEventStore(path: path, configuration: configuration) { try await $0.createdBy() }
        } catch let error as DeliveryError where error.code == .foreignDatabase || error.code == .storeCorrupt {
            throw ValidationError("\(path) exists and is not a RoasProof store; it was left unchanged. Pass another --store")
        } catch {
            throw ValidationError("\(path) exists and could not be read as a demo store (\(error)); it was left unchanged")
        }
        guard creator == storeMarker else {
            throw ValidationError(
                "\(path) is a RoasProof store that capi demo did not create; refusing to replace it. Pass another --store")
        }
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.removeItem(atPath: path + suffix)
        }
    }
}

/// One run of the demo, step by step.
struct DemoRun {
    let scenario: DemoScenario
    let store: SQLiteEventStore
    let storePath: String
    let server: FakeGraphAPI
    let clock: SystemDeliveryClock
    let deadline: Duration
    let leaveParked: Bool
    let queue: DeliveryQueue
    var printedAttempts: Set<AttemptID> = []
    var requestNumbers: [AttemptID: Int] = [:]

    init(
        scenario: DemoScenario, store: SQLiteEventStore, storePath: String, server: FakeGraphAPI, clock: SystemDeliveryClock,
        deadline: Duration, leaveParked: Bool
    ) {
        self.scenario = scenario
        self.store = store
        self.storePath = storePath
        self.server = server
        self.clock = clock
        self.deadline = deadline
        self.leaveParked = leaveParked
        self.queue = DeliveryQueue(store: store, clock: clock)
    }

    /// The demo's pace: production defaults are 12 attempts, 2 s first backoff, and Meta's own
    /// estimate for throttling pauses.
    static let retryPolicy: RetryPolicy = {
        var policy = RetryPolicy()
        policy.maximumAttempts = 3
        policy.initialBackoff = .milliseconds(100)
        policy.maximumBackoff = .milliseconds(400)
        policy.defaultThrottlePause = .milliseconds(500)
        policy.maximumThrottlePause = .milliseconds(500)
        return policy
    }()

    var destination: PixelDestination {
        var destination = PixelDestination(pixelID: DemoScenario.pixel, accessToken: AccessToken(DemoCommand.accessToken))
        destination.appSecret = AppSecret(DemoCommand.appSecret)
        destination.testEventCode = DemoScenario.testEventCode
        destination.baseURL = server.baseURL
        return destination
    }

    mutating func perform() async throws {
        printHeader()
        server.setDatasetQuality(DatasetQualityScenario.dip, for: DemoScenario.pixel.rawValue)
        let built = try buildEvents(scenario.cases)
        try await enqueue(built)

        var configuration = DeliveryWorker.Configuration()
        configuration.batchSize = 4
        configuration.maximumConcurrentRequests = 1
        configuration.requestTimeout = .seconds(5)
        configuration.idlePollInterval = .milliseconds(200)
        configuration.retryPolicy = Self.retryPolicy
        let worker = DeliveryWorker(
            queue: queue, transport: AsyncHTTPClientTransport(), destinations: [destination], configuration: configuration,
            clock: clock)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            do {
                try await deliverFirstRound()
                try await takeFirstQualitySnapshot()
                try await showPayload()
                try await outageParkAndReplay()
                try await crmImport()
                group.cancelAll()
            } catch {
                group.cancelAll()
                throw error
            }
        }
        try await showStatuses()
        try await showCoverage()
        try await showQuality()
        printNextSteps()
    }

    // MARK: Steps

    func printHeader() {
        Console.line("RoasProof demo: build, queue and deliver Conversions API events, offline")
        Console.line("  store      \(storePath) (SQLite in WAL mode; every event is durable before enqueue returns)")
        Console.line("  Graph API  a fake on \(server.baseURL), scripted to answer one 429 rate limit, one 503, then an outage")
        Console.line("  pixel      \(DemoScenario.pixel), test_event_code \(DemoScenario.testEventCode), appsecret_proof on")
        Console.line("  pace       3 attempts per event, backoff from 100 ms, throttling pauses capped at 0.5 s")
        Console.line("             (production defaults: 12 attempts, backoff from 2 s up to 30 min, Meta's own estimate)")
    }

    struct Built {
        var events: [ServerEvent] = []
        var rejections = MatchKeyCoverage()
    }

    func buildEvents(
        _ cases: [DemoScenario.Case],
        title: String? = "1. Build events from sample orders, sign-ups and leads (UserDataAssembler, EventID, EventValidator)"
    ) throws -> Built {
        if let title {
            Console.line()
            Console.line(title)
        }
        let assembler = UserDataAssembler()
        let validator = Matching.EventValidator()
        let now = scenario.now
        var built = Built()
        for item in cases {
            let made = assembler.makeEvent(item.event, customer: item.customer, session: item.session)
            let title = "\(pad(item.event.eventName.rawValue, 21)) \(pad(item.event.eventID ?? "", 36))"
            guard let event = made.event else {
                Console.line("  –  \(title) \(item.story)")
                Console.line("       not sent: consent \(made.assembled.consent.signal.status.rawValue); nothing was hashed")
                continue
            }
            let problems = validator.problems(in: event, now: now)
            guard problems.isEmpty else {
                Console.line("  ✗  \(title) \(item.story)")
                Console.line("       refused before queueing, every problem at once:")
                for problem in problems {
                    Console.line("         \(problem.field): \(problem.code.rawValue): \(problem.message)")
                }
                continue
            }
            Console.line("  ✓  \(title) \(item.story)")
            Console.line("       sends  " + event.userData.presentKeys.map(\.rawValue).joined(separator: " "))
            var notes: [String] = []
            for entry in made.assembled.provenance {
                if entry.origin == .synthesized {
                    notes.append("\(entry.key.rawValue) synthesized from the stored click")
                } else if entry.origin == .rejected {
                    notes.append("\(entry.key.rawValue) dropped (\(entry.reason ?? "invalid"))")
                    built.rejections.recordRejection(
                        eventName: event.eventName, key: entry.key, reason: entry.reason ?? "rejected")
                } else if entry.origin == .withheldByConsent {
                    notes.append("\(entry.key.rawValue) withheld by consent")
                    built.rejections.recordRejection(
                        eventName: event.eventName, key: entry.key, reason: KeyProvenance.Origin.withheldByConsent.rawValue)
                }
            }
            if event.dataProcessingOptions == ["LDU"] {
                notes.append(
                    "Limited Data Use (country \(event.dataProcessingOptionsCountry ?? 0), state \(event.dataProcessingOptionsState ?? 0))"
                )
            }
            if event.actionSource != .website { notes.append("action_source \(event.actionSource.rawValue)") }
            if !notes.isEmpty { Console.line("       note   " + notes.joined(separator: "; ")) }
            built.events.append(event)
        }
        return built
    }

    func enqueue(_ built: Built) async throws {
        let result = try await queue.enqueue(contentsOf: built.events, pixel: DemoScenario.pixel)
        try await store.mergeCoverage(built.rejections, pixel: DemoScenario.pixel)
        Console.line()
        Console.line(
            "2. Queued \(result.insertedCount) events in \(storePath) in one durable commit "
                + "(hashed identifiers only; the raw emails and phones stop here)")
        // A retried order webhook builds the same Purchase again: same event_id, so one copy.
        if let purchase = built.events.first {
            let again = try await queue.enqueue(purchase, pixel: DemoScenario.pixel)
            if let duplicate = again.duplicates.first {
                Console.line(
                    "   The order webhook fired twice: \(duplicate.eventName.rawValue) \(duplicate.eventID) was enqueued again, "
                        + "and the store kept its one copy (\(again.insertedCount) new)")
            }
        }
    }

    mutating func deliverFirstRound() async throws {
        Console.line()
        Console.line("3. Deliver with DeliveryWorker and AsyncHTTPClientTransport (batches of 4, one request at a time)")
        server.inject(.tooManyRequests(regainAccessMinutes: 1), .serverError(status: 503, code: 2, isTransient: true))
        try await waitFor("every event to be delivered") { try await $0.store.counts(pixel: nil).undelivered == 0 }
    }

    mutating func showPayload() async throws {
        let key = EventKey(pixelID: DemoScenario.pixel, eventName: .purchase, eventID: "ord_84213")
        guard let report = try await store.status(of: key) else { return }
        let attempts = try await store.attempts(for: report.id)
        let delivering = attempts.last { $0.receipt.outcome == .delivered }
        let received = server.requests.contains { $0.responseStatus == 200 && $0.body.contains(report.json) }
        Console.line()
        Console.line("4. The exact payload of Purchase ord_84213")
        var location = "One element of \"data\""
        if let delivering, let number = requestNumbers[delivering.id] { location += " in request #\(number)" }
        location += " (POST /\(destination.graphVersion)/\(DemoScenario.pixel)/events?access_token=…&appsecret_proof=…, "
        location += "test_event_code \(DemoScenario.testEventCode)),"
        Console.line("   " + location)
        Console.line(
            received
                ? "   byte for byte as the Graph API received it (indentation added here):"
                : "   as stored (indentation added here); the fake Graph API has not received it yet:")
        Console.text(ShowCommand.indentLines(JSONIndenter.indent(report.json), by: 3) + "\n")
        if let event = try? CAPIJSON.decode(ServerEvent.self, from: Data(report.json.utf8)),
            let handoff = try PixelHandoff(event: event)
        {
            Console.line("   The browser copy on the thank-you page carries the same event_id, so Meta keeps one:")
            Console.line("   " + handoff.scriptSnippet)
        }
    }

    mutating func outageParkAndReplay() async throws {
        Console.line()
        Console.line("5. An outage: the Graph API answers 503 to every attempt of a late Lead")
        // One fault per attempt, each with its own fbtrace_id, as Meta would answer.
        for _ in 0..<Self.retryPolicy.maximumAttempts { server.inject(.serverError(status: 503, code: 2, isTransient: true)) }
        let event = try buildOutageEvent()
        try await queue.enqueue(event, pixel: DemoScenario.pixel)
        try await waitFor("the late Lead to be parked") { try await $0.store.counts(pixel: nil).parked == 1 }
        let key = EventKey(pixelID: DemoScenario.pixel, eventName: event.eventName, eventID: event.eventID ?? "")
        guard let parked = try await store.status(of: key) else { return }
        Console.line("   Parked after \(parked.attempts) attempts, kept for review instead of dropped:")
        let latest = try await store.latestAttempts(for: [parked.id])
        Console.text(TextDashboard.events([parked], latest: latest, indent: 3))
        if let reason = parked.parkReason { Console.line("   reason: \(reason)") }
        if leaveParked {
            Console.line("   Left parked (--leave-parked). Replay it with:")
            Console.line("     capi replay --store \(shellQuoted(storePath)) \(key.eventID)")
            return
        }
        Console.line("   The outage is over; replay it (what capi replay --store \(shellQuoted(storePath)) \(key.eventID) does):")
        try await queue.replay(parked.id)
        try await waitFor("the replayed Lead to be delivered") { run in
            try await run.store.status(of: parked.id)?.state == .delivered
        }
        let after = try await store.attempts(for: parked.id)
        Console.line(
            "   Delivered with the same event_id \(key.eventID) after \(after.count) requests; "
                + "fbtrace_id \(after.last?.receipt.fbtraceID ?? "–")")
    }

    func buildOutageEvent() throws -> ServerEvent {
        let item = scenario.outageCase
        guard let event = UserDataAssembler().makeEvent(item.event, customer: item.customer, session: item.session).event else {
            throw ValidationError("the demo's outage event was dropped by the consent policy")
        }
        Console.line("   ✓  \(pad(event.eventName.rawValue, 21)) \(pad(event.eventID ?? "", 36)) \(item.story)")
        return event
    }

    func showStatuses() async throws {
        Console.line()
        Console.line("7. Delivery status of every event (capi events --store \(shellQuoted(storePath)))")
        let reports = try await store.events(matching: EventFilter(), after: nil, limit: 1_000)
        let latest = try await store.latestAttempts(for: reports.map(\.id))
        Console.text(TextDashboard.events(reports, latest: latest, indent: 3))
        let counts = try await store.counts(pixel: nil)
        Console.line(
            "   \(counts.delivered) delivered, \(counts.pending) pending, \(counts.inFlight) in flight, \(counts.parked) parked; "
                + "the fake Graph API accepted \(server.acceptedEventCount) events in \(server.requests.count) requests")
    }

    func showCoverage() async throws {
        Console.line()
        Console.line("8. Match-key coverage per event type: the share of events carrying each key")
        Console.text(TextDashboard.coverage(try await store.coverage(pixel: DemoScenario.pixel), indent: 3))
    }

    /// The monitor of the demo's pixel, asking the fake Graph API's Dataset Quality endpoint.
    var qualityMonitor: DatasetQualityMonitor {
        DatasetQualityMonitor(
            destinations: [destination], store: store, clock: clock,
            logger: Logger(label: "capi.demo.quality", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    func takeFirstQualitySnapshot() async throws {
        let reading = try await qualityMonitor.takeSnapshot(of: destination)
        let scores = reading.snapshot.entries.compactMap { entry in
            entry.eventMatchQuality.map { "\(entry.eventName.rawValue) \(($0 * 10).rounded() / 10)/10" }
        }
        Console.line("   Dataset Quality snapshot 1 kept in the store (Meta's EMQ: \(scores.joined(separator: ", ")))")
    }

    mutating func crmImport() async throws {
        Console.line()
        Console.line("6. A CRM import: Purchases whose phone numbers carry no country code (and the customers no country)")
        let built = try buildEvents(scenario.crmImportCases, title: nil)
        try await queue.enqueue(contentsOf: built.events, pixel: DemoScenario.pixel)
        try await store.mergeCoverage(built.rejections, pixel: DemoScenario.pixel)
        try await waitFor("the imported Purchases to be delivered") { try await $0.store.counts(pixel: nil).undelivered == 0 }
    }

    func showQuality() async throws {
        Console.line()
        Console.line("9. Meta's view beside ours: Event Match Quality from the Dataset Quality API (DatasetQualityMonitor)")
        let reading = try await qualityMonitor.takeSnapshot(of: destination)
        Console.line(
            "   Snapshot 2 after the import. Meta's figures (the fake's scenario) beside the events stored since snapshot 1:")
        let ours =
            reading.history.snapshots.count > 1
            ? reading.history.localCoverage(after: reading.history.snapshots.count - 2, upTo: reading.history.snapshots.count - 1)
            : reading.snapshot.localCoverage
        let latest = QualityComparison(meta: reading.snapshot.report, local: ours)
        let purchase = QualityComparison(events: latest.events.filter { $0.eventName == EventName.purchase.rawValue })
        Console.text(TextDashboard.quality(purchase, indent: 3))
        for dip in reading.dips { Console.line("   DIP " + TerminalText.escape(dip.description)) }
    }

    func printNextSteps() {
        let store = shellQuoted(storePath)
        Console.line()
        Console.line("Next: inspect the store the demo left behind")
        Console.line("  capi status --store \(store)")
        Console.line("  capi quality --store \(store) --pixel-id \(DemoScenario.pixel)")
        Console.line("  capi events --store \(store) --state parked")
        Console.line("  capi show --store \(store) ord_84213")
        Console.line("  capi report --store \(store) --html capi-demo.html")
    }

    // MARK: Waiting and the live request log

    /// Polls `condition` until it holds, printing each new request as it is recorded.
    mutating func waitFor(_ what: String, _ condition: (DemoRun) async throws -> Bool) async throws {
        let start = ContinuousClock.now
        while true {
            try await printNewAttempts()
            if try await condition(self) {
                try await printNewAttempts()
                return
            }
            guard ContinuousClock.now - start < deadline else {
                throw ValidationError("timed out waiting for \(what); see capi status --store \(storePath)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    mutating func printNewAttempts() async throws {
        let recent = try await store.recentAttempts(matching: AttemptFilter(), before: nil, limit: 100)
        guard recent.contains(where: { !printedAttempts.contains($0.id) }) else { return }
        // The requests after which an event was parked: the last receipt of each parked event.
        let parked = try await store.events(matching: EventFilter(state: .parked), after: nil, limit: 100)
        let parkingAttempts = Set(try await store.latestAttempts(for: parked.map(\.id)).values.map(\.id))
        for attempt in recent.reversed() where !printedAttempts.contains(attempt.id) {
            printedAttempts.insert(attempt.id)
            requestNumbers[attempt.id] = requestNumbers.count + 1
            let receipt = attempt.receipt
            var line = "   #\(pad(String(requestNumbers.count), 2)) \(UTCTime.timeOfDay(receipt.startedAt))  "
            line += "\(receipt.eventCount) event\(receipt.eventCount == 1 ? " " : "s")  \(pad(AttemptText.answer(receipt), 32))"
            line += "  fbtrace_id \(receipt.fbtraceID ?? "–")"
            switch receipt.outcome {
            case .throttled: line += "  → pixel paused (Meta asked for 1 min; capped)"
            case .transient:
                line += parkingAttempts.contains(attempt.id) ? "  → retry budget spent: parked" : "  → retried with backoff"
            case .delivered: line += "  → events_received \(receipt.eventsReceived ?? 0)"
            default: break
            }
            Console.line(line)
        }
    }
}

/// `text` padded with spaces to `width` characters.
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}
