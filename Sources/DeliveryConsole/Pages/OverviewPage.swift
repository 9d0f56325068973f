import CAPIModel
import DatasetQuality
import Delivery
import DeliveryDashboard

extension DeliveryConsole {
    /// States per pixel, holds, coverage per event type with Meta's EMQ, the last hour's throughput.
    func overview(_ request: ConsoleRequest, context: PageContext) async throws -> ConsoleResponse {
        let now = clock.now
        let snapshot = try await DashboardSnapshot.load(
            from: store, title: configuration.title, now: now, parkedLimit: 0, failureLimit: 10, qualityLimit: 2)
        let receipts = try await store.recentAttempts(
            matching: AttemptFilter(), before: nil, limit: configuration.throughputReceiptLimit)
        let throughput = Throughput(
            receipts: receipts.map(\.receipt), now: now, limit: configuration.throughputReceiptLimit)
        var body = "<h1>Overview</h1>\n"
        if let replayed = request.queryValue("replayed").flatMap(Int.init) {
            let pixel = request.queryValue("pixel").map { " of pixel <span class=\"mono\">\(e($0))</span>" } ?? ""
            let rejected = request.queryValue("rejected").flatMap(Int.init) ?? 0
            body += "<p class=\"notice\" role=\"status\">Replayed \(ConsolePage.grouped(replayed)) parked events\(pixel): "
            body += "pending again with the same event_id."
            if rejected > 0 { body += " \(ConsolePage.grouped(rejected)) stay parked: they no longer pass validation." }
            body += "</p>\n"
        }
        body += OverviewPage.states(snapshot, context: context)
        body += OverviewPage.holds(snapshot)
        body += OverviewPage.throughput(throughput)
        body += OverviewPage.coverage(snapshot)
        body += OverviewPage.failures(snapshot)
        return .html(
            200, ConsolePage.layout(title: "Overview", links: context.links, session: nil, body: body, storeTitle: context.title))
    }
}

/// Delivered events per ten minutes over the last hour, from the newest receipts.
struct Throughput {
    /// Six buckets, oldest first: events delivered and requests that failed.
    var delivered = [Int](repeating: 0, count: 6)
    var failedRequests = [Int](repeating: 0, count: 6)
    var start: Timestamp
    /// True when the receipts read did not reach back an hour (the counts are a lower bound).
    var truncated = false

    init(receipts: [AttemptReceipt], now: Timestamp, limit: Int) {
        start = now - .seconds(3_600)
        for receipt in receipts where receipt.startedAt >= start && receipt.startedAt <= now {
            let bucket = min(5, Int((receipt.startedAt.milliseconds - start.milliseconds) / 600_000))
            if receipt.outcome == .delivered {
                delivered[bucket] += receipt.eventCount
            } else {
                failedRequests[bucket] += 1
            }
        }
        // A full read whose oldest receipt is still inside the hour missed older ones.
        truncated = receipts.count >= limit && (receipts.last.map { $0.startedAt > start } ?? false)
    }

    var totalDelivered: Int { delivered.reduce(0, +) }
}

enum OverviewPage {
    static func states(_ snapshot: DashboardSnapshot, context: PageContext) -> String {
        let totals = snapshot.totals
        var html = "<section id=\"states\"><h2>Delivery states</h2>\n<div class=\"cards\">"
        for (label, count, kind) in [
            ("Delivered", totals.delivered, "delivered"), ("Pending", totals.pending, "pending"),
            ("In flight", totals.inFlight, "inflight"), ("Parked", totals.parked, "parked"),
        ] {
            html +=
                "<div class=\"card \(kind)\"><div class=\"count\">\(ConsolePage.grouped(count))</div><div>\(label)</div></div>"
        }
        html += "</div>\n"
        guard !snapshot.pixels.isEmpty else { return html + "<p class=\"empty\">The store has no events yet.</p></section>\n" }
        html += "<table class=\"states\"><thead><tr><th>Pixel</th><th class=\"num\">Delivered</th><th class=\"num\">Pending</th>"
        html += "<th class=\"num\">In flight</th><th class=\"num\">Parked</th><th>Replay</th></tr></thead>\n<tbody>\n"
        for pixel in snapshot.pixels {
            let counts = pixel.counts
            let id = pixel.pixelID
            html +=
                "<tr><th class=\"mono\"><a href=\"\(e(context.links.events(ListFilter(pixel: id))))\">\(e(id.rawValue))</a></th>"
            html += "<td class=\"num\">\(ConsolePage.grouped(counts.delivered))</td>"
            html += "<td class=\"num\">\(ConsolePage.grouped(counts.pending))</td>"
            html += "<td class=\"num\">\(ConsolePage.grouped(counts.inFlight))</td>"
            html += "<td class=\"num\"><a href=\"\(e(context.links.events(ListFilter(state: .parked, pixel: id))))\">"
            html += "\(ConsolePage.grouped(counts.parked))</a></td><td>"
            if counts.parked > 0 {
                html += "<form class=\"inline\" method=\"post\" action=\"\(e(context.links.replayParked))\">"
                html += ConsolePage.csrfField(context.csrf)
                html += "<input type=\"hidden\" name=\"pixel\" value=\"\(e(id.rawValue))\">"
                html += "<button type=\"submit\">Replay all \(ConsolePage.grouped(counts.parked)) parked…</button></form>"
            } else {
                html += "–"
            }
            html += "</td></tr>\n"
        }
        return html + "</tbody></table>\n</section>\n"
    }

