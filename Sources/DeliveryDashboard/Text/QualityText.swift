import CAPIModel
public import DatasetQuality
import Delivery

extension TextDashboard {
    /// The side-by-side table of `capi quality`: per event name, Meta's EMQ score and the share
    /// of events Meta saw carrying each key beside the share of ours that carried it, our
    /// rejection reasons, and Meta's diagnostics with its suggested fixes. Every string from
    /// Meta is escaped for the terminal.
    public static func quality(_ comparison: QualityComparison, indent: Int = 0) -> String {
        let margin = String(repeating: " ", count: indent)
        guard !comparison.events.isEmpty else { return margin + "Neither Meta nor the store has events for this dataset yet.\n" }
        var text = ""
        for (index, event) in comparison.events.enumerated() {
            if index > 0 { text += "\n" }
            text += margin + "\(TerminalText.escape(event.eventName))  EMQ \(QualityFormat.score(event.eventMatchQuality))"
            text += "  \(event.localEvents) stored event\(event.localEvents == 1 ? "" : "s")\n"
            if event.keys.isEmpty {
                text += margin + "  no key coverage reported\n"
            } else {
                var table = TextTable(columns: [
                    .init("KEY"), .init("META", alignment: .right), .init("OURS", alignment: .right), .init("OUR REJECTIONS"),
                ])
                for key in event.keys {
                    table.append([
                        TerminalText.escape(key.label), QualityFormat.percent(key.metaCoverage),
                        QualityFormat.percent(key.localCoverage),
                        key.rejections.map { "\(TerminalText.escape($0.reason)) \(QualityFormat.percent($0.share))" }
                            .joined(separator: ", "),
                    ])
                }
                text += table.render(indent: indent + 2)
            }
            for diagnostic in event.diagnostics {
                text += margin + "  Meta: \(TerminalText.escape(diagnostic.name ?? "diagnostic"))"
                if let share = diagnostic.percentage { text += " (\(QualityFormat.percent(share)) of events)" }
                if let solution = diagnostic.solution { text += ": \(TerminalText.escape(solution))" }
                text += "\n"
            }
        }
        return text
    }

    /// The quality lines of `capi status` for one pixel: the latest snapshot's EMQ per event
    /// name with the score before it, and each dip explained. Empty without snapshots.
    public static func qualitySummary(
        _ history: QualityHistory, emqDrop: Double = 0.5, coverageDrop: Double = 5, indent: Int = 0
    ) -> String {
        guard let latest = history.snapshots.last else { return "" }
        let margin = String(repeating: " ", count: indent)
        let previous = history.snapshots.dropLast().last
        var text = "Event Match Quality for pixel \(history.pixelID) (Meta's Dataset Quality API, snapshot of "
        text +=
            "\(UTCTime.dateTime(latest.takenAt)) UTC\(previous.map { ", previous \(UTCTime.dateTime($0.takenAt)) UTC" } ?? ""))\n"
        let scored = latest.entries.filter { $0.eventMatchQuality != nil }
        if scored.isEmpty { text += margin + "no event name has a score yet\n" }
        for entry in scored {
            text += margin + "\(TerminalText.escape(entry.eventName.rawValue))  \(QualityFormat.score(entry.eventMatchQuality))"
            if let before = previous?[entry.eventName]?.eventMatchQuality { text += " (was \(QualityFormat.score(before)))" }
            text += "\n"
        }
        for dip in history.latestDips(emqDrop: emqDrop, coverageDrop: coverageDrop) {
            text += margin + "DIP " + TerminalText.escape(dip.description) + "\n"
        }
        return text
    }
}

/// Number formats shared by the quality views.
enum QualityFormat {
    /// `"7.4/10"`, `"—"` without a score.
    static func score(_ value: Double?) -> String {
        guard let value else { return "—" }
        return oneDecimal(value) + "/10"
    }

    /// `"62.5%"`, `"—"` without a figure.
    static func percent(_ value: Double?) -> String {
        guard let value else { return "—" }
        return oneDecimal(value) + "%"
    }

    static func oneDecimal(_ value: Double) -> String {
        guard value.isFinite else { return "—" }
        let tenths = Int64((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        return "\(sign)\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }
}
