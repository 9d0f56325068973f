import CAPIModel
import FoundationEssentials
import Testing

/// `Timestamp` is the one time type of the public API: milliseconds inside, whole seconds on
/// the Graph API fields Meta reads in seconds.
@Suite struct TimestampTests {
    func json(_ value: some Encodable) throws -> String {
        String(decoding: try CAPIJSON.encode(value), as: UTF8.self)
    }

    /// Milliseconds and the whole second they fall in.
    static let secondsOf: [(Int64, Int64)] = [
        (0, 0), (999, 0), (1_000, 1), (1_999, 1), (-1, -1), (-999, -1), (-1_000, -1), (-1_001, -2),
        (1_700_000_000_999, 1_700_000_000), (Int64.max, Int64.max / 1_000), (Int64.min, Int64.min / 1_000 - 1),
    ]

    @Test("seconds round down, toward the past also before 1970", arguments: TimestampTests.secondsOf)
    func secondsRoundDown(milliseconds: Int64, seconds: Int64) {
        let time = Timestamp(milliseconds: milliseconds)
        #expect(time.seconds == seconds)
        if milliseconds > .min {  // .min has no whole second at or before it
            #expect(time.wholeSeconds.milliseconds == seconds * 1_000)
            #expect(time.wholeSeconds <= time)
        }
    }

    @Test func secondsAndMillisecondsInitializersAgree() {
        #expect(Timestamp(seconds: 1_700_000_000) == Timestamp(milliseconds: 1_700_000_000_000))
        #expect(Timestamp(seconds: -2).milliseconds == -2_000)
        #expect(Timestamp(seconds: 1_700_000_000).seconds == 1_700_000_000)
        // Far beyond any real time it saturates at the last whole second, never traps.
        #expect(Timestamp(seconds: .max).seconds == .max / 1_000)
        #expect(Timestamp(seconds: .min).seconds == -(.max / 1_000))
        #expect(Timestamp(seconds: .max).wholeSeconds == Timestamp(seconds: .max))
    }

    @Test func settingSecondsMovesToTheStartOfThatSecond() {
        var time = Timestamp(milliseconds: 1_700_000_000_456)
        time.seconds += 60
        #expect(time == Timestamp(seconds: 1_700_000_060))
    }

    @Test func dateConversionRoundsDownToTheMillisecond() {
        #expect(Timestamp(Date(timeIntervalSince1970: 1.9996)).milliseconds == 1_999)
        #expect(Timestamp(Date(timeIntervalSince1970: -0.0004)).milliseconds == -1)
        #expect(Timestamp(Date(timeIntervalSince1970: 1_700_000_000)).milliseconds == 1_700_000_000_000)
        #expect(Timestamp(milliseconds: 1_500).date == Date(timeIntervalSince1970: 1.5))
        // Every millisecond survives a trip through `Date`, although `Double` cannot hold
        // most of them exactly (0.001 * n is inexact).
        for milliseconds in Array(Int64(1_781_430_082_000)...1_781_430_084_000) + Array(-2_000...2_000) {
            let time = Timestamp(milliseconds: milliseconds)
            #expect(Timestamp(time.date) == time, "\(milliseconds)")
        }
    }

    @Test func nowIsTheSystemTime() {
        let before = Date()
        let now = Timestamp.now
        let after = Date()
        #expect(Timestamp(before) <= now && now <= Timestamp(after))
    }

    @Test func codableAsMilliseconds() throws {
        // Stores and receipts persist this form.
        #expect(try json(Timestamp(milliseconds: 1_700_000_000_123)) == "1700000000123")
        #expect(try CAPIJSON.decode(Timestamp.self, from: Data("-5".utf8)) == Timestamp(milliseconds: -5))
    }

