import CAPIModel
public import Delivery
import SQLiteNIO

extension SQLiteEventStore: InspectableEventStore {
    public func pixelIDs() async throws -> [PixelID] {
        try await run("listing pixels") {
            // Coverage rows outlive pruned events, so a pixel whose events were all pruned is still listed.
            let rows = try await query(
                "SELECT pixel_id FROM events UNION SELECT pixel_id FROM coverage ORDER BY pixel_id")
            return rows.compactMap { $0.column("pixel_id")?.string.map { PixelID($0) } }
        }
    }

    public func events(matching filter: EventFilter, after cursor: EventRecordID?, limit: Int) async throws
        -> [EventStatusReport]
    {
        try await run("listing events") {
            var sql = "SELECT \(Self.reportColumns) FROM events WHERE id > ?"
            var binds: [SQLiteData] = [.integer(SQLiteInt64(cursor?.rawValue ?? 0))]
            if let pixel = filter.pixelID {
                sql += " AND pixel_id = ?"
                binds.append(.text(pixel.rawValue))
            }
            if let state = filter.state {
                sql += " AND state = ?"
                binds.append(.integer(SQLiteInt64(state.storageValue)))
            }
            if let name = filter.eventName {
                sql += " AND event_name = ?"
                binds.append(.text(name.rawValue))
            }
            if let eventID = filter.eventID {
                sql += " AND event_id = ?"
                binds.append(.text(eventID))
            }
            sql += " ORDER BY id LIMIT ?"
            binds.append(.integer(SQLiteInt64(max(0, limit))))
            return try await query(sql, binds).map(Self.report)
        }
    }

    public func recentAttempts(matching filter: AttemptFilter, before cursor: AttemptID?, limit: Int) async throws
        -> [RecordedAttempt]
    {
        try await run("listing attempts") {
            var sql = "SELECT * FROM attempts WHERE id < ?"
            var binds: [SQLiteData] = [.integer(SQLiteInt64(cursor?.rawValue ?? Int64.max))]
            if let pixel = filter.pixelID {
                sql += " AND pixel_id = ?"
                binds.append(.text(pixel.rawValue))
            }
            if filter.failuresOnly {
                sql += " AND outcome <> ?"
                binds.append(.text(AttemptOutcome.delivered.rawValue))
            }
            sql += " ORDER BY id DESC LIMIT ?"
            binds.append(.integer(SQLiteInt64(max(0, limit))))
            return try await query(sql, binds).map(Self.recordedAttempt)
        }
    }

    public func latestAttempts(for ids: [EventRecordID]) async throws -> [EventRecordID: RecordedAttempt] {
        guard !ids.isEmpty else { return [:] }
        return try await run("reading latest attempts") {
            var latest: [EventRecordID: RecordedAttempt] = [:]
            var start = 0
            while start < ids.count {
                let chunk = ids[start..<min(start + 500, ids.count)]
                let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try await query(
                    """
                    SELECT l.event_row AS event_row, a.* FROM attempts a JOIN (
                        SELECT event_row, max(attempt_id) AS attempt_id FROM attempt_events
                        WHERE event_row IN (\(placeholders)) GROUP BY event_row
                    ) l ON a.id = l.attempt_id
                    """, chunk.map { .integer(SQLiteInt64($0.rawValue)) })
                for row in rows {
                    guard let event = row.column("event_row")?.integer else { continue }
                    latest[EventRecordID(Int64(event))] = Self.recordedAttempt(row)
                }
                start += chunk.count
            }
            return latest
        }
    }
}
