public import CAPIModel
public import Delivery

/// The terminal views of `capi status`, `capi events`, `capi show` and `capi demo`.
///
/// Stored and received text in them is escaped with ``TerminalText``.
public enum TextDashboard {
    /// Counts by state, one row per pixel, plus a total row when there are several pixels.
    public static func counts(_ pixels: [DashboardSnapshot.Pixel], indent: Int = 0) -> String {
        var table = TextTable(columns: [
            .init("PIXEL"), .init("DELIVERED", alignment: .right), .init("PENDING", alignment: .right),
            .init("IN FLIGHT", alignment: .right), .init("PARKED", alignment: .right), .init("TOTAL", alignment: .right),
        ])
        func row(_ name: String, _ counts: EventCounts) -> [String] {
            [name, "\(counts.delivered)", "\(counts.pending)", "\(counts.inFlight)", "\(counts.parked)", "\(counts.total)"]
        }
        for pixel in pixels { table.append(row(pixel.pixelID.rawValue, pixel.counts)) }
        if pixels.count > 1 {
            table.append(row("all pixels", EventCounts.sum(pixels.map(\.counts))))
        }
        return table.render(indent: indent)
    }

    /// Suspended and paused pixels: for a suspension, since when, Meta's code, and what is
    /// wrong and how to fix it; for a pause, until when. Empty when no pixel is held.
    public static func holds(_ snapshot: DashboardSnapshot, indent: Int = 0) -> String {
        let margin = String(repeating: " ", count: indent)
        var text = ""
        let suspensions = snapshot.suspensions
        if !suspensions.isEmpty {
            text += "Suspended pixels: workers sending with what Meta refused send nothing; events stay queued\n"
            for (pixel, suspension) in suspensions {
                let error = suspension.error
                text += margin + "\(pixel.rawValue)  \(suspension.reason) since \(UTCTime.dateTime(suspension.since)) UTC"
                text += " (Graph \(HoldText.graphCode(error))"
                if let trace = error.fbtraceID { text += ", fbtrace_id \(trace)" }
                text += ")\n"
                text += margin + "  " + suspension.reason.explanation(pixel: pixel, error: error) + "\n"
            }
        }
        let pauses = snapshot.pauses
        if !pauses.isEmpty {
            if !text.isEmpty { text += "\n" }
            text += "Paused pixels: Meta throttled them; sending resumes by itself\n"
            for (pixel, until) in pauses {
                text += margin + "\(pixel.rawValue)  paused until \(UTCTime.dateTime(until)) UTC\n"
            }
        }
        return text
    }

    /// The coverage table: per event type, one bar per key with its share and rejections.
    public static func coverage(_ coverage: MatchKeyCoverage, barWidth: Int = 20, indent: Int = 0) -> String {
        let report = CoverageReport(coverage)
        guard !report.sections.isEmpty else {
            return String(repeating: " ", count: indent) + "(no events recorded)\n"
        }
        var text = ""
        let margin = String(repeating: " ", count: indent)
        for (index, section) in report.sections.enumerated() {
            if index > 0 { text += "\n" }
            text +=
                margin
                + "\(TerminalText.escape(section.eventName.rawValue)) · \(section.events) event\(section.events == 1 ? "" : "s")\n"
            var table = TextTable(columns: [
                .init("KEY"), .init("BAR"), .init("SHARE", alignment: .right), .init("EVENTS", alignment: .right),
                .init("REJECTED"),
            ])
            for row in section.rows {
                table.append([
                    row.key.rawValue, TextBar.render(share: row.share, width: barWidth),
                    Percent.text(row.carried, of: row.events), "\(row.carried)/\(row.events)",
                    row.rejections.map { "\($0.reason) ×\($0.count)" }.joined(separator: ", "),
                ])
            }
            text += table.render(indent: indent + 2, header: false)
        }
        return text
    }

    /// One line per event: id, pixel, name, event_id, state, attempts and the latest answer.
    public static func events(
        _ reports: [EventStatusReport], latest: [EventRecordID: RecordedAttempt], header: Bool = true, indent: Int = 0
    ) -> String {
        // Minimum widths keep pages of a long listing aligned with each other.
        var table = TextTable(columns: [
            .init("ID", alignment: .right, minimumWidth: 4), .init("PIXEL", minimumWidth: 10),
            .init("EVENT", minimumWidth: 20), .init("EVENT_ID", minimumWidth: 36), .init("STATE", minimumWidth: 9),
            .init("TRIES", alignment: .right), .init("LAST ANSWER", minimumWidth: 18), .init("FBTRACE_ID"),
        ])
        for report in reports {
            let attempt = latest[report.id]?.receipt
            var state = report.state.description
            if let reason = report.parkReason { state += " (\(reason.code.rawValue))" }
            table.append([
                report.id.description, report.key.pixelID.rawValue, report.key.eventName.rawValue, report.key.eventID, state,
                "\(report.attempts)", attempt.map(AttemptText.answer) ?? "–", attempt?.fbtraceID ?? "–",
            ])
        }
        return table.render(indent: indent, header: header)
    }

    /// Requests, one line each: when, pixel, events, answer, fbtrace_id and Meta's message.
    public static func attempts(_ attempts: [RecordedAttempt], indent: Int = 0) -> String {
        var table = TextTable(columns: [
            .init("#", alignment: .right), .init("STARTED (UTC)"), .init("PIXEL"), .init("EVENTS", alignment: .right),
            .init("ANSWER"), .init("FBTRACE_ID"), .init("MESSAGE"),
        ])
        for attempt in attempts {
            let receipt = attempt.receipt
            table.append([
                attempt.id.description, UTCTime.dateTime(receipt.startedAt), receipt.pixelID.rawValue,
                "\(receipt.eventCount)", AttemptText.answer(receipt), receipt.fbtraceID ?? "–",
                AttemptText.message(receipt) ?? "",
            ])
        }
        return table.render(indent: indent)
    }
}

/// Short descriptions of a request's outcome, shared by the text and HTML views.
public enum AttemptText {
    /// `HTTP 429 throttled (Graph 80004)`, `HTTP 200 delivered`, `no response: transient`.
    public static func answer(_ receipt: AttemptReceipt) -> String {
        var text = receipt.httpStatus.map { "HTTP \($0) " } ?? "no response: "
        text += receipt.outcome.rawValue
        if let code = receipt.errorCode {
            text += " (Graph \(code)"
            if let subcode = receipt.errorSubcode { text += "/\(subcode)" }
            text += ")"
        }
        return text
    }

    /// Meta's error message or the network error, cut to `limit` characters; `nil` on success.
    public static func message(_ receipt: AttemptReceipt, limit: Int = 100) -> String? {
        guard let message = receipt.errorMessage, !message.isEmpty else { return nil }
        let oneLine = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        return oneLine.count > limit ? String(oneLine.prefix(limit - 1)) + "…" : oneLine
    }
}

/// Pieces of the pixel-hold views, shared by the text and HTML views.
enum HoldText {
    /// `100/33`, `190`.
    static func graphCode(_ error: GraphError) -> String {
        error.errorSubcode.map { "\(error.code)/\($0)" } ?? "\(error.code)"
    }
}
