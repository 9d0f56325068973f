import ArgumentParser
import CAPIModel
import Delivery
import DeliveryDashboard
import DeliverySQLite
import FoundationEssentials

/// `capi backfill --store FILE --pixel-id ID events.jsonl`: queue events exported elsewhere.
struct BackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Queue server events from a JSON Lines file (one element of \"data\" per line), with progress.",
        discussion: """
            Each line is one server event exactly as the Graph API takes it, with hashed identifiers (a raw email or phone is refused, never stored). Events are validated (event_time within 7 days, 62 for physical_store; website rules) and queued in batches, each one durable commit; an event_id already in the store is left as it is, so a backfill can be run again after an interruption. The app's DeliveryWorker sends them. A line is rejected, and the others still queued, when it is not a valid server event, fails a check the queue applies (including the 256 KiB limit on an encoded event), is not valid UTF-8 or is longer than 1 MiB. Rejected lines are listed by line number on standard error and the exit status is then 65; running the same file again queues nothing twice.

            Example:
              capi backfill --store shop.sqlite --pixel-id 1234567890 missed-purchases.jsonl
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(name: .long, help: ArgumentHelp("The pixel the events go to.", valueName: "id"))
    var pixelID: String

    @Argument(help: ArgumentHelp("The JSON Lines file; - or nothing reads standard input.", valueName: "file"))
    var input: String?

    @Flag(name: .long, help: "Create the store if the file does not exist yet.")
    var create = false

    @Option(name: .long, help: "Events per durable commit.")
    var batchSize: Int = 1_000

    /// Rejected lines listed one by one; the rest are counted.
    static let listedRejections = 20

    func validate() throws {
        guard !pixelID.isEmpty, pixelID.allSatisfy(\.isNumber) else {
            throw ValidationError("--pixel-id is the numeric id of the pixel (dataset)")
        }
        guard (1...50_000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 50,000") }
        if let input, input != "-", !FileManager.default.fileExists(atPath: input) {
            throw ValidationError("no file at \(input)")
        }
    }

    func run() async throws {
        if create, !FileManager.default.fileExists(atPath: try storeOptions.store) {
            // Opening creates the file and its schema.
            try await withSQLiteEventStore(path: try storeOptions.store) { _ in }
        }
        let path = input == "-" ? nil : input
        let total = try path.map { try LineReader.countLines(atPath: $0) }
        let summary = try await storeOptions.withStore { store in
            try await backfill(into: store, from: path, total: total)
        }
        Console.line(
            "backfill: \(grouped(summary.enqueued)) events queued for pixel \(pixelID), \(grouped(summary.duplicates)) already "
                + "in the store, \(grouped(summary.rejected)) lines rejected")
        if summary.rejected > 0 { throw ExitCode(65) }
    }

    struct Summary: Sendable {
        var enqueued = 0
        var duplicates = 0
        var rejected = 0
    }

    func backfill(into store: SQLiteEventStore, from path: String?, total: Int?) async throws -> Summary {
        let reader = try LineReader(path: path)
        let queue = DeliveryQueue(store: store)
        let pixel = PixelID(pixelID)
        var progress = ProgressReporter(label: "backfill", total: total ?? 0, unit: "lines", every: batchSize)
        var summary = Summary()
        var lineNumber = 0
        var batch: [ServerEvent] = []
        var batchLines: [Int] = []
        // Rejections of the lines since the last flush, listed in line order at the flush.
        var rejections: [(line: Int, reason: String)] = []

        func reject(_ line: Int, _ reason: String) {
            rejections.append((line, reason))
        }
        func listRejections() {
            for (line, reason) in rejections.sorted(by: { $0.line < $1.line }) {
                summary.rejected += 1
                if summary.rejected <= Self.listedRejections {
                    Console.error("line \(line): \(TerminalText.escape(reason))")
                } else if summary.rejected == Self.listedRejections + 1 {
                    Console.error("… further rejected lines are counted, not listed")
                }
            }
            rejections.removeAll(keepingCapacity: true)
        }
        // Each event passes the queue's own checks (validation, size limits, encoded size) on
        // its own, so one bad line is rejected by its number and the rest of the batch is stored.
        func flush() async throws {
            if !batch.isEmpty {
                let checked = try queue.prepareEach(batch, pixel: pixel)
                var rejectedIndices = Set<Int>()
                for issue in checked.issues where rejectedIndices.insert(issue.index).inserted {
                    reject(batchLines[issue.index], "\(issue.rule): \(issue.message)")
                }
                if !checked.ready.isEmpty {
                    let result = try await queue.enqueue(prepared: checked.ready)
                    summary.enqueued += result.insertedCount
                    summary.duplicates += result.duplicates.count
                }
                batch.removeAll(keepingCapacity: true)
                batchLines.removeAll(keepingCapacity: true)
            }
            listRejections()
        }

        progress.update(0)
        let decoder = CAPIJSON.makeDecoder()
        while let line = reader.next() {
            lineNumber += 1
            switch line {
            case .unreadable(let problem):
                reject(lineNumber, "\(problem.code): \(problem.message)")
            case .text(let text) where text.allSatisfy(\.isWhitespace):
                break
            case .text(let text):
                do {
                    batch.append(try decoder.decode(ServerEvent.self, from: Data(text.utf8)))
                    batchLines.append(lineNumber)
                } catch let error as DecodingError {
                    reject(lineNumber, "not a server event: \(Self.describe(error))")
                } catch {
                    reject(lineNumber, "not a server event: the line is not JSON")
                }
            }
            // Rejections wait for the batch's (to be listed in line order), at most a batch of them.
            if batch.count >= batchSize || rejections.count >= batchSize { try await flush() }
            if lineNumber % batchSize == 0 { progress.update(total.map { min(lineNumber, $0) } ?? lineNumber) }
        }
        try await flush()
        progress.update(lineNumber)
        progress.finish()
        return summary
    }

    /// Where and why decoding failed, without the value (which may be personal data).
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { key in key.intValue.map { "[\($0)]" } ?? "." + key.stringValue }
            let text = keys.joined().replacing(".[", with: "[")
            return text.hasPrefix(".") ? String(text.dropFirst()) : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            let at = path(context)
            return "\(at.isEmpty ? "" : at + ".")\(key.stringValue) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)) has the wrong type"
        case .dataCorrupted(let context):
            let at = path(context)
            return at.isEmpty ? "the line is not JSON" : "\(at): \(context.debugDescription)"
        @unknown default:
            return "unreadable"
        }
    }
}
