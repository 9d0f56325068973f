import CAPIModel
import Delivery
import DeliveryTesting
import MetricsTestKit
import Testing

/// "Never count as delivered what Meta did not acknowledge", "bounded memory", and "a damaged
/// row does not hold up its neighbours", at the level of the pure rules and of the worker.
@Suite("Acknowledgement, cut answers and unreadable events")
struct AcknowledgementTests {
    static func success(_ received: Int) -> Classification {
        .delivered(EventsResponse(eventsReceived: received, fbtraceID: "T"))
    }

    @Test("a 200 acknowledging fewer events than sent bisects; nothing is delivered", arguments: [2, 3, 50, 1_000])
    func shortfallBisects(_ count: Int) {
        var random = SeededGenerator(seed: 7)
        let batch = (1...count).map { Fixtures.leased(Int64($0)) }
        for received in [0, count / 2, count - 1] {
            let plan = AttemptPlanner().plan(Self.success(received), batch: batch, now: Fixtures.t0, using: &random)
            #expect(plan.events.isEmpty)
            #expect(plan.resend.count == 2)
            #expect(plan.resend.flatMap { $0 } == batch)
            #expect(plan.pixelAction == .none)
        }
    }

    @Test func aSingleUnacknowledgedEventIsRetriedThenParked() {
        var random = SeededGenerator(seed: 7)
        var policy = RetryPolicy()
        policy.maximumAttempts = 3
        let planner = AttemptPlanner(retryPolicy: policy)
        let fresh = planner.plan(Self.success(0), batch: [Fixtures.leased(1)], now: Fixtures.t0, using: &random)
        guard case .retry(let due)? = fresh.events.first?.disposition else {
            Issue.record("expected a retry, got \(fresh.events)")
            return
        }
        #expect(due >= Fixtures.t0)
        let last = planner.plan(Self.success(0), batch: [Fixtures.leased(1, attempts: 2)], now: Fixtures.t0, using: &random)
        guard case .park(let reason)? = last.events.first?.disposition else {
            Issue.record("expected a park, got \(last.events)")
            return
        }
        #expect(reason.code == .retriesExhausted)
        #expect(reason.message.contains("acknowledged 0 of 1 events"))
    }

    @Test("as many or more acknowledged than sent is delivered", arguments: [0, 1, 5])
    func fullAcknowledgement(_ extra: Int) {
        var random = SeededGenerator(seed: 7)
        let batch = (1...4).map { Fixtures.leased(Int64($0)) }
        let plan = AttemptPlanner().plan(Self.success(4 + extra), batch: batch, now: Fixtures.t0, using: &random)
        #expect(plan.events.map(\.disposition) == Array(repeating: .delivered, count: 4))
    }

    @Test func aCutSuccessIsNotDelivered() {
        var cut = RecordingTransport.success(eventCount: 3)
        cut.isTruncated = true
        let classification = ResponseClassifier.classify(cut)
        #expect(classification.outcome == .transient)
        // A cut error answer is still classified by its status where the status decides.
        var throttled = TransportResponse(status: 429, body: #"{"error":{"mess"#)
        throttled.isTruncated = true
        #expect(ResponseClassifier.classify(throttled).outcome == .throttled)
    }

    /// Over the worker: the receipt says `unacknowledged`, halves are resent, each settles on
    /// its own answer.
    @Test func workerResendsHalvesAndRecordsTheShortfall() async throws {
        let harness = WorkerHarness()
        harness.recording.enqueue(.response(RecordingTransport.success(eventCount: 3)))
        try await harness.enqueue(["a", "b", "c", "d"])
        try await harness.run {
            try await eventually("delivered") { await harness.memory.counts(pixel: nil).delivered == 4 }
        }
        #expect(harness.recording.sent.map(\.eventIDs) == [["a", "b", "c", "d"], ["a", "b"], ["c", "d"]])
        let id = try #require(try await harness.status("a")).id
        let history = try await harness.store.attempts(for: id).map(\.receipt)
        #expect(history.map(\.outcome) == [.unacknowledged, .delivered])
        #expect(history.first?.eventsReceived == 3)
        #expect(history.first?.errorMessage == "HTTP 200 but Meta acknowledged 3 of 4 events (events_received)")
        #expect(
            harness.metrics.counterTotal(label: DeliveryMetricLabel.requests, dimensions: [("outcome", "unacknowledged")]) == 1)
    }

