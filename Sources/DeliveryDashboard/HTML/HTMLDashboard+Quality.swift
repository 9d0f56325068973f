import CAPIModel
import DatasetQuality
import Delivery

extension HTMLDashboard {
    /// Meta's side: per pixel with Dataset Quality snapshots, the dips of the latest snapshot,
    /// then per event name an EMQ trend line (inline SVG), Meta's key coverage beside ours for
    /// the same window with our rejection reasons, and Meta's diagnostics with its fixes.
    static func quality(_ snapshot: DashboardSnapshot) -> String {
        var html = """
            <section id="quality" aria-labelledby="quality-title">
            <h2 id="quality-title">Meta's Event Match Quality</h2>

            """
        let histories = snapshot.qualityHistories
        guard !histories.isEmpty else {
            html += "<p class=\"empty\">No Dataset Quality snapshots in this store yet: take one with "
            html += "<code>capi quality --fetch</code>, or run <code>DatasetQualityMonitor</code> beside the worker.</p>\n"
            return html + "</section>\n"
        }
        html += """
            <p class="note">Meta's figures come from its Dataset Quality API, one snapshot per fetch; EMQ is out of 10.
            Beside each key Meta saw, the share of this store's events that carried it in the window before the latest
            snapshot, and why our values of the key were rejected.</p>

            """
        for history in histories {
            guard let (comparison, since) = history.latestComparison(), let latest = history.snapshots.last else { continue }
            if histories.count > 1 || snapshot.pixels.count > 1 {
                html += "<h3 class=\"pixel\">Pixel <span class=\"mono\">\(e(history.pixelID.rawValue))</span></h3>\n"
            }
            html += "<p class=\"note\">Latest snapshot \(UTCTime.dateTime(latest.takenAt)) UTC · \(history.snapshots.count) "
            html += "snapshot\(history.snapshots.count == 1 ? "" : "s") · ours: "
            html += since.map { "events stored since \(UTCTime.dateTime($0)) UTC" } ?? "every stored event"
            html += "</p>\n"
            for dip in history.latestDips() {
                html += "<div class=\"dip\" role=\"alert\"><strong>EMQ dip</strong> \(e(dip.description))</div>\n"
            }
            let trends = Dictionary(history.trends.map { ($0.eventName, $0) }, uniquingKeysWith: { first, _ in first })
            let span = (history.snapshots.first?.takenAt ?? latest.takenAt, latest.takenAt)
            let previous = history.snapshots.dropLast().last
            html += "<div class=\"grid\">\n"
            for event in comparison.events {
                html += "<article class=\"quality\">\n<h4>\(e(event.eventName)) "
                html +=
                    event.eventMatchQuality.map { "<span class=\"emq\">\(QualityFormat.score($0))</span>" }
                    ?? "<span class=\"muted\">no EMQ from Meta</span>"
                if let before = previous?[EventName(event.eventName)]?.eventMatchQuality {
                    html += " <span class=\"muted\">was \(QualityFormat.score(before))</span>"
                }
                html += " <span class=\"muted\">· \(event.localEvents) stored</span></h4>\n"
                if let trend = trends[event.eventName] { html += trendChart(trend, span: span) }
                html += keyTable(event)
                html += diagnostics(event.diagnostics)
                html += "</article>\n"
            }
            html += "</div>\n"
        }
        return html + "</section>\n"
    }