    @Test func serverEventKeepsWholeSecondsAndSendsSeconds() throws {
        let subSecond = Timestamp(milliseconds: 1_700_000_000_999)
        var event = ServerEvent(eventName: .purchase, eventTime: subSecond, actionSource: .website)
        #expect(event.eventTime == Timestamp(seconds: 1_700_000_000))
        event.eventTime = Timestamp(milliseconds: 1_700_000_100_500)
        #expect(event.eventTime == Timestamp(seconds: 1_700_000_100))
        event.eventTime = Timestamp(milliseconds: -1)
        #expect(event.eventTime == Timestamp(seconds: -1))

        event.eventTime = subSecond
        let text = try json(event)
        #expect(text == #"{"action_source":"website","event_name":"Purchase","event_time":1700000000,"user_data":{}}"#)
        #expect(try CAPIJSON.decode(ServerEvent.self, from: Data(text.utf8)) == event)
    }

    @Test func serverEventDecodesEventTimeAsSeconds() throws {
        let text = #"{"action_source":"website","event_name":"Lead","event_time":1781430082,"user_data":{}}"#
        let event = try CAPIJSON.decode(ServerEvent.self, from: Data(text.utf8))
        #expect(event.eventTime == Timestamp(seconds: 1_781_430_082))
        #expect(try json(event) == text)
    }

    @Test func attributionAndOriginalEventTimesGoOutAsSeconds() throws {
        var attribution = AttributionData()
        attribution.visitTime = Timestamp(milliseconds: 1_700_000_000_250)
        attribution.touchpointTimestamp = Timestamp(milliseconds: 1_699_999_000_999)
        attribution.adID = "9"
        #expect(attribution.visitTime == Timestamp(seconds: 1_700_000_000))
        #expect(attribution.touchpointTimestamp == Timestamp(seconds: 1_699_999_000))
        let original = OriginalEventData(
            eventName: .purchase, eventTime: Timestamp(milliseconds: 1_699_999_999_500), orderID: "1")
        #expect(original.eventTime == Timestamp(seconds: 1_699_999_999))

        var event = ServerEvent(eventName: .purchase, eventTime: Timestamp(seconds: 1_700_000_100), actionSource: .website)
        event.attributionData = attribution
        event.originalEventData = original
        let text = try json(event)
        #expect(text.contains(#""attribution_data":{"ad_id":"9","touchpoint_ts":1699999000,"visit_time":1700000000}"#))
        #expect(text.contains(#""original_event_data":{"event_name":"Purchase","event_time":1699999999,"order_id":"1"}"#))
        #expect(try CAPIJSON.decode(ServerEvent.self, from: Data(text.utf8)) == event)
    }

    @Test func attributionTimesDecodeFromSeconds() throws {
        let text = #"{"visit_time":1700000000,"touchpoint_ts":1699999000,"scope":"s","attr_window":7}"#
        let attribution = try CAPIJSON.decode(AttributionData.self, from: Data(text.utf8))
        #expect(attribution.visitTime == Timestamp(seconds: 1_700_000_000))
        #expect(attribution.touchpointTimestamp == Timestamp(seconds: 1_699_999_000))
        #expect(attribution.scope == "s" && attribution.attrWindow == 7)
        let original = try CAPIJSON.decode(OriginalEventData.self, from: Data(#"{"event_time":1699999999}"#.utf8))
        #expect(original.eventTime == Timestamp(seconds: 1_699_999_999))
        #expect(try json(AttributionData()) == "{}")
    }

    /// Code written against `UnixTime` and `Timestamp.unixTime` keeps compiling; the
    /// deprecated spellings are reached through a protocol so this file builds without warnings.
    @Test func deprecatedUnixTimeSpellingsStillWork() {
        func wholeSecond(of time: some LegacyTimestamp) -> Timestamp { time.unixTime }
        #expect(wholeSecond(of: Timestamp(milliseconds: 1_700_000_000_999)) == Timestamp(seconds: 1_700_000_000))
    }
}

private protocol LegacyTimestamp {
    var unixTime: Timestamp { get }
}

extension Timestamp: LegacyTimestamp {}
