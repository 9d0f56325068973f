import CAPIModel
import Delivery
import DeliverySQLite
import FakeGraphAPI
import Foundation
import Testing

/// Stored and received text (Graph's messages, fbtrace_id, bodies, event names and ids) is
/// printed escaped: it cannot retitle, clear or reorder the operator's terminal.
@Suite("capi terminal output")
struct TerminalOutputTests {
    /// True when `text` holds a character a terminal would act on.
    static func hasTerminalControl(_ text: String) -> Bool {
        text.unicodeScalars.contains {
            ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || (0x202A...0x202E).contains($0.value)
        }
    }

    static let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[2J\u{9B}31m\u{202E}"

    @Test func storedAndReceivedTextIsEscapedInStatusEventsAndShow() async throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let path = directory.file("hostile.sqlite")
        let now = SystemDeliveryClock().now
        try await withSQLiteEventStore(path: path) { store in
            // Written straight into the store, as an older version or another writer could.
            var user = UserData()
            user.clientIPAddress = "203.0.113.9"
            user.clientUserAgent = "Mozilla/5.0"
            let event = ServerEvent(
                eventName: EventName("Lead" + Self.hostile), eventTime: now.wholeSeconds, actionSource: .website, userData: user,
                eventID: "id" + Self.hostile, eventSourceURL: "https://shop.example/contact")
            let pending = PendingEvent(
                key: EventKey(pixelID: "1234567890", eventName: event.eventName, eventID: event.eventID ?? ""),
                eventTime: event.eventTime, actionSource: .website,
                json: String(decoding: try CAPIJSON.encode(event), as: UTF8.self),
                matchKeys: UserDataKeySet(user))
            _ = try await store.append([pending], at: now)
            let leased = try await store.lease(pixel: "1234567890", now: now, limit: 10, leaseDuration: .seconds(60))
            let receipt = AttemptReceipt(
                pixelID: "1234567890", startedAt: now, durationMilliseconds: 12, requestBody: #"{"data":[]}"#, eventCount: 1,
                httpStatus: 400, responseBody: "{\"error\":\"" + Self.hostile + "\"}\n" + Self.hostile,
                fbtraceID: "A" + Self.hostile, messages: [Self.hostile], errorCode: 42, errorMessage: "bad" + Self.hostile,
                outcome: .unexpected)
            try await store.park(
                leased.map(\.id), reason: ParkReason(code: .retriesExhausted, message: "gave up" + Self.hostile),
                attempt: receipt, at: now)
        }
        for command in [["status"], ["events"], ["show", "1", "--bodies"]] {
            let result = try await CAPIBinary.launch(command + ["--store", path])
            #expect(result.status == 0, "\(command): \(result.stderr)")
            #expect(!Self.hasTerminalControl(result.stdout), "\(command): \(result.stdout.debugDescription)")
            #expect(!Self.hasTerminalControl(result.stderr), "\(command)")
            #expect(result.stdout.contains(#"\u{1B}]0;pwned\u{7}\u{1B}[2J\u{9B}31m\u{202E}"#), "\(command): \(result.stdout)")
        }
        // --jsonl: nothing a terminal acts on, and still JSON that decodes to the stored text.
        let jsonl = try await CAPIBinary.launch(["events", "--jsonl", "--store", path])
        #expect(jsonl.status == 0, "\(jsonl.stderr)")
        #expect(!Self.hasTerminalControl(jsonl.stdout), "\(jsonl.stdout.debugDescription)")
        let line = try #require(jsonl.stdout.split(separator: "\n").first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["event_name"] as? String == "Lead" + Self.hostile, "\(object)")
    }

    @Test func sendTestEscapesAHostileAnswer() async throws {
        try await withFakeGraphAPI { server in
            let body =
                #"{"error":{"message":"x\u001b]0;pwned\u0007\u001b[2J","type":"OAuthException","code":42,"fbtrace_id":"T\u001b[2J"}}"#
            server.inject(.response(status: 400, body: body), times: 8)
            let result = try await CAPIBinary.launch(
                ["send-test", "--pixel-id", "42", "--test-event-code", "TEST1", "--graph-url", server.baseURL, "--timeout", "2"],
                environment: ["CAPI_ACCESS_TOKEN": "t"])
            #expect(result.status != 0)
            #expect(result.stdout.contains(#"fbtrace_id T\u{1B}[2J"#), "\(result.stdout)")
            #expect(result.stdout.contains(#"x\u{1B}]0;pwned\u{7}\u{1B}[2J"#))
            #expect(!Self.hasTerminalControl(result.stdout))
            #expect(!Self.hasTerminalControl(result.stderr))
        }
    }
}