    /// A stored event that is not a JSON object is parked as unreadable before any request;
    /// the rest of the batch is sent in one request.
    @Test func unreadableStoredEventsAreParkedBeforeSending() async throws {
        let harness = WorkerHarness()
        try await harness.enqueue(["ok1", "ok2"])
        for (id, json) in [("cut", #"{"event_name":"Purch"#), ("empty", ""), ("array", "[1]"), ("two", "{}{}")] {
            _ = try await harness.store.append(
                [
                    PendingEvent(
                        key: EventKey(pixelID: Fixtures.pixel, eventName: .purchase, eventID: id),
                        eventTime: Fixtures.t0.wholeSeconds, actionSource: .website, json: json, matchKeys: [])
                ],
                at: Fixtures.t0)
        }
        try await harness.run {
            try await eventually("settled") { await harness.memory.counts(pixel: nil) == EventCounts(delivered: 2, parked: 4) }
        }
        #expect(harness.recording.sent.map(\.eventIDs) == [["ok1", "ok2"]])
        for id in ["cut", "empty", "array", "two"] {
            let report = try #require(try await harness.status(id))
            #expect(report.parkReason?.code == .unreadable)
            #expect(report.attempts == 0)
        }
        #expect(harness.metrics.counterTotal(label: DeliveryMetricLabel.parked, dimensions: [("reason", "unreadable")]) == 4)
    }
}

@Suite("JSONSyntax")
struct JSONSyntaxTests {
    @Test(
        "accepts one JSON object",
        arguments: [
            "{}", " {} ", "\n{\"a\":1}\t", #"{"a":[1,-2.5e+3,0,0.1,1E9,true,false,null,"x",{},[]]}"#,
            #"{"s":"\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00\ud800"}"#, #"{"deep":[[[[[[[[[[{"k":{}}]]]]]]]]]]}"#, #"{"":""}"#,
            #"{"a":"é🎉"}"#, #"{"a":1,"a":2}"#,
        ])
    func accepts(_ text: String) {
        #expect(JSONSyntax.isObject(text))
    }

    @Test(
        "refuses anything else",
        arguments: [
            "", " ", "[]", "1", "\"s\"", "null", "{", "}", "{}{}", "{},", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}",
            "{a:1}", "{'a':1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":+1}",
            "{\"a\":tru}", "{\"a\":nul}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12G4\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\n\"}",
            "{\"a\":\"\u{0}\"}", "{\"a\":[1 2]}", "{\"a\":[1,]}", "{\"a\":[}", "{\"a\":\"x}", "\u{FEFF}{}", "{} x",
            "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":1}//", "/*c*/{}",
            // Found by FuzzJSONSyntax (Fuzz/Corpus/FuzzJSONSyntax/regression-trailing-comma):
            // Foundation's JSONDecoder accepts a trailing comma; RFC 8259 does not, and neither
            // does this check, since the event is spliced into a request body as is.
            "{ \"a\": \"\\u00e9In/\" ,\t\t\t\t\t} ",
            // Found by FuzzJSONSyntax (…/regression-nul): Foundation reads this as `{}`.
            "{\u{0}}\u{0}",
            // Found by FuzzJSONSyntax (…/regression-leading-zero, -control-in-string,
            // -unknown-escape): Foundation's JSONDecoder never reads a value whose key repeats an
            // earlier one, so a broken value hides there; this check reads every value.
            "{\"a\":1,\"a\":0883612800}", "{\"a\":[],\"a\":\"x\u{12}y\"}", "{\"a\":[],\"a\":\"\\\u{FFFD}\"}",
            "{\"a\":[],\"a\":\"\\uZZZZ\"}", "{\"a\":-012}", "{\"a\":\"\\q\"}",
        ])
    func refuses(_ text: String) {
        #expect(!JSONSyntax.isObject(text))
    }

    @Test func deepNestingIsLinearAndNeedsNoStack() {
        let depth = 1_000_000
        let deep = "{\"a\":" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        let start = ContinuousClock.now
        #expect(JSONSyntax.isObject(deep))
        #expect(!JSONSyntax.isObject(String(deep.dropLast(2)) + "}"))
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func everyEncodedEventIsAccepted() throws {
        for id in ["a", "b\u{0}c", "\"quoted\"", "é"] {
            var event = Fixtures.purchase(id)
            event.customData?.contentName = "line\nbreak\u{1F}\u{7F}\u{2028}"
            #expect(JSONSyntax.isObject(try FastServerEventEncoder().encode(event)))
            #expect(JSONSyntax.isObject(try FoundationServerEventEncoder().encode(event)))
        }
    }
}
