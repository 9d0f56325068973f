import Delivery
import CAPIModel

/// A self-contained HTML page of a store: delivery states, suspended and paused pixels (with
/// what is wrong and how to fix it), match-key coverage per event type as bar charts, Meta's
/// Event Match Quality over time beside our coverage (when the store keeps Dataset Quality
/// snapshots), parked events and recent failures with their Graph codes and `fbtrace_id`s.
///
/// The page has no scripts and no external assets: styles are inline, and a
/// `Content-Security-Policy` forbids loading anything, so it can be mailed, archived or served
/// from an admin route as is. Every value from the store is HTML-escaped.
///
/// ```swift
/// let snapshot = try await DashboardSnapshot.load(from: store, title: "shop.sqlite", now: clock.now)
/// try HTMLDashboard.render(snapshot).write(to: reportURL, atomically: true, encoding: .utf8)
/// ```
public enum HTMLDashboard {
    /// Coverage at or above this share is drawn in the "good" colour.
    public static let highShare = 0.75
    /// Coverage at or above this share (and below ``highShare``) is drawn in the "watch" colour.
    public static let middleShare = 0.4

    /// The `<meta name="generator">` tag every page carries, so that a tool writing a page
    /// can tell its own earlier output (safe to replace) from someone else's file.
    public static let generatorTag = #"<meta name="generator" content="RoasProof dashboard">"#

    /// The whole page.
    public static func render(_ snapshot: DashboardSnapshot) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            \(generatorTag)
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
            <title>RoasProof · \(e(snapshot.title))</title>
            <style>\(stylesheet)\(qualityStylesheet)</style>
            </head>
            <body>
            <header>
            <h1>Conversions API delivery</h1>
            <p class="sub"><span class="store">\(e(snapshot.title))</span> · generated \(UTCTime.iso8601(snapshot.generatedAt)) ·
            \(snapshot.pixels.count) pixel\(snapshot.pixels.count == 1 ? "" : "s")</p>
            </header>
            <main>

            """
        html += states(snapshot)
        html += holds(snapshot)
        html += coverage(snapshot)
        html += quality(snapshot)
        html += parked(snapshot)
        html += failures(snapshot)
        html += """
            </main>
            <footer>RoasProof · a self-contained report: no scripts, no external assets. Times are UTC.</footer>
            </body>
            </html>

            """
        return html
    }

    // MARK: Sections

    static func states(_ snapshot: DashboardSnapshot) -> String {
        let totals = snapshot.totals
        var html = """
            <section id="states" aria-labelledby="states-title">
            <h2 id="states-title">Delivery states</h2>
            <div class="cards">
            \(card("Delivered", totals.delivered, "delivered", "Meta answered 200"))
            \(card("Pending", totals.pending, "pending", "queued or waiting to retry"))
            \(card("In flight", totals.inFlight, "inflight", "leased by a worker"))
            \(card("Parked", totals.parked, "parked", "need review or replay"))
            </div>

            """
        if snapshot.pixels.isEmpty {
            html += "<p class=\"empty\">The store has no events yet.</p>\n"
        } else {
            html +=
                "<table class=\"states\">\n<thead><tr><th scope=\"col\">Pixel</th><th scope=\"col\" class=\"wide\">States</th>"
            html += "<th scope=\"col\" class=\"num\">Delivered</th><th scope=\"col\" class=\"num\">Pending</th>"
            html +=
                "<th scope=\"col\" class=\"num\">In flight</th><th scope=\"col\" class=\"num\">Parked</th></tr></thead>\n<tbody>\n"
            for pixel in snapshot.pixels {
                let counts = pixel.counts
                let label =
                    "\(counts.delivered) delivered, \(counts.pending) pending, \(counts.inFlight) in flight, \(counts.parked) parked"
                html += "<tr><th scope=\"row\" class=\"mono\">\(e(pixel.pixelID.rawValue))</th>"
                html += "<td><div class=\"stack\" role=\"img\" aria-label=\"\(e(label))\">"
                for (count, kind) in [
                    (counts.delivered, "delivered"), (counts.pending, "pending"),
                    (counts.inFlight, "inflight"), (counts.parked, "parked"),
                ] where count > 0 {
                    html += "<span class=\"seg \(kind)\" style=\"width:\(width(count, of: counts.total))\"></span>"
                }
                html += "</div></td>"
                html += "<td class=\"num\">\(counts.delivered)</td><td class=\"num\">\(counts.pending)</td>"
                html += "<td class=\"num\">\(counts.inFlight)</td><td class=\"num\">\(counts.parked)</td></tr>\n"
            }
            html += "</tbody>\n</table>\n"
        }
        return html + "</section>\n"
    }

    /// Suspended and paused pixels; nothing when no pixel is held.
    static func holds(_ snapshot: DashboardSnapshot) -> String {
        let suspensions = snapshot.suspensions
        let pauses = snapshot.pauses
        guard !suspensions.isEmpty || !pauses.isEmpty else { return "" }
        var html = """
            <section id="holds" aria-labelledby="holds-title">
            <h2 id="holds-title">Pixels on hold</h2>
            <p class="note">Workers sending to a suspended pixel with what Meta refused (credentials, access to the
            pixel, Graph API version) send nothing until it is fixed; its events stay queued. A paused pixel resumes by itself.</p>
            <table class="list">
            <thead><tr><th scope="col">Pixel</th><th scope="col">Hold</th><th scope="col">Since / until (UTC)</th>
            <th scope="col">Code</th><th scope="col">fbtrace_id</th><th scope="col">What is wrong, how to fix it</th></tr></thead>
            <tbody>

