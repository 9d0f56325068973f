import CAPIModel
import Delivery
import DeliverySQLite
import Foundation
import Testing

@Suite("capi backfill")
struct BackfillCommandTests {
    static func line(_ eventID: String, time: Timestamp) throws -> String {
        var user = UserData()
        user.emails = [HashedIdentifier(hexString: String(repeating: "ab", count: 32))!]
        user.clientIPAddress = "203.0.113.9"
        user.clientUserAgent = "Mozilla/5.0"
        let event = ServerEvent(
            eventName: .purchase, eventTime: time, actionSource: .website, userData: user,
            customData: CustomData(value: 12.5, currency: "EUR", orderID: eventID), eventID: eventID,
            eventSourceURL: "https://shop.example/thanks")
        return String(decoding: try CAPIJSON.encode(event), as: UTF8.self)
    }

    @Test func queuesThousandsWithProgressAndListsRejectedLines() async throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let now = Timestamp.now
        var lines = try (0..<2_500).map { try Self.line("ord_b\($0)", time: now) }
        let rawEmail = try Self.line("ord_raw", time: now).replacing(String(repeating: "ab", count: 32), with: "jane@example.com")
        lines.insert(rawEmail, at: 10)
        lines.insert("{not json", at: 20)
        lines.insert(try Self.line("ord_old", time: Timestamp(seconds: now.seconds - 8 * 86_400)), at: 30)
        lines.insert("", at: 40)
        let input = directory.file("events.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: input))
        let store = directory.file("backfill.sqlite")

        let missing = try await CAPIBinary.launch(["backfill", "--store", store, "--pixel-id", "42", input])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no store at"))

        let result = try await CAPIBinary.launch(["backfill", "--store", store, "--create", "--pixel-id", "42", input])
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stdout.contains("backfill: 2,500 events queued for pixel 42, 0 already in the store, 3 lines rejected"))
        let errors = result.stderr.split(separator: "\n").map(String.init)
        #expect(
            errors.contains(
                "line 11: not a server event: user_data.em[0]: expected a SHA-256 hash: 64 hex characters, optionally with a param-builder appendix"
            ))
        #expect(errors.contains("line 21: not a server event: the line is not JSON"))
        #expect(errors.contains { $0.hasPrefix("line 31: event_too_old:") })
        #expect(errors.contains { $0.hasPrefix("backfill: 1,000/2,504 lines (39%)") })
        #expect(errors.contains { $0.hasPrefix("backfill: 2,504/2,504 lines (100%)") })
        #expect(!result.stderr.contains("jane@example.com"))

        let again = try await CAPIBinary.launch(
            ["backfill", "--store", store, "--pixel-id", "42"], input: Data(lines[0..<5].joined(separator: "\n").utf8))
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("backfill: 0 events queued for pixel 42, 5 already in the store, 0 lines rejected"))

        let counts = try await withSQLiteEventStore(path: store) { try await $0.counts(pixel: "42") }
        #expect(counts == EventCounts(pending: 2_500))
    }
}