    static func holds(_ snapshot: DashboardSnapshot) -> String {
        let suspensions = snapshot.suspensions
        let pauses = snapshot.pauses
        var html = "<section id=\"holds\"><h2>Pauses and suspensions</h2>\n"
        guard !suspensions.isEmpty || !pauses.isEmpty else {
            return html + "<p class=\"empty\">No pixel is paused or suspended.</p></section>\n"
        }
        html += "<table><thead><tr><th>Pixel</th><th>Hold</th><th>Since / until (UTC)</th><th>Graph code</th>"
        html += "<th>fbtrace_id</th><th>Why, and how to fix it</th></tr></thead>\n<tbody>\n"
        for (pixel, suspension) in suspensions {
            let error = suspension.error
            let code = error.errorSubcode.map { "\(error.code)/\($0)" } ?? "\(error.code)"
            html += "<tr><td class=\"mono\">\(e(pixel.rawValue))</td><td>\(ConsolePage.badge("suspended"))</td>"
            html += "<td class=\"nowrap\">since \(UTCTime.dateTime(suspension.since))</td><td class=\"mono\">\(e(code))</td>"
            html += "<td class=\"mono\">\(e(error.fbtraceID ?? "–"))</td>"
            html +=
                "<td class=\"message\">\(e(suspension.reason.description)): \(e(suspension.reason.explanation(pixel: pixel, error: error)))</td></tr>\n"
        }
        for (pixel, until) in pauses {
            html += "<tr><td class=\"mono\">\(e(pixel.rawValue))</td><td>\(ConsolePage.badge("paused"))</td>"
            html += "<td class=\"nowrap\">until \(UTCTime.dateTime(until))</td><td>–</td><td>–</td>"
            html +=
                "<td class=\"message\">Meta throttled the pixel; sending resumes by itself at the end of the pause.</td></tr>\n"
        }
        return html + "</tbody></table>\n</section>\n"
    }

    static func throughput(_ throughput: Throughput) -> String {
        var html = "<section id=\"throughput\"><h2>Throughput, last hour</h2>\n"
        html += "<p class=\"note\">\(ConsolePage.grouped(throughput.totalDelivered)) events delivered since "
        html += "\(minute(throughput.start)) UTC, per ten minutes"
        html += throughput.truncated ? " (from the newest requests only: the hour had more).</p>\n" : ".</p>\n"
        let peak = max(1, throughput.delivered.max() ?? 0)
        html += "<table><thead><tr><th>From (UTC)</th><th>Delivered events</th><th class=\"num\">Count</th>"
        html += "<th class=\"num\">Failed requests</th></tr></thead>\n<tbody>\n"
        for bucket in 0..<6 {
            let from = throughput.start + .seconds(Int64(bucket) * 600)
            html += "<tr><td class=\"nowrap\">\(minute(from))</td>"
            html += "<td>\(ConsolePage.bar(throughput.delivered[bucket], of: peak, kind: "delivered"))</td>"
            html += "<td class=\"num\">\(ConsolePage.grouped(throughput.delivered[bucket]))</td>"
            html += "<td class=\"num\">\(ConsolePage.grouped(throughput.failedRequests[bucket]))</td></tr>\n"
        }
        return html + "</tbody></table>\n</section>\n"
    }