            """
        for (pixel, suspension) in suspensions {
            let error = suspension.error
            html += "<tr><td class=\"mono\">\(e(pixel.rawValue))</td>"
            html += "<td><span class=\"badge parked\">\(e(suspension.reason.description))</span></td>"
            html += "<td class=\"nowrap\">since \(UTCTime.dateTime(suspension.since))</td>"
            html += "<td class=\"mono\">\(e(HoldText.graphCode(error)))</td><td class=\"mono\">\(e(error.fbtraceID ?? "–"))</td>"
            html += "<td class=\"message\">\(e(suspension.reason.explanation(pixel: pixel, error: error)))</td></tr>\n"
        }
        for (pixel, until) in pauses {
            html += "<tr><td class=\"mono\">\(e(pixel.rawValue))</td><td><span class=\"badge throttled\">paused</span></td>"
            html += "<td class=\"nowrap\">until \(UTCTime.dateTime(until))</td><td>–</td><td>–</td>"
            html += "<td class=\"message\">Meta throttled the pixel; sending resumes by itself.</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    static func coverage(_ snapshot: DashboardSnapshot) -> String {
        var html = """
            <section id="coverage" aria-labelledby="coverage-title">
            <h2 id="coverage-title">Match-key coverage per event type</h2>
            <p class="note">The share of events that carried each key. The keys Meta matches on best are always listed,
            so one that went missing shows as 0&nbsp;%. Bars: <span class="legend high">≥ \(Int(highShare * 100))&nbsp;%</span>
            <span class="legend mid">\(Int(middleShare * 100))–\(Int(highShare * 100))&nbsp;%</span>
            <span class="legend low">&lt; \(Int(middleShare * 100))&nbsp;%</span> of events.</p>

            """
        if snapshot.pixels.allSatisfy({ $0.coverage.eventNames.isEmpty }) {
            html += "<p class=\"empty\">No events recorded yet.</p>\n"
        }
        for pixel in snapshot.pixels where !pixel.coverage.eventNames.isEmpty {
            if snapshot.pixels.count > 1 {
                html += "<h3 class=\"pixel\">Pixel <span class=\"mono\">\(e(pixel.pixelID.rawValue))</span></h3>\n"
            }
            html += "<div class=\"grid\">\n"
            for section in CoverageReport(pixel.coverage).sections {
                html += "<article class=\"coverage\">\n<h4>\(e(section.eventName.rawValue)) "
                html += "<span class=\"muted\">\(section.events) event\(section.events == 1 ? "" : "s")</span></h4>\n"
                html += "<table class=\"bars\">\n<tbody>\n"
                for row in section.rows {
                    let percent = Percent.text(row.carried, of: row.events)
                    html += "<tr><th scope=\"row\"><span class=\"key\">\(e(row.key.rawValue))</span>"
                    html += "<span class=\"what\">\(e(KeyNames.describe(row.key)))</span></th>"
                    html +=
                        "<td class=\"bar\"><div class=\"track\" role=\"img\" aria-label=\"\(e(row.key.rawValue)): \(e(percent))\">"
                    if row.carried > 0 {
                        html +=
                            "<div class=\"fill \(level(row.share))\" style=\"width:\(width(row.carried, of: row.events))\"></div>"
                    }
                    html += "</div></td><td class=\"num\">\(e(percent))</td>"
                    html += "<td class=\"num muted\">\(row.carried)/\(row.events)</td></tr>\n"
                    if !row.rejections.isEmpty {
                        let reasons = row.rejections.map { "\(e($0.reason)) ×\($0.count)" }.joined(separator: ", ")
                        html += "<tr class=\"rejected\"><td></td><td colspan=\"3\">rejected: \(reasons)</td></tr>\n"
                    }
                }
                html += "</tbody>\n</table>\n</article>\n"
            }
            html += "</div>\n"
        }
        return html + "</section>\n"
    }

    static func parked(_ snapshot: DashboardSnapshot) -> String {
        let total = snapshot.totals.parked
        var html = """
            <section id="parked" aria-labelledby="parked-title">
            <h2 id="parked-title">Parked events</h2>

