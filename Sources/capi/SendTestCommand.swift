import ArgumentParser
import CAPIModel
import Dedup
import Delivery
import DeliveryDashboard
import DeliveryHTTP
import DeliverySQLite
import FoundationEssentials
import Identity
import Matching

/// `capi send-test`: one test Purchase through the real pipeline, for Meta's Test Events tool.
struct SendTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send-test",
        abstract: "Send a test Purchase through the real pipeline to Meta's Test Events tool.",
        discussion: """
            The event is built with UserDataAssembler, validated, queued in a SQLite store and delivered by DeliveryWorker over AsyncHTTPClient, exactly like production events, with test_event_code set so Meta shows it in Events Manager > Test Events and does not count it.

            Keep the token out of your shell history: export it first, then omit --access-token.
              read -rs CAPI_ACCESS_TOKEN && export CAPI_ACCESS_TOKEN
              capi send-test --pixel-id 1234567890 --test-event-code TEST61045
            The token is never printed, logged or stored.
            """
    )

    static let tokenVariable = "CAPI_ACCESS_TOKEN"
    static let secretVariable = "CAPI_APP_SECRET"

    @OptionGroup var graph: GraphOptions

    @Option(
        name: .long,
        help: ArgumentHelp("The access token; prefer the CAPI_ACCESS_TOKEN environment variable.", valueName: "token"))
    var accessToken: String?

    @Option(
        name: .customLong("test-event-code"),
        help: ArgumentHelp("The code shown in Events Manager > Test Events; or set CAPI_TEST_EVENT_CODE.", valueName: "code"))
    var testEventCodeOption: String?

    @Option(
        name: .long, help: ArgumentHelp("The app secret, to send appsecret_proof; or set CAPI_APP_SECRET.", valueName: "secret"))
    var appSecret: String?

    @Option(
        name: .long,
        help: ArgumentHelp("The order id of the test Purchase (event_id ord_<id>); unique by default.", valueName: "id"))
    var orderID: String?

    @Option(name: .long, help: ArgumentHelp("The email to hash into the test event.", valueName: "address"))
    var email: String = "test@example.com"

    @Option(name: .long, help: ArgumentHelp("Keep the queue in this SQLite file instead of a temporary one.", valueName: "file"))
    var store: String?

    @Option(name: .long, help: "Give up waiting for Meta's answer after this many seconds.")
    var timeout: Double = 30

    // Falls back to the setting CAPIClient reads (see CapiSettings), like the Graph options.
    var testEventCode: String { testEventCodeOption ?? CapiSettings.string("capi.testEventCode") ?? "" }

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        guard !testEventCode.isEmpty else {
            throw ValidationError("--test-event-code (or CAPI_TEST_EVENT_CODE) is the code shown in Events Manager > Test Events")
        }
    }

    /// The token from the option or the environment.
    func resolvedToken() throws -> AccessToken {
        if let accessToken, !accessToken.isEmpty { return AccessToken(accessToken) }
        if let value = ProcessInfo.processInfo.environment[Self.tokenVariable], !value.isEmpty { return AccessToken(value) }
        throw ValidationError("pass --access-token or set \(Self.tokenVariable) (better: it stays out of shell history)")
    }

    func run() async throws {
        var destination = graph.destination(
            accessToken: try resolvedToken(), appSecret: appSecret ?? ProcessInfo.processInfo.environment[Self.secretVariable])
        destination.testEventCode = testEventCode

        let clock = SystemDeliveryClock()
        let event = try buildEvent(now: clock.now)
        let path =
            store ?? FileManager.default.temporaryDirectory.path + "/capi-send-test-\(UInt64.random(in: 0...UInt64.max)).sqlite"
        // A temporary store goes when the command ends, by Ctrl-C or SIGTERM too.
        let temporaryFiles = store == nil ? ["", "-wal", "-shm"].map { path + $0 } : []
        let signalCleanup = SignalCleanup(removing: temporaryFiles)
        defer {
            signalCleanup.cancel()
            for file in temporaryFiles { try? FileManager.default.removeItem(atPath: file) }
        }
        let delivered = try await withSQLiteEventStore(path: path) { sqlite in
            try await send(event, to: destination, store: sqlite, clock: clock)
        }
        if !delivered { throw ExitCode.failure }
    }

    func buildEvent(now: Timestamp) throws -> ServerEvent {
        let order = orderID ?? "test-\(now.seconds)"
        var rng = SystemRandomNumberGenerator()
        let template = ServerEvent(
            eventName: .purchase, eventTime: now, actionSource: .website, userData: UserData(),
            customData: CustomData(
                value: 1, currency: "EUR", contentIDs: ["ROASPROOF-TEST"], contentType: "product", orderID: order),
            eventID: try EventID.forOrder(order).rawValue, eventSourceURL: "https://roasproof.invalid/send-test")
        let session = SessionContext(
            consent: .granted, fbpCookie: "fb.1.\(now.milliseconds).\(UInt32.random(in: 1...UInt32(Int32.max), using: &rng))",
            visitorID: VisitorID.mint(using: &rng), clientIPAddresses: IPAddress("203.0.113.24").map { [$0] } ?? [],
            userAgent: "Mozilla/5.0 (compatible; RoasProof-send-test/\(RoasProofVersion.current))")
        let built = UserDataAssembler().makeEvent(template, customer: CustomerRecord(emails: [email]), session: session)
        if let rejected = built.assembled.rejections.first {
            throw ValidationError("--email: \(rejected.reason ?? "invalid"): \(rejected.message ?? "")")
        }
        guard let event = built.event else { throw ValidationError("the consent policy dropped the test event") }
        let problems = Matching.EventValidator().problems(in: event, now: now)
        guard problems.isEmpty else {
            throw ValidationError("the test event does not validate: " + problems.map(\.description).joined(separator: "; "))
        }
        return event
    }

    /// Delivers `event` and reports what happened; true when Meta accepted it.
    func send(
        _ event: ServerEvent, to destination: PixelDestination, store: SQLiteEventStore, clock: SystemDeliveryClock
    )
        async throws -> Bool
    {
        let queue = DeliveryQueue(store: store, clock: clock)
        try await queue.enqueue(event, pixel: destination.pixelID)
        let key = EventKey(pixelID: destination.pixelID, eventName: event.eventName, eventID: event.eventID ?? "")
        guard let report = try await store.status(of: key) else { return false }
        Console.line(
            "send-test: Purchase \(key.eventID) to pixel \(destination.pixelID) at \(destination.baseURL)/\(destination.graphVersion) "
                + "with test_event_code \(testEventCode)\(destination.appSecret == nil ? "" : " and appsecret_proof")")
        Console.line("payload (one element of \"data\"):")
        Console.line(JSONIndenter.indent(report.json))

        var configuration = DeliveryWorker.Configuration()
        configuration.requestTimeout = .seconds(15)
        configuration.idlePollInterval = .milliseconds(250)
        configuration.retryPolicy.maximumAttempts = 4
        configuration.retryPolicy.initialBackoff = .seconds(1)
        let worker = DeliveryWorker(
            queue: queue, transport: AsyncHTTPClientTransport(), destinations: [destination], configuration: configuration,
            clock: clock)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            defer { group.cancelAll() }
            var printed = 0
            let start = ContinuousClock.now
            while true {
                // Status first: a receipt and its event's new state are written together, so
                // the attempts read next include the one that settled this status.
                let status = try await store.status(of: report.id)
                let suspended = worker.status(of: destination.pixelID)?.error
                let attempts = try await store.attempts(for: report.id)
                for attempt in attempts.dropFirst(printed) {
                    var line = "answer: \(AttemptText.answer(attempt.receipt))"
                    if let received = attempt.receipt.eventsReceived { line += ", events_received \(received)" }
                    // Meta's words (or a server's pretending to be Meta) are escaped, never obeyed.
                    line += ", fbtrace_id \(TerminalText.escape(attempt.receipt.fbtraceID ?? "–"))"
                    Console.line(line)
                    if let message = attempt.receipt.errorMessage { Console.line("        \(TerminalText.escape(message))") }
                }
                printed = attempts.count
                if status?.state == .delivered {
                    printSuccess(event, destination: destination)
                    return true
                }
                if status?.state == .parked {
                    Console.error(
                        "send-test: Meta did not accept the event: \(TerminalText.escape(status?.parkReason?.description ?? "parked"))"
                    )
                    return false
                }
                if let suspended {
                    Console.error("send-test: \(TerminalText.escape(suspended.message))")
                    return false
                }
                if ContinuousClock.now - start > .milliseconds(Int64(timeout * 1_000)) {
                    Console.error(
                        "send-test: no final answer after \(timeout) s (the event is \(status?.state.description ?? "queued")); "
                            + "Meta may be throttling this pixel, try again later")
                    return false
                }
                try await Task.sleep(for: .milliseconds(25))
            }
        }
    }

    func printSuccess(_ event: ServerEvent, destination: PixelDestination) {
        Console.line(
            "Meta accepted the test event. Open Events Manager > Data sources > pixel \(destination.pixelID) > Test Events:")
        Console.line("it appears under \(testEventCode) within a minute, with its match keys.")
        if let handoff = try? PixelHandoff(event: event) {
            Console.line("To watch deduplication, fire the browser copy with the same eventID on a page with the pixel:")
            Console.line("  " + handoff.scriptSnippet)
        }
    }
}