    static func coverage(_ snapshot: DashboardSnapshot) -> String {
        var html = "<section id=\"coverage\"><h2>Match-key coverage per event type</h2>\n"
        html += "<p class=\"note\">The share of events that carried each key; beside it, Meta's latest Event Match Quality "
        html += "for the event name when the store keeps Dataset Quality snapshots.</p>\n"
        if snapshot.pixels.allSatisfy({ $0.coverage.eventNames.isEmpty }) {
            return html + "<p class=\"empty\">No events recorded yet.</p></section>\n"
        }
        for pixel in snapshot.pixels where !pixel.coverage.eventNames.isEmpty {
            html += "<h3>Pixel <span class=\"mono\">\(e(pixel.pixelID.rawValue))</span></h3>\n<div class=\"grid\">\n"
            let latest = snapshot.quality[pixel.pixelID]?.snapshots.last
            for section in CoverageReport(pixel.coverage).sections {
                html +=
                    "<article><h3>\(e(section.eventName.rawValue)) <span class=\"note\">\(ConsolePage.grouped(section.events)) "
                html += "event\(section.events == 1 ? "" : "s")</span>"
                if let score = latest?[section.eventName]?.eventMatchQuality {
                    html += " <span class=\"badge delivered\">EMQ \(e(Self.score(score)))</span>"
                }
                html += "</h3>\n<table><tbody>\n"
                for row in section.rows {
                    let level =
                        row.share >= HTMLDashboard.highShare ? "high" : row.share >= HTMLDashboard.middleShare ? "mid" : "low"
                    html += "<tr><th><span class=\"mono\">\(e(row.key.rawValue))</span>"
                    html += "<span class=\"what\">\(e(KeyNames.describe(row.key)))</span></th>"
                    html += "<td>\(ConsolePage.bar(row.carried, of: row.events, kind: level))</td>"
                    html += "<td class=\"num\">\(e(Percent.text(row.carried, of: row.events)))</td></tr>\n"
                    if !row.rejections.isEmpty {
                        let reasons = row.rejections.map { "\(e($0.reason)) ×\($0.count)" }.joined(separator: ", ")
                        html += "<tr><td colspan=\"3\" class=\"message\">rejected: \(reasons)</td></tr>\n"
                    }
                }
                html += "</tbody></table></article>\n"
            }
            html += "</div>\n"
        }
        return html + "</section>\n"
    }

    static func failures(_ snapshot: DashboardSnapshot) -> String {
        var html = "<section id=\"failures\"><h2>Recent failed requests</h2>\n"
        guard !snapshot.recentFailures.isEmpty else { return html + "<p class=\"empty\">No failed requests.</p></section>\n" }
        html += "<table><thead><tr><th>Started (UTC)</th><th>Pixel</th><th class=\"num\">Events</th><th>HTTP</th>"
        html += "<th>Outcome</th><th>Graph code</th><th>fbtrace_id</th><th>Message</th></tr></thead>\n<tbody>\n"
        for attempt in snapshot.recentFailures {
            html += AttemptRow.html(attempt.receipt)
        }
        return html + "</tbody></table>\n</section>\n"
    }

    /// `23:04`: the buckets are ten minutes wide, seconds would be noise.
    static func minute(_ timestamp: Timestamp) -> String {
        String(UTCTime.dateTime(timestamp).dropFirst(11).prefix(5))
    }

    static func score(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

/// One receipt as a table row: time, pixel, events, HTTP status, outcome, Graph code, trace id, message.
enum AttemptRow {
    static func html(_ receipt: AttemptReceipt, includePixel: Bool = true) -> String {
        let code = receipt.errorCode.map { code in receipt.errorSubcode.map { "\(code)/\($0)" } ?? "\(code)" } ?? "–"
        var html = "<tr><td class=\"nowrap\">\(UTCTime.iso8601(receipt.startedAt, milliseconds: true))</td>"
        if includePixel { html += "<td class=\"mono\">\(e(receipt.pixelID.rawValue))</td>" }
        html += "<td class=\"num\">\(receipt.eventCount)</td>"
        html += "<td class=\"num\">\(receipt.httpStatus.map(String.init) ?? "–")</td>"
        html += "<td>\(ConsolePage.badge(receipt.outcome.rawValue))</td><td class=\"mono\">\(e(code))</td>"
        html += "<td class=\"mono\">\(e(receipt.fbtraceID ?? "–"))</td>"
        var messages: [String] = []
        if let message = receipt.errorMessage { messages.append(message) }
        messages += receipt.messages
        html += "<td class=\"message\">\(messages.map(e).joined(separator: "<br>"))</td></tr>\n"
        return html
    }
}