    static func keyTable(_ event: QualityComparison.EventRow) -> String {
        guard !event.keys.isEmpty else { return "<p class=\"empty\">No key coverage reported.</p>\n" }
        var html = "<table class=\"side\">\n<thead><tr><th scope=\"col\">Key</th><th scope=\"col\" class=\"num\">Meta</th>"
        html += "<th scope=\"col\" class=\"num\">Ours</th><th scope=\"col\">Our rejections</th></tr></thead>\n<tbody>\n"
        for key in event.keys {
            let unknown = key.userDataKey == nil
            html += "<tr><th scope=\"row\"><span class=\"key\">\(e(key.label))</span>"
            if unknown { html += " <span class=\"muted\">(Meta's name; no user_data key)</span>" }
            html += "</th><td class=\"num\">\(QualityFormat.percent(key.metaCoverage))</td>"
            html += "<td class=\"num\">\(QualityFormat.percent(key.localCoverage))</td><td class=\"rejections\">"
            html += key.rejections.map { "\(e($0.reason)) \(QualityFormat.percent($0.share))" }.joined(separator: ", ")
            html += "</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    static func diagnostics(_ diagnostics: [QualityDiagnostic]) -> String {
        guard !diagnostics.isEmpty else { return "" }
        var html = "<ul class=\"diagnostics\">\n"
        for diagnostic in diagnostics {
            html += "<li><strong>\(e(diagnostic.name ?? "Diagnostic"))</strong>"
            if let share = diagnostic.percentage {
                html += " <span class=\"muted\">(\(QualityFormat.percent(share)) of events)</span>"
            }
            if let description = diagnostic.description { html += " \(e(description))" }
            if let solution = diagnostic.solution { html += "<br><span class=\"fix\">Meta's fix:</span> \(e(solution))" }
            html += "</li>\n"
        }
        return html + "</ul>\n"
    }

    /// An EMQ line from `span.0` to `span.1` on a 0–10 scale: points where Meta gave a score,
    /// the line broken where it gave none.
    static func trendChart(_ trend: QualityHistory.Trend, span: (Timestamp, Timestamp)) -> String {
        let (width, height, left, right, top, bottom) = (360.0, 96.0, 26.0, 8.0, 8.0, 18.0)
        let duration = Double(span.1.milliseconds - span.0.milliseconds)
        func x(_ time: Timestamp) -> Double {
            duration > 0
                ? left + (width - left - right) * Double(time.milliseconds - span.0.milliseconds) / duration
                : (left + width - right) / 2
        }
        func y(_ score: Double) -> Double { top + (height - top - bottom) * (1 - min(max(score, 0), 10) / 10) }
        func n(_ value: Double) -> String { QualityFormat.oneDecimal(value) }
        let scored = trend.points.compactMap { point in point.eventMatchQuality.map { (point.takenAt, $0) } }
        let label =
            "\(trend.eventName) EMQ over time: "
            + scored.map { "\(n($0.1)) on \(UTCTime.dateTime($0.0))" }.joined(separator: ", ")
        var svg = "<svg class=\"trend\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(e(label))\">\n"
        for score in [0.0, 5, 10] {
            svg +=
                "<line class=\"grid\" x1=\"\(n(left))\" x2=\"\(n(width - right))\" y1=\"\(n(y(score)))\" y2=\"\(n(y(score)))\"/>"
            svg += "<text class=\"axis\" x=\"\(n(left - 4))\" y=\"\(n(y(score) + 3.5))\">\(Int(score))</text>\n"
        }
        svg += "<text class=\"axis start\" x=\"\(n(left))\" y=\"\(n(height - 4))\">\(UTCTime.dateTime(span.0))</text>"
        if duration > 0 {
            svg += "<text class=\"axis end\" x=\"\(n(width - right))\" y=\"\(n(height - 4))\">\(UTCTime.dateTime(span.1))</text>"
        }
        svg += "\n"
        var run: [String] = []
        func flush() {
            if run.count > 1 { svg += "<polyline class=\"emq\" points=\"\(run.joined(separator: " "))\"/>\n" }
            run = []
        }
        for point in trend.points {
            guard let score = point.eventMatchQuality else {
                flush()
                continue
            }
            run.append("\(n(x(point.takenAt))),\(n(y(score)))")
        }
        flush()
        for (time, score) in scored {
            svg +=
                "<circle class=\"emq\" cx=\"\(n(x(time)))\" cy=\"\(n(y(score)))\" r=\"3\"><title>\(UTCTime.dateTime(time)) UTC: \(n(score))/10</title></circle>\n"
        }
        return svg + "</svg>\n"
    }

    static let qualityStylesheet = """
        article.quality{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:12px 14px}
        .emq{font-variant-numeric:tabular-nums}
        h4 .emq{background:var(--ink);color:#fff;border-radius:4px;padding:0 6px;margin-left:4px}
        svg.trend{display:block;width:100%;max-width:520px;height:auto;margin:4px 0 8px}
        svg.trend line.grid{stroke:var(--track);stroke-width:1}
        svg.trend text.axis{font-size:9px;fill:var(--muted);text-anchor:end}
        svg.trend text.axis.start{text-anchor:start}
        svg.trend polyline.emq{fill:none;stroke:var(--blue);stroke-width:2}
        svg.trend circle.emq{fill:var(--blue)}
        table.side{width:100%;border:0;background:none}
        table.side th,table.side td{padding:3px 6px;border:0}
        table.side th{font-weight:400}
        table.side .key{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;font-weight:600}
        td.rejections{color:var(--red);font-size:12px}
        .dip{background:#fff1f0;border:1px solid var(--red);border-left-width:4px;border-radius:6px;padding:8px 12px;margin:0 0 12px;max-width:1100px}
        .dip strong{color:var(--red);margin-right:6px}
        ul.diagnostics{margin:8px 0 0;padding-left:18px;color:var(--ink);font-size:13px}
        ul.diagnostics .fix{font-weight:600;color:var(--green)}

        """
}
