import ArgumentParser
import CAPIModel
import Delivery
import DeliveryDashboard
import DeliverySQLite

/// `capi replay --store FILE EVENT_ID | --all-parked`: queue parked events again.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Queue parked events again, with the same event_id and a fresh retry budget.",
        discussion: """
            Each event is validated again first; one that no longer passes (older than Meta accepts, say) stays parked and is reported. Replayed events are pending: the DeliveryWorker of the app that owns the store sends them within its poll interval.

            Examples:
              capi replay --store capi-demo.sqlite ord_84213
              capi replay --store capi-demo.sqlite --all-parked
              capi replay --store capi-demo.sqlite --all-parked --pixel-id 1234567890
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: ArgumentHelp("The event_id (or store id) of a parked event.", valueName: "event"))
    var event: String?

    @Flag(name: .long, help: "Replay every parked event (of --pixel-id, if given), with progress on standard error.")
    var allParked = false

    @Option(name: .long, help: ArgumentHelp("Only events for this pixel.", valueName: "id"))
    var pixelID: String?

    @Option(name: .long, help: ArgumentHelp("Only the event with this event_name.", valueName: "name"))
    var eventName: String?

    /// Parked events replayed per transaction.
    static let pageSize = 1_000

    func validate() throws {
        if (event == nil) == (!allParked) {
            throw ValidationError("pass the event_id of a parked event, or --all-parked")
        }
        if allParked && eventName != nil {
            throw ValidationError("--event-name narrows a single event; --all-parked replays every parked event")
        }
    }

    func run() async throws {
        try await storeOptions.withStore { store in
            let queue = DeliveryQueue(store: store)
            if let event {
                try await replayOne(event, store: store, queue: queue)
            } else {
                try await replayAll(store: store, queue: queue)
            }
        }
    }

    private func replayOne(_ event: String, store: some InspectableEventStore, queue: DeliveryQueue) async throws {
        let matches = try await EventLookup.find(event, pixelID: pixelID, eventName: eventName, in: store)
        let parked = matches.filter { $0.state == .parked }
        guard !parked.isEmpty else {
            let states = matches.map { "\($0.key.eventName.rawValue) \($0.key.eventID) is \($0.state)" }
            throw ValidationError("nothing to replay: " + states.joined(separator: "; "))
        }
        let result = try await queue.replay(parked.map(\.id))
        for report in parked where result.replayed.contains(report.id) {
            Console.line(
                "replayed \(TerminalText.escape(report.key.eventName.rawValue)) \(TerminalText.escape(report.key.eventID)) (id \(report.id)): pending again, same event_id"
            )
        }
        for issue in result.rejected {
            Console.error("not replayed: \(TerminalText.escape("\(issue.eventID ?? "?"): \(issue.rule): \(issue.message)"))")
        }
        if !result.rejected.isEmpty { throw ExitCode(65) }
        Console.line(Self.deliveryHint)
    }

    private func replayAll(store: some InspectableEventStore, queue: DeliveryQueue) async throws {
        let pixel = pixelID.map { PixelID($0) }
        let total = try await store.counts(pixel: pixel).parked
        guard total > 0 else {
            Console.line("no parked events\(pixel.map { " for pixel \($0)" } ?? "")")
            return
        }
        var progress = ProgressReporter(label: "replay", total: total, unit: "parked events")
        progress.update(0)
        var cursor: EventRecordID?
        var seen = 0
        var replayed = 0
        var rejected: [EventValidationIssue] = []
        while true {
            let page = try await store.parkedEvents(pixel: pixel, after: cursor, limit: Self.pageSize)
            guard !page.isEmpty else { break }
            let result = try await queue.replay(page.map(\.id))
            replayed += result.replayed.count
            rejected += result.rejected
            seen += page.count
            cursor = page.last?.id
            progress.update(min(seen, total))
        }
        progress.finish()
        Console.line("replayed \(grouped(replayed)) of \(grouped(seen)) parked events: pending again, same event_ids")
        if !rejected.isEmpty {
            Console.line("\(grouped(rejected.count)) stay parked because they no longer pass validation:")
            for issue in rejected.prefix(20) {
                Console.line("  " + TerminalText.escape("\(issue.eventID ?? "?"): \(issue.rule): \(issue.message)"))
            }
            if rejected.count > 20 { Console.line("  … \(grouped(rejected.count - 20)) more") }
        }
        Console.line(Self.deliveryHint)
    }

    static let deliveryHint =
        "The DeliveryWorker of the app that owns this store sends them within its poll interval (5 s by default)."
}
