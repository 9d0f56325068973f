import CAPIModel
import Delivery
import DeliveryTesting
import Testing

@Suite("Response classification")
struct ClassificationTests {
    static let table: [(String, TransportResponse, AttemptOutcome)] = [
        ("200 success", RecordingTransport.success(eventCount: 3), .delivered),
        ("200 malformed", TransportResponse(status: 200, body: "<html>"), .transient),
        ("200 JSON without events_received", TransportResponse(status: 200, body: "{}"), .transient),
        ("500 no body", TransportResponse(status: 500, body: ""), .transient),
        ("503 code 2", RecordingTransport.graphError(status: 503, code: 2), .transient),
        ("400 code 1", RecordingTransport.graphError(code: 1), .transient),
        ("400 code 2", RecordingTransport.graphError(code: 2), .transient),
        ("400 is_transient", RecordingTransport.graphError(code: 9_999, isTransient: true), .transient),
        ("429 without body", TransportResponse(status: 429, body: ""), .throttled),
        ("code 4", RecordingTransport.graphError(code: 4), .throttled),
        ("code 17", RecordingTransport.graphError(code: 17), .throttled),
        ("code 32", RecordingTransport.graphError(code: 32), .throttled),
        ("code 341", RecordingTransport.graphError(code: 341), .throttled),
        ("code 368", RecordingTransport.graphError(code: 368), .throttled),
        ("code 613", RecordingTransport.graphError(code: 613), .throttled),
        ("code 80004", RecordingTransport.graphError(code: 80_004), .throttled),
        ("code 80014", RecordingTransport.graphError(code: 80_014), .throttled),
        ("code 190", RecordingTransport.graphError(code: 190, subcode: 463), .credentialsRejected),
        ("code 102", RecordingTransport.graphError(code: 102), .credentialsRejected),
        ("code 10", RecordingTransport.graphError(code: 10), .credentialsRejected),
        ("code 200", RecordingTransport.graphError(code: 200), .credentialsRejected),
        (
            "wrong appsecret_proof",
            RecordingTransport.graphError(code: 100, message: "Invalid appsecret_proof provided in the API argument"),
            .credentialsRejected
        ),
        ("code 100", RecordingTransport.graphError(code: 100, subcode: 2_804_050), .invalidParameter),
        ("code 3: wrong version or path", RecordingTransport.graphError(code: 3), .destinationRejected),
        ("code 100/33: wrong pixel or no access", RecordingTransport.graphError(code: 100, subcode: 33), .destinationRejected),
        ("code 99", RecordingTransport.graphError(code: 99), .unexpected),
        ("400 not Graph", TransportResponse(status: 400, body: "nope"), .transient),
    ]

    @Test("classifies", arguments: table)
    func classifies(_ name: String, _ response: TransportResponse, _ expected: AttemptOutcome) {
        #expect(ResponseClassifier.classify(response).outcome == expected, "\(name)")
    }

    @Test func networkErrorsAreTransient() {
        struct Refused: Error {}
        #expect(ResponseClassifier.classify(transportError: Refused()).outcome == .transient)
    }

    @Test func successKeepsMetasAnswer() {
        guard
            case .delivered(let success) = ResponseClassifier.classify(RecordingTransport.success(eventCount: 7, fbtraceID: "T1"))
        else {
            Issue.record("expected delivered")
            return
        }
        #expect(success.eventsReceived == 7)
        #expect(success.fbtraceID == "T1")
    }

    @Test(
        "X-Business-Use-Case-Usage regain time",
        arguments: [
            (#"{"123":[{"type":"ads_management","estimated_time_to_regain_access":5}]}"#, Duration?.some(.seconds(300))),
            (#"{"1":[{"estimated_time_to_regain_access":2}],"2":[{"estimated_time_to_regain_access":7}]}"#, .seconds(420)),
            (#"{"123":[{"type":"ads_management","estimated_time_to_regain_access":0}]}"#, nil),
            ("not json", nil),
        ] as [(String, Duration?)])
    func regainAccess(_ header: String, _ expected: Duration?) {
        #expect(ResponseClassifier.regainAccessAfter(header) == expected)
    }

    @Test func throttleReadsTheHeaderCaseInsensitively() {
        let response = RecordingTransport.graphError(
            code: 17, headers: [("x-business-use-case-usage", #"{"9":[{"estimated_time_to_regain_access":3}]}"#)])
        #expect(
            ResponseClassifier.classify(response)
                == .throttled(regainAccessAfter: .seconds(180), error: ResponseClassifier.classify(response).graphError))
        #expect(ResponseClassifier.classify(response).graphError?.code == 17)
    }
}

@Suite("Backoff")
struct BackoffTests {
    @Test func ceilingDoublesAndCaps() {
        var policy = RetryPolicy()
        policy.initialBackoff = .seconds(1)
        policy.maximumBackoff = .seconds(60)
        #expect(
            (1...8).map { policy.backoffCeiling(attempt: $0) } == [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000])
        #expect(policy.backoffCeiling(attempt: 0) == 1_000)
        #expect(policy.backoffCeiling(attempt: 63) == 60_000)
        #expect(policy.backoffCeiling(attempt: .max) == 60_000)
    }

    @Test func hugeInitialBackoffDoesNotOverflow() {
        var policy = RetryPolicy()
        policy.initialBackoff = .seconds(Int64.max / 1_000)
        policy.maximumBackoff = .seconds(3_600)
        #expect(policy.backoffCeiling(attempt: 40) == 3_600_000)
    }

    @Test func fullJitterStaysWithinTheCeilingAndSpreads() {
        let policy = RetryPolicy()
        var random = SeededGenerator(seed: 42)
        let delays = (0..<1_000).map { _ in policy.backoff(attempt: 3, using: &random) }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .milliseconds(policy.backoffCeiling(attempt: 3)) })
        #expect(Set(delays).count > 900)
        let mean = delays.map { Double($0.components.seconds) }.reduce(0, +) / 1_000
        #expect(mean > 2.5 && mean < 5.5)  // uniform over 0...8 s has mean 4 s
    }

    @Test func sameSeedSameDelays() {
        let policy = RetryPolicy()
        var a = SeededGenerator(seed: 7)
        var b = SeededGenerator(seed: 7)
        #expect(
            (1...10).map { policy.backoff(attempt: $0, using: &a) } == (1...10).map { policy.backoff(attempt: $0, using: &b) })
    }
}
