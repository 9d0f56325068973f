import ArgumentParser
import CAPIModel
import Delivery
import DeliverySQLite
import DeliveryDashboard
import FoundationEssentials

/// `capi events --store FILE [--state parked]`: every event with its state and latest answer.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List stored events with their state, attempts, latest answer and fbtrace_id.",
        discussion: """
            Examples:
              capi events --store capi-demo.sqlite
              capi events --store capi-demo.sqlite --state parked
              capi events --store capi-demo.sqlite --event-name Purchase --jsonl | jq .
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(
        name: .long, help: ArgumentHelp("Only events in this state: pending, in_flight, delivered or parked.", valueName: "state")
    )
    var state: String?

    @Option(name: .long, help: ArgumentHelp("Only events for this pixel.", valueName: "id"))
    var pixelID: String?

    @Option(name: .long, help: ArgumentHelp("Only events with this event_name, such as Purchase.", valueName: "name"))
    var eventName: String?

    @Option(name: .long, help: "List at most this many events (all by default).")
    var limit: Int?

    @Flag(name: .long, help: "Write one JSON object per event instead of a table.")
    var jsonl = false

    static let pageSize = 500

    func validate() throws {
        if let state, EventState(name: state) == nil {
            throw ValidationError("--state must be pending, in_flight, delivered or parked")
        }
        if let limit, limit < 0 { throw ValidationError("--limit must not be negative") }
    }

    func run() async throws {
        let filter = EventFilter(
            pixelID: pixelID.map { PixelID($0) }, state: state.flatMap { EventState(name: $0) },
            eventName: eventName.map { EventName($0) })
        try await storeOptions.withStore(access: .readOnly) { store in
            var cursor: EventRecordID?
            var listed = 0
            let wanted = limit ?? Int.max
            while listed < wanted {
                let page = try await store.events(
                    matching: filter, after: cursor, limit: min(Self.pageSize, wanted - listed))
                guard !page.isEmpty else { break }
                let latest = try await store.latestAttempts(for: page.map(\.id))
                if jsonl {
                    var lines = ""
                    for report in page { lines += try EventLine(report, latest: latest[report.id]?.receipt).json() + "\n" }
                    Console.text(lines)
                } else {
                    Console.text(TextDashboard.events(page, latest: latest, header: listed == 0))
                }
                listed += page.count
                cursor = page.last?.id
            }
            if listed == 0 && !jsonl {
                Console.error("no events match")
            }
        }
    }
}

extension EventState {
    /// The state named as `description` prints it (`in_flight`), or `nil`.
    init?(name: String) {
        switch name.lowercased().replacing("-", with: "_") {
        case "pending": self = .pending
        case "in_flight", "inflight": self = .inFlight
        case "delivered": self = .delivered
        case "parked": self = .parked
        default: return nil
        }
    }
}

/// One event of `capi events --jsonl`.
struct EventLine: Encodable {
    struct Reason: Encodable {
        var code: String
        var message: String
        var graphCode: Int?
        var graphSubcode: Int?
        enum CodingKeys: String, CodingKey {
            case code, message
            case graphCode = "graph_code"
            case graphSubcode = "graph_subcode"
        }
    }

    struct LastAttempt: Encodable {
        var startedAt: String
        var httpStatus: Int?
        var outcome: String
        var errorCode: Int?
        var errorSubcode: Int?
        var fbtraceID: String?
        enum CodingKeys: String, CodingKey {
            case outcome
            case startedAt = "started_at"
            case httpStatus = "http_status"
            case errorCode = "error_code"
            case errorSubcode = "error_subcode"
            case fbtraceID = "fbtrace_id"
        }
    }

    var id: Int64
    var pixelID: String
    var eventName: String
    var eventID: String
    var state: String
    var attempts: Int
    var eventTime: Int64
    var enqueuedAt: String
    var deliveredAt: String?
    var parkedAt: String?
    var parkReason: Reason?
    var lastAttempt: LastAttempt?

    enum CodingKeys: String, CodingKey {
        case id, state, attempts
        case pixelID = "pixel_id"
        case eventName = "event_name"
        case eventID = "event_id"
        case eventTime = "event_time"
        case enqueuedAt = "enqueued_at"
        case deliveredAt = "delivered_at"
        case parkedAt = "parked_at"
        case parkReason = "park_reason"
        case lastAttempt = "last_attempt"
    }

    init(_ report: EventStatusReport, latest: AttemptReceipt?) {
        id = report.id.rawValue
        pixelID = report.key.pixelID.rawValue
        eventName = report.key.eventName.rawValue
        eventID = report.key.eventID
        state = report.state.description
        attempts = report.attempts
        eventTime = report.eventTime.seconds
        enqueuedAt = UTCTime.iso8601(report.enqueuedAt, milliseconds: true)
        deliveredAt = report.deliveredAt.map { UTCTime.iso8601($0, milliseconds: true) }
        parkedAt = report.parkedAt.map { UTCTime.iso8601($0, milliseconds: true) }
        parkReason = report.parkReason.map {
            Reason(code: $0.code.rawValue, message: $0.message, graphCode: $0.graphCode, graphSubcode: $0.graphSubcode)
        }
        lastAttempt = latest.map {
            LastAttempt(
                startedAt: UTCTime.iso8601($0.startedAt, milliseconds: true), httpStatus: $0.httpStatus,
                outcome: $0.outcome.rawValue, errorCode: $0.errorCode, errorSubcode: $0.errorSubcode, fbtraceID: $0.fbtraceID)
        }
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // C1 controls and bidirectional overrides stay as \u escapes: the same JSON for jq,
        // nothing a terminal acts on when the lines are printed as they are.
        return TerminalText.escapeJSON(String(decoding: try encoder.encode(self), as: UTF8.self))
    }
}
