import CAPIModel
import Delivery
import DeliverySQLite
import Foundation
import Testing

/// `capi backfill` rejects bad lines one by one, by line number, and stores every other line once.
@Suite("capi backfill with bad lines")
struct BackfillRejectionTests {
    @Test func backfillStoresEveryValidLineAroundAnOversizedEventExactlyOnce() async throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let now = Timestamp.now
        var lines = try (1...1_500).map { try BackfillCommandTests.line("ord_\($0)", time: now) }
        // Line 1,200 encodes to more than the queue's 256 KiB per event.
        lines[1_199] = lines[1_199].replacing(
            #""order_id":"ord_1200""#,
            with: #""order_id":"ord_1200","content_name":""#
                + String(repeating: "x", count: 300_000) + "\"")
        var data = Data((lines.joined(separator: "\n") + "\n").utf8)
        data.append(contentsOf: Array(#"{"event_name":"Purchase","event_id":"caf"#.utf8) + [0xE9] + Array("\"}\n".utf8))
        let input = directory.file("events.jsonl")
        try data.write(to: URL(fileURLWithPath: input))
        let store = directory.file("backfill.sqlite")

        let first = try await CAPIBinary.launch(["backfill", "--store", store, "--create", "--pixel-id", "42", input])
        #expect(first.status == 65, "\(first.stderr)")
        #expect(first.stdout.contains("backfill: 1,499 events queued for pixel 42, 0 already in the store, 2 lines rejected"))
        let errors = first.stderr.split(separator: "\n").map(String.init)
        #expect(errors.contains { $0.hasPrefix("line 1200: event_too_large: ") }, "\(first.stderr)")
        #expect(
            errors.contains(
                "line 1501: invalid_utf8: the line is not valid UTF-8; convert the file to UTF-8 (for example with iconv)"))
        #expect(!first.stderr.contains("event["), "no batch index")

        let again = try await CAPIBinary.launch(["backfill", "--store", store, "--pixel-id", "42", input])
        #expect(again.status == 65)
        #expect(again.stdout.contains("backfill: 0 events queued for pixel 42, 1,499 already in the store, 2 lines rejected"))

        let counts = try await withSQLiteEventStore(path: store) { try await $0.counts(pixel: "42") }
        #expect(counts == EventCounts(pending: 1_499))
    }

    @Test func backfillListsRejectedLinesInLineOrder() async throws {
        let now = Timestamp.now
        var lines = try (1...30).map { try BackfillCommandTests.line("ord_o\($0)", time: now) }
        lines[4] = "{not json"
        lines[2] = try BackfillCommandTests.line("ord_old", time: Timestamp(seconds: now.seconds - 8 * 86_400))
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let result = try await CAPIBinary.launch(
            ["backfill", "--store", directory.file("s.sqlite"), "--create", "--pixel-id", "42", "--batch-size", "10"],
            input: Data(lines.joined(separator: "\n").utf8))
        #expect(result.status == 65)
        let listed = result.stderr.split(separator: "\n").filter { $0.hasPrefix("line ") }.map { $0.prefix(7) }
        #expect(listed == ["line 3:", "line 5:"])
    }
}
