import CAPIModel
import Delivery
import DeliveryDashboard
import DeliveryTesting
import Testing

@Suite("HTML dashboard")
struct HTMLDashboardTests {
    static let hostile = #"</td><script>alert("x")</script><img src=x onerror='y'>&amp;"#

    @Test(
        "escaping",
        arguments: [
            ("plain", "plain"), ("a<b>c", "a&lt;b&gt;c"), (#"say "hi" & 'bye'"#, "say &quot;hi&quot; &amp; &#39;bye&#39;"),
            ("tab\tnew\nline", "tab\tnew\nline"), ("nul\u{0}bel\u{7}c1\u{85}", "nul\u{FFFD}bel\u{FFFD}c1\u{FFFD}"),
            ("ünïcødé ✓", "ünïcødé ✓"),
        ])
    func escaping(_ input: String, _ expected: String) {
        #expect(HTMLText.escape(input) == expected)
    }

    @Test func escapedTextHasNoMarkupCharacters() {
        let escaped = HTMLText.escape(Self.hostile)
        #expect(!escaped.contains("<"))
        #expect(!escaped.contains(">"))
        #expect(!escaped.contains("\""))
        #expect(!escaped.contains("'"))
    }

    /// A store with delivered, pending and parked events, failures, and hostile text in every
    /// place that reaches the page.
    static func snapshot(hostile: String = HTMLDashboardTests.hostile) async throws -> DashboardSnapshot {
        let store = InMemoryEventStore()
        let t0 = Timestamp(milliseconds: 1_781_430_082_000)
        func event(_ id: String, _ name: EventName, _ keys: UserDataKeySet, pixel: PixelID = "1234567890") -> PendingEvent {
            PendingEvent(
                key: EventKey(pixelID: pixel, eventName: name, eventID: id), eventTime: t0.wholeSeconds, actionSource: .website,
                json: "{}", matchKeys: keys)
        }
        _ = try await store.append(
            [
                event("ord_1", .purchase, [UserDataKeySet(.email), UserDataKeySet(.fbc)]),
                event("ord_2", .purchase, [UserDataKeySet(.email)]),
                event(hostile, EventName(hostile), [UserDataKeySet(.phone)]),
                event("l1", .lead, [UserDataKeySet(.email)], pixel: "999"),
            ], at: t0)
        var rejections = MatchKeyCoverage()
        rejections.recordRejection(eventName: .purchase, key: .phone, reason: hostile)
        await store.mergeCoverage(rejections, pixel: "1234567890")
        let leased = try await store.lease(pixel: "1234567890", now: t0, limit: 3, leaseDuration: .seconds(60))
        func receipt(_ outcome: AttemptOutcome, status: Int?, code: Int?, trace: String, message: String?) -> AttemptReceipt {
            AttemptReceipt(
                pixelID: "1234567890", startedAt: t0, durationMilliseconds: 12, requestBody: "{}", eventCount: 3,
                httpStatus: status, fbtraceID: trace, errorCode: code, errorMessage: message, outcome: outcome)
        }
        try await store.scheduleRetry(
            leased.map(\.id), at: t0,
            attempt: receipt(.throttled, status: 429, code: 80_004, trace: "ATraceForThrottle", message: "(#80004) limit"),
            now: t0)
        let again = try await store.lease(pixel: "1234567890", now: t0, limit: 3, leaseDuration: .seconds(60))
        try await store.markDelivered(
            [again[0].id], attempt: receipt(.delivered, status: 200, code: nil, trace: "OKTrace", message: nil), at: t0)
        try await store.park(
            [again[2].id], reason: ParkReason(code: .rejected, message: hostile, graphCode: 100, graphSubcode: 2_804_050),
            attempt: receipt(.invalidParameter, status: 400, code: 100, trace: hostile, message: hostile), at: t0)
        return try await DashboardSnapshot.load(from: store, title: "shop <prod>.sqlite", now: t0)
    }

    @Test func snapshotReadsEveryPixelAndFailure() async throws {
        let snapshot = try await Self.snapshot()
        #expect(snapshot.pixels.map(\.pixelID) == ["1234567890", "999"])
        #expect(snapshot.pixels[0].counts == EventCounts(inFlight: 1, delivered: 1, parked: 1))
        #expect(snapshot.totals.total == 4)
        #expect(snapshot.parked.map(\.key.eventID) == [Self.hostile])
        #expect(snapshot.recentFailures.map(\.receipt.outcome) == [.invalidParameter, .throttled])
    }

    @Test func pageHasEverySectionAndEscapesEverything() async throws {
        let html = HTMLDashboard.render(try await Self.snapshot())
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for id in ["states", "coverage", "parked", "failures"] { #expect(html.contains("<section id=\"\(id)\"")) }
        // Hostile text appears only escaped.
        #expect(!html.contains("<script>"))
        #expect(!html.contains("<img"))
        #expect(!html.contains(Self.hostile))
        #expect(html.contains(HTMLText.escape(Self.hostile)))
        #expect(html.contains("shop &lt;prod&gt;.sqlite"))
        // Delivery states, coverage bars, parked reason and failures with code and fbtrace_id.
        #expect(html.contains(#"<span class="seg delivered" style="width:33.3%"></span>"#))
        #expect(html.contains(#"<div class="fill high" style="width:100.0%"></div>"#))
        #expect(html.contains(#"<div class="fill mid" style="width:50.0%"></div>"#))
        #expect(html.contains("ATraceForThrottle"))
        #expect(html.contains(">80004<"))
        #expect(html.contains(">100/2804050<"))
        #expect(html.contains(">Pixel <span class=\"mono\">999</span><"))
    }

    @Test func pageLoadsNothingFromOutside() async throws {
        // Benign text here: escaped hostile text may legitimately read "src=" as text.
        let html = HTMLDashboard.render(try await Self.snapshot(hostile: "harmless"))
        #expect(html.contains(#"Content-Security-Policy" content="default-src 'none'"#))
        for needle in ["<script", "<link", "<img", "<iframe", " src=", " href=", "url(", "@import", "http://", "https://"] {
            #expect(!html.lowercased().contains(needle), "found \(needle)")
        }
    }

    @Test func emptyStoreSaysSo() async throws {
        let snapshot = try await DashboardSnapshot.load(
            from: InMemoryEventStore(), title: "empty.sqlite", now: Timestamp(milliseconds: 0))
        let html = HTMLDashboard.render(snapshot)
        #expect(html.contains("The store has no events yet."))
        #expect(html.contains("No parked events."))
        #expect(html.contains("No failed requests."))
    }
}
