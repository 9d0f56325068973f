import CAPIModel
import Delivery
import DeliveryDashboard
import Testing

@Suite("Text rendering")
struct TextRenderingTests {
    @Test(
        "UTC times",
        arguments: [
            (Int64(0), "1970-01-01T00:00:00Z", "1970-01-01 00:00:00", "00:00:00.000"),
            (1_781_430_082_000, "2026-06-14T09:41:22Z", "2026-06-14 09:41:22", "09:41:22.000"),
            (1_709_164_800_123, "2024-02-29T00:00:00Z", "2024-02-29 00:00:00", "00:00:00.123"),
            (951_782_400_000, "2000-02-29T00:00:00Z", "2000-02-29 00:00:00", "00:00:00.000"),
            (-1, "1969-12-31T23:59:59Z", "1969-12-31 23:59:59", "23:59:59.999"),
            (4_102_444_799_999, "2099-12-31T23:59:59Z", "2099-12-31 23:59:59", "23:59:59.999"),
        ])
    func utcTimes(_ milliseconds: Int64, _ iso: String, _ dateTime: String, _ timeOfDay: String) {
        let timestamp = Timestamp(milliseconds: milliseconds)
        #expect(UTCTime.iso8601(timestamp) == iso)
        #expect(UTCTime.dateTime(timestamp) == dateTime)
        #expect(UTCTime.timeOfDay(timestamp) == timeOfDay)
    }

    @Test func millisecondsInISO() {
        #expect(UTCTime.iso8601(Timestamp(milliseconds: 1_709_164_800_123), milliseconds: true) == "2024-02-29T00:00:00.123Z")
    }

    @Test(
        "bars",
        arguments: [
            (0.0, 8, "░░░░░░░░"), (1.0, 8, "████████"), (0.5, 8, "████░░░░"), (0.75, 4, "███░"),
            (0.3, 10, "███░░░░░░░"), (0.25, 2, "▌░"), (0.0625, 2, "▏░"), (0.001, 10, "▏░░░░░░░░░"), (0.999, 4, "███▉"),
            (1.7, 3, "███"), (-2, 3, "░░░"), (Double.nan, 3, "░░░"), (0.5, 0, ""),
        ])
    func bars(_ share: Double, _ width: Int, _ expected: String) {
        let bar = TextBar.render(share: share, width: width)
        #expect(bar == expected)
        #expect(bar.count == width)
    }

    @Test(
        "percents",
        arguments: [
            (0, 0, "–"), (0, 4, "0%"), (4, 4, "100%"), (3, 4, "75%"), (999, 1_000, "99%"), (1, 1_000, "<1%"),
            (1, 3, "33%"), (2, 3, "66%"), (5, 4, "100%"),
        ])
    func percents(_ part: Int, _ whole: Int, _ expected: String) {
        #expect(Percent.text(part, of: whole) == expected)
    }

