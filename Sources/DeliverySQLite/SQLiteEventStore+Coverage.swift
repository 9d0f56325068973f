public import CAPIModel
public import Delivery
import SQLiteNIO

extension SQLiteEventStore {
    // MARK: Coverage and counts

    public func coverage(pixel: PixelID) async throws -> MatchKeyCoverage {
        try await run("reading coverage") {
            let rows = try await query(
                "SELECT event_name, counter, value FROM coverage WHERE pixel_id = ?", [.text(pixel.rawValue)])
            var reader = StoredCoverage.Reader()
            for row in rows {
                guard let name = row.column("event_name")?.string, let counter = row.column("counter")?.string,
                    let value = row.column("value")?.integer
                else { continue }
                reader.add(eventName: name, counter: counter, value: Int64(value))
            }
            return reader.coverage
        }
    }

    public func mergeCoverage(_ coverage: MatchKeyCoverage, pixel: PixelID) async throws {
        var entries = StoredCoverage.Increments()
        entries.add(coverage, pixel: pixel)
        guard !entries.isEmpty else { return }
        try await transaction("merging coverage") { try await upsertCoverage(entries) }
    }

    func upsertCoverage(_ coverage: StoredCoverage.Increments) async throws {
        for chunk in coverage.sorted.chunks(ofAtMost: Self.rowsPerInsert) {
            var binds: [SQLiteData] = []
            for (counter, value) in chunk {
                binds += [
                    .text(counter.pixelID.rawValue), .text(counter.eventName.rawValue), .text(counter.counter),
                    .integer(SQLiteInt64(value)),
                ]
            }
            _ = try await query(
                """
                INSERT INTO coverage (pixel_id, event_name, counter, value) VALUES \(Self.placeholders(rows: chunk.count, columns: 4))
                ON CONFLICT (pixel_id, event_name, counter) DO UPDATE SET value = value + excluded.value
                """, binds)
        }
    }

    // MARK: Counts and pruning

    public func counts(pixel: PixelID?) async throws -> EventCounts {
        try await run("counting events") {
            let rows: [SQLiteRow]
            if let pixel {
                rows = try await query(
                    "SELECT state, count(*) AS n FROM events WHERE pixel_id = ? GROUP BY state", [.text(pixel.rawValue)])
            } else {
                rows = try await query("SELECT state, count(*) AS n FROM events GROUP BY state")
            }
            var counts = EventCounts()
            for row in rows {
                counts.add(Int(row.column("n")?.integer ?? 0), storedState: row.column("state")?.integer.map { Int($0) })
            }
            return counts
        }
    }

    public func pruneDelivered(before cutoff: Timestamp) async throws -> Int {
        try await transaction("pruning delivered events") {
            let bind: [SQLiteData] = [.integer(SQLiteInt64(cutoff.milliseconds))]
            _ = try await query(
                """
                DELETE FROM attempt_events WHERE event_row IN (
                    SELECT id FROM events WHERE \(EventState.SQL.isDelivered) AND delivered_at < ?
                )
                """, bind)
            _ = try await query("DELETE FROM events WHERE \(EventState.SQL.isDelivered) AND delivered_at < ?", bind)
            let deleted = try await query("SELECT changes() AS n").first?.column("n")?.integer ?? 0
            _ = try await query(
                """
                DELETE FROM attempts WHERE NOT EXISTS (
                    SELECT 1 FROM attempt_events WHERE attempt_events.attempt_id = attempts.id
                )
                """)
            return Int(deleted)
        }
    }
}
