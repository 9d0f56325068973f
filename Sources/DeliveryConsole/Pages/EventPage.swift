import CAPIModel
import Delivery
import DeliveryDashboard
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension DeliveryConsole {
    /// One event: state, replay button when parked, the exact payload, every attempt, keys.
    func eventPage(_ id: EventRecordID, request: ConsoleRequest, context: PageContext) async throws -> ConsoleResponse {
        guard let report = try await store.status(of: id) else { return notFound("No event has store id \(id.rawValue).") }
        let attempts = try await store.attempts(for: id)
        let links = context.links
        var body = "<h1>\(e(report.key.eventName.rawValue)) <span class=\"mono\">\(e(report.key.eventID))</span></h1>\n"
        if request.queryValue("replayed") == "1" {
            body += "<p class=\"notice\" role=\"status\">Replayed: the event is queued again with the same event_id. "
            body += "This page follows it until the worker settles it.</p>\n"
        }
        if let problem = request.queryValue("rejected") {
            body += "<p class=\"notice bad\" role=\"alert\">Not replayed: \(e(problem))</p>\n"
        }
        let following = report.state == .pending || report.state == .inFlight
        body += "<dl class=\"facts\" id=\"event-state\""
        if following { body += " data-state-url=\"\(e(links.eventState(id)))\" data-state=\"\(report.state)\"" }
        body += ">\n<dt>State</dt><dd>\(ConsolePage.badge(report.state.description))"
        switch report.state {
        case .delivered: body += report.deliveredAt.map { " at \(UTCTime.iso8601($0, milliseconds: true))" } ?? ""
        case .parked: body += report.parkedAt.map { " at \(UTCTime.iso8601($0, milliseconds: true))" } ?? ""
        default: body += report.dueAt.map { " due \(UTCTime.iso8601($0, milliseconds: true))" } ?? ""
        }
        body += "</dd>\n"
        if let reason = report.parkReason { body += "<dt>Why parked</dt><dd>\(e(reason.description))</dd>\n" }
        body += "<dt>Store id</dt><dd>\(report.id)</dd>\n"
        body += "<dt>Pixel</dt><dd class=\"mono\">\(e(report.key.pixelID.rawValue))</dd>\n"
        body += "<dt>event_time</dt><dd>\(report.eventTime.seconds) (\(UTCTime.iso8601(report.eventTime)))</dd>\n"
        body += "<dt>action_source</dt><dd>\(e(report.actionSource.rawValue))</dd>\n"
        body += "<dt>Enqueued</dt><dd>\(UTCTime.iso8601(report.enqueuedAt, milliseconds: true))</dd>\n"
        body += "<dt>Attempts</dt><dd>\(report.attempts) counted against the retry budget, \(attempts.count) request"
        body += "\(attempts.count == 1 ? "" : "s") carried it</dd>\n</dl>\n"
        if report.state == .parked {
            body +=
                "<form method=\"post\" action=\"\(e(links.replay(id)))\" class=\"replay\">\(ConsolePage.csrfField(context.csrf))"
            body += "<button type=\"submit\" class=\"primary\" id=\"replay\">Replay</button> "
            body +=
                "<span class=\"note\">Validates the event again and queues it with the same event_id and a fresh retry budget, "
            body += "as <code>capi replay</code> does.</span></form>\n"
        }
        body += "<h2>Payload</h2>\n<p class=\"note\">One element of <code>data</code>, byte for byte as stored and sent "
        body += "(indented here for reading). It may hold the buyer's IP address and user agent, which Meta takes unhashed.</p>\n"
        body += "<pre id=\"payload\">\(e(JSONIndenter.indent(report.json)))</pre>\n"
        body += EventPage.keys(report.json)
        body += "<h2>Attempts</h2>\n"
        if attempts.isEmpty {
            body += "<p class=\"empty\">No request has carried this event yet.</p>\n"
        } else {
            body +=
                "<table id=\"attempts\"><thead><tr><th>Started (UTC)</th><th class=\"num\">Events in request</th><th>HTTP</th>"
            body += "<th>Outcome</th><th>Graph code</th><th>fbtrace_id</th><th>Meta's message</th></tr></thead>\n<tbody>\n"
            for attempt in attempts { body += AttemptRow.html(attempt.receipt, includePixel: false) }
            body += "</tbody></table>\n"
        }
        return .html(
            200,
            ConsolePage.layout(title: "Event \(report.id)", links: links, session: nil, body: body, storeTitle: context.title))
    }

    /// `{"id":12,"state":"pending"}`: what the event page's script polls.
    func eventState(_ id: EventRecordID) async throws -> ConsoleResponse {
        guard let report = try await store.status(of: id) else {
            return ConsoleResponse(
                status: 404, headers: [("Content-Type", "application/json")], body: Array(#"{"error":"no such event"}"#.utf8))
        }
        let json = #"{"id":\#(report.id.rawValue),"state":"\#(report.state)"}"#
        return ConsoleResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(json.utf8))
    }
}

enum EventPage {
    /// What the stored payload says about each `user_data` key. The store keeps the event as
    /// sent, so this is the provenance it can show: hashed by us (SHA-256 hex) or sent as is;
    /// rejected values and consent decisions are counted per event type (coverage), not per event.
    static func keys(_ json: String) -> String {
        var html = "<h2>Keys and their provenance</h2>\n"
        guard case .object(let event)? = try? CAPIJSON.decode(JSONValue.self, from: Data(json.utf8)),
            case .object(let userData)? = event["user_data"]
        else {
            return html + "<p class=\"empty\">The payload has no <code>user_data</code>.</p>\n"
        }
        html += "<p class=\"note\">What the stored payload shows per key. Values rejected by validation or withheld by "
        html += "consent were never stored; the overview counts them per event type.</p>\n"
        html += "<table id=\"keys\"><thead><tr><th>Key</th><th>What</th><th>As sent</th></tr></thead>\n<tbody>\n"
        for name in userData.keys.sorted() {
            guard let value = userData[name] else { continue }
            let what = UserDataKey(rawValue: name).map(KeyNames.describe) ?? name
            html += "<tr><td class=\"mono\">\(e(name))</td><td>\(e(what))</td>"
            html += "<td>\(e(provenance(name: name, value: value)))</td></tr>\n"
        }
        return html + "</tbody></table>\n"
    }

    static func provenance(name: String, value: JSONValue) -> String {
        let strings: [String]
        switch value {
        case .string(let text): strings = [text]
        case .array(let items): strings = items.compactMap { if case .string(let text) = $0 { text } else { nil } }
        default: strings = []
        }
        let count = strings.count > 1 ? "\(strings.count) values, " : ""
        if !strings.isEmpty && strings.allSatisfy(isSHA256Hex) { return count + "hashed (SHA-256 of the normalized value)" }
        switch name {
        case "client_ip_address", "client_user_agent": return count + "passed through unhashed, as Meta requires"
        case "fbc", "fbp": return count + "passed through (Meta's cookie format)"
        default: return count + "sent as is"
        }
    }

    static func isSHA256Hex(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