    @Test func tablesPadAlignAndTrim() {
        var table = TextTable(columns: [.init("STATE"), .init("EVENTS", alignment: .right), .init("NOTE")])
        table.append(["delivered", "12"])
        table.append(["parked", "1", "look", "ignored extra cell"])
        #expect(
            table.render() == """
                STATE      EVENTS  NOTE
                delivered      12
                parked          1  look

                """)
        #expect(table.render(indent: 2, header: false) == "  delivered  12\n  parked      1  look\n")
    }

    @Test(
        "JSON is re-indented without touching values",
        arguments: [
            (#"{"a":1,"b":[1,2],"c":{}}"#, "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ],\n  \"c\": {}\n}"),
            (#"{"value":19.99,"x":1e-7,"n":null}"#, "{\n  \"value\": 19.99,\n  \"x\": 1e-7,\n  \"n\": null\n}"),
            (#"{"s":"a,b:{c}[d] \"q\" \\"}"#, "{\n  \"s\": \"a,b:{c}[d] \\\"q\\\" \\\\\"\n}"),
            (#"[ ]"#, "[]"),
            ("{ \"a\" : [ ] ,\n \"b\" : true }", "{\n  \"a\": [],\n  \"b\": true\n}"),
        ])
    func jsonIndent(_ input: String, _ expected: String) {
        #expect(JSONIndenter.indent(input) == expected)
    }

    @Test func indentationKeepsEveryNonSpaceByte() {
        let body =
            #"{"data":[{"custom_data":{"currency":"EUR","value":184.5},"event_id":"ord_84213","user_data":{"em":["9f3d"]}}]}"#
        let indented = JSONIndenter.indent(body)
        #expect(indented.filter { !$0.isWhitespace } == body.filter { !$0.isWhitespace })
        #expect(indented.contains("\"value\": 184.5"))
    }
}

@Suite("Coverage report")
struct CoverageReportTests {
    static func coverage() -> MatchKeyCoverage {
        var coverage = MatchKeyCoverage()
        coverage.record(eventName: .purchase, keys: [.email, .phone, .fbp, .city])
        coverage.record(eventName: .purchase, keys: [.email, .fbc])
        coverage.record(eventName: .purchase, keys: [.email])
        coverage.record(eventName: .purchase, keys: [.email, .phone])
        coverage.recordRejection(eventName: .purchase, key: .phone, reason: "invalid_phone")
        coverage.recordRejection(eventName: .purchase, key: .fbc, reason: "malformed")
        coverage.recordRejection(eventName: .purchase, key: .fbc, reason: "malformed")
        coverage.recordRejection(eventName: .purchase, key: .fbc, reason: "bad_prefix")
        coverage.record(eventName: .lead, keys: [.email, .dateOfBirth])
        return coverage
    }

    @Test func sectionsShowEssentialAndCarriedKeysInUserDataOrder() throws {
        let report = CoverageReport(Self.coverage())
        #expect(report.sections.map(\.eventName) == [.lead, .purchase])
        let purchase = try #require(report.sections.last)
        #expect(purchase.events == 4)
        #expect(
            purchase.rows.map(\.key) == [
                .email, .phone, .dateOfBirth, .city, .externalID, .clientIPAddress, .clientUserAgent, .fbc, .fbp,
            ])
        let byKey = Dictionary(uniqueKeysWithValues: purchase.rows.map { ($0.key, $0) })
        #expect(byKey[.email]?.carried == 4)
        #expect(byKey[.phone]?.share == 0.5)
        #expect(byKey[.externalID]?.carried == 0)
        #expect(byKey[.fbc]?.rejections == [.init(reason: "malformed", count: 2), .init(reason: "bad_prefix", count: 1)])
        // The lead section has the same rows, so tables line up.
        #expect(report.sections[0].rows.map(\.key) == purchase.rows.map(\.key))
        #expect(report.sections[0].rows.first { $0.key == .dateOfBirth }?.carried == 1)
    }

    @Test func textCoverageHasABarPerKey() {
        let text = TextDashboard.coverage(Self.coverage(), barWidth: 10)
        #expect(text.contains("Purchase · 4 events\n"))
        #expect(text.contains("Lead · 1 event\n"))
        #expect(text.contains("em                 ██████████  100%  4/4"))
        #expect(text.contains("ph                 █████░░░░░   50%  2/4  invalid_phone ×1"))
        #expect(text.contains("external_id        ░░░░░░░░░░    0%  0/4"))
        #expect(text.contains("malformed ×2, bad_prefix ×1"))
        #expect(TextDashboard.coverage(MatchKeyCoverage()).contains("no events recorded"))
    }

    @Test func countsTableAddsATotalForSeveralPixels() {
        let pixels = [
            DashboardSnapshot.Pixel(pixelID: "111", counts: EventCounts(pending: 1, delivered: 9, parked: 2), coverage: .init()),
            DashboardSnapshot.Pixel(pixelID: "222", counts: EventCounts(inFlight: 3), coverage: .init()),
        ]
        let text = TextDashboard.counts(pixels)
        #expect(
            text == """
                PIXEL       DELIVERED  PENDING  IN FLIGHT  PARKED  TOTAL
                111                 9        1          0       2     12
                222                 0        0          3       0      3
                all pixels          9        1          3       2     15

                """)
        #expect(!TextDashboard.counts(Array(pixels.prefix(1))).contains("all pixels"))
    }
}