            """
        guard !snapshot.parked.isEmpty else {
            return html + "<p class=\"empty\">No parked events.</p>\n</section>\n"
        }
        if total > snapshot.parked.count {
            html += "<p class=\"note\">The oldest \(snapshot.parked.count) of \(total). List all with "
            html += "<code>capi events --store FILE --state parked</code>.</p>\n"
        }
        html += "<table class=\"list\">\n<thead><tr><th scope=\"col\" class=\"num\">ID</th><th scope=\"col\">Pixel</th>"
        html += "<th scope=\"col\">Event</th><th scope=\"col\">event_id</th><th scope=\"col\">Parked (UTC)</th>"
        html += "<th scope=\"col\">Reason</th><th scope=\"col\">Code</th><th scope=\"col\">Why</th></tr></thead>\n<tbody>\n"
        for event in snapshot.parked {
            let reason = event.parkReason
            html += "<tr><td class=\"num\">\(event.id)</td><td class=\"mono\">\(e(event.key.pixelID.rawValue))</td>"
            html += "<td>\(e(event.key.eventName.rawValue))</td><td class=\"mono\">\(e(event.key.eventID))</td>"
            html += "<td class=\"nowrap\">\(event.parkedAt.map(UTCTime.dateTime) ?? "–")</td>"
            html += "<td><span class=\"badge parked\">\(e(reason?.code.rawValue ?? "parked"))</span></td>"
            html += "<td class=\"mono\">\(e(graphCode(reason?.graphCode, reason?.graphSubcode)))</td>"
            html += "<td class=\"message\">\(e(reason?.message ?? ""))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    static func failures(_ snapshot: DashboardSnapshot) -> String {
        var html = """
            <section id="failures" aria-labelledby="failures-title">
            <h2 id="failures-title">Recent failures</h2>

            """
        guard !snapshot.recentFailures.isEmpty else {
            return html + "<p class=\"empty\">No failed requests.</p>\n</section>\n"
        }
        html += "<p class=\"note\">Requests Meta did not accept, newest first. Quote the <code>fbtrace_id</code> "
        html += "when you ask Meta support about one.</p>\n"
        html += "<table class=\"list\">\n<thead><tr><th scope=\"col\">Started (UTC)</th><th scope=\"col\">Pixel</th>"
        html += "<th scope=\"col\" class=\"num\">Events</th><th scope=\"col\">HTTP</th><th scope=\"col\">Outcome</th>"
        html +=
            "<th scope=\"col\">Code</th><th scope=\"col\">fbtrace_id</th><th scope=\"col\">Message</th></tr></thead>\n<tbody>\n"
        for attempt in snapshot.recentFailures {
            let receipt = attempt.receipt
            html += "<tr><td class=\"nowrap\">\(UTCTime.dateTime(receipt.startedAt))</td>"
            html += "<td class=\"mono\">\(e(receipt.pixelID.rawValue))</td><td class=\"num\">\(receipt.eventCount)</td>"
            html += "<td class=\"num\">\(receipt.httpStatus.map(String.init) ?? "–")</td>"
            html += "<td><span class=\"badge \(outcomeClass(receipt.outcome))\">\(e(receipt.outcome.rawValue))</span></td>"
            html += "<td class=\"mono\">\(e(graphCode(receipt.errorCode, receipt.errorSubcode)))</td>"
            html += "<td class=\"mono\">\(e(receipt.fbtraceID ?? "–"))</td>"
            html += "<td class=\"message\">\(e(AttemptText.message(receipt, limit: 200) ?? ""))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    // MARK: Pieces

    static func card(_ title: String, _ count: Int, _ kind: String, _ hint: String) -> String {
        "<div class=\"card \(kind)\"><div class=\"count\">\(count)</div><div class=\"label\">\(title)</div>"
            + "<div class=\"hint\">\(hint)</div></div>"
    }

    /// A CSS width for `part` of `whole`, with one decimal: `"37.5%"`.
    static func width(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "0%" }
        let tenths = (part * 1_000 + whole / 2) / whole
        return "\(tenths / 10).\(tenths % 10)%"
    }

    static func level(_ share: Double) -> String {
        share >= highShare ? "high" : share >= middleShare ? "mid" : "low"
    }

    static func graphCode(_ code: Int?, _ subcode: Int?) -> String {
        guard let code else { return "–" }
        return subcode.map { "\(code)/\($0)" } ?? "\(code)"
    }

    static func outcomeClass(_ outcome: AttemptOutcome) -> String {
        switch outcome {
        case .throttled: "throttled"
        case .credentialsRejected, .destinationRejected, .invalidParameter: "parked"
        default: "transient"
        }
    }

    static func e(_ text: String) -> String { HTMLText.escape(text) }

    static let stylesheet = """

