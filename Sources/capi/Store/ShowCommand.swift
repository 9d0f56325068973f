import ArgumentParser
import CAPIModel
import Delivery
import DeliverySQLite
import DeliveryDashboard

/// `capi show --store FILE EVENT_ID`: one event's payload and every attempt.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one event: its state, the exact payload stored and sent, and every attempt with Meta's answer.",
        discussion: """
            EVENT is an event_id (ord_84213) or the store id from capi events (12). When several events share an event_id (a Purchase and an InitiateCheckout of one order), each is shown; narrow with --event-name or --pixel-id.

            Examples:
              capi show --store capi-demo.sqlite ord_84213
              capi show --store capi-demo.sqlite 7 --bodies
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: ArgumentHelp("An event_id or a store id.", valueName: "event"))
    var event: String

    @Option(name: .long, help: ArgumentHelp("Only the event for this pixel.", valueName: "id"))
    var pixelID: String?

    @Option(name: .long, help: ArgumentHelp("Only the event with this event_name.", valueName: "name"))
    var eventName: String?

    @Flag(name: .long, help: "Also print each request body (a batch of up to 1,000 events) and the full response body.")
    var bodies = false

    func run() async throws {
        try await storeOptions.withStore(access: .readOnly) { store in
            let reports = try await EventLookup.find(event, pixelID: pixelID, eventName: eventName, in: store)
            for (index, report) in reports.enumerated() {
                if index > 0 { Console.line(String(repeating: "─", count: 60)) }
                Console.text(Self.render(report, attempts: try await store.attempts(for: report.id), bodies: bodies))
            }
        }
    }

    /// The event's text. Stored and received strings (names, ids, Meta's messages, bodies) go
    /// through `TerminalText`, so none can drive the terminal.
    static func render(_ report: EventStatusReport, attempts: [RecordedAttempt], bodies: Bool) -> String {
        let safe = TerminalText.escape
        var text =
            "\(safe(report.key.eventName.rawValue)) \(safe(report.key.eventID))  (id \(report.id), pixel \(safe(report.key.pixelID.rawValue)))\n"
        var state = "  state          \(report.state)"
        switch report.state {
        case .delivered: state += report.deliveredAt.map { " at \(UTCTime.iso8601($0, milliseconds: true))" } ?? ""
        case .parked: state += report.parkedAt.map { " at \(UTCTime.iso8601($0, milliseconds: true))" } ?? ""
        case .pending, .inFlight:
            state += report.dueAt.map { " (due \(UTCTime.iso8601($0, milliseconds: true)))" } ?? ""
        default: break
        }
        text += state + "\n"
        if let reason = report.parkReason { text += "  park reason    \(safe(reason.description))\n" }
        text +=
            "  attempts       \(report.attempts) counted against the retry budget, \(attempts.count) request"
            + "\(attempts.count == 1 ? "" : "s") carried it\n"
        text += "  event_time     \(report.eventTime.seconds) (\(UTCTime.iso8601(report.eventTime)))\n"
        text += "  action_source  \(report.actionSource.rawValue)\n"
        text += "  enqueued       \(UTCTime.iso8601(report.enqueuedAt, milliseconds: true))\n"
        text += "\nPayload: one element of \"data\", byte for byte as sent (indented here for reading)\n"
        text += TerminalText.escapeLines(JSONIndenter.indent(report.json)) + "\n"
        text += "\nAttempts\n"
        if attempts.isEmpty { text += "  none yet\n" }
        for (index, attempt) in attempts.enumerated() {
            let receipt = attempt.receipt
            text += "  \(index + 1). \(UTCTime.iso8601(receipt.startedAt, milliseconds: true))  \(AttemptText.answer(receipt))"
            text +=
                "  \(receipt.durationMilliseconds) ms  \(receipt.eventCount) event\(receipt.eventCount == 1 ? "" : "s") in the request\n"
            text += "     fbtrace_id \(safe(receipt.fbtraceID ?? "–"))"
            if let received = receipt.eventsReceived { text += "  events_received \(received)" }
            text += "\n"
            if let message = receipt.errorMessage { text += "     message    \(safe(message))\n" }
            for message in receipt.messages { text += "     meta says  \(safe(message))\n" }
            if bodies {
                text +=
                    "     request body\n" + indentLines(TerminalText.escapeLines(JSONIndenter.indent(receipt.requestBody)), by: 7)
                    + "\n"
                if let response = receipt.responseBody {
                    text += "     response body\n" + indentLines(TerminalText.escapeLines(response), by: 7) + "\n"
                }
            }
        }
        return text
    }

    static func indentLines(_ text: String, by count: Int) -> String {
        let margin = String(repeating: " ", count: count)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { margin + $0 }.joined(separator: "\n")
    }
}