        :root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--card:#fff;
        --green:#1a7f37;--amber:#bf8700;--red:#cf222e;--blue:#0969da;--grey:#818b98;--track:#eaeef2}
        *{box-sizing:border-box}
        body{margin:0;font:14px/1.45 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
        header{background:#0d1117;color:#f0f6fc;padding:20px 32px}
        header h1{margin:0;font-size:22px;font-weight:600}
        header .sub{margin:4px 0 0;color:#9198a1}
        header .store{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:#f0f6fc}
        main{padding:8px 32px 24px;max-width:1280px}
        section{margin-top:24px}
        h2{font-size:17px;margin:0 0 10px}
        h3.pixel{font-size:15px;margin:18px 0 8px}
        h4{margin:0 0 8px;font-size:15px}
        .note{color:var(--muted);margin:0 0 12px;max-width:900px}
        .empty{color:var(--muted);font-style:italic}
        .muted{color:var(--muted);font-weight:400}
        .mono,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
        .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .nowrap{white-space:nowrap}
        .cards{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:14px}
        .card{background:var(--card);border:1px solid var(--line);border-top-width:4px;border-radius:6px;padding:10px 16px;min-width:150px}
        .card .count{font-size:26px;font-weight:600;font-variant-numeric:tabular-nums}
        .card .label{font-weight:600}
        .card .hint{color:var(--muted);font-size:12px}
        .card.delivered{border-top-color:var(--green)}.card.pending{border-top-color:var(--blue)}
        .card.inflight{border-top-color:var(--grey)}.card.parked{border-top-color:var(--red)}
        table{border-collapse:collapse;background:var(--card);border:1px solid var(--line);border-radius:6px}
        table.states,table.list{width:100%}
        th,td{padding:6px 10px;text-align:left;vertical-align:top}
        thead th{background:var(--bg);border-bottom:1px solid var(--line);font-size:12px;color:var(--muted);font-weight:600}
        tbody tr+tr td,tbody tr+tr th{border-top:1px solid var(--track)}
        th.wide{width:45%}
        .stack{display:flex;height:14px;border-radius:3px;overflow:hidden;background:var(--track);margin-top:3px}
        .seg{display:block;height:100%}
        .seg.delivered{background:var(--green)}.seg.pending{background:var(--blue)}
        .seg.inflight{background:var(--grey)}.seg.parked{background:var(--red)}
        .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(400px,1fr));gap:14px}
        article.coverage{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:12px 14px}
        table.bars{border:0;width:100%;background:none}
        table.bars th,table.bars td{padding:3px 6px;border:0}
        table.bars th{width:150px;font-weight:400;white-space:nowrap}
        table.bars .key{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;font-weight:600}
        table.bars .what{color:var(--muted);font-size:12px;margin-left:6px}
        td.bar{width:100%;vertical-align:middle}
        .track{height:12px;background:var(--track);border-radius:3px;overflow:hidden}
        .fill{height:100%;min-width:2px;border-radius:3px}
        .fill.high,.legend.high{background:var(--green)}.fill.mid,.legend.mid{background:var(--amber)}.fill.low,.legend.low{background:var(--red)}
        .legend{color:#fff;border-radius:3px;padding:0 5px;font-size:12px;white-space:nowrap}
        tr.rejected td{color:var(--red);font-size:12px;padding-top:0}
        .badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap}
        .badge.parked{background:var(--red)}.badge.throttled{background:var(--amber)}.badge.transient{background:var(--grey)}
        td.message{color:var(--muted);max-width:420px;overflow-wrap:anywhere}
        footer{color:var(--muted);font-size:12px;padding:16px 32px 28px}

        """
}
