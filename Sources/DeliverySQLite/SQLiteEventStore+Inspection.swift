public import CAPIModel
public import Delivery
import SQLiteNIO
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SQLiteEventStore {
    // MARK: Inspection

    static let reportColumns = """
        id, pixel_id, event_name, event_id, event_time, action_source, payload, state, attempts, enqueued_at, due_at,
        delivered_at, parked_at, park_code, park_message, park_graph_code, park_graph_subcode
        """

    static func report(_ row: SQLiteRow) -> EventStatusReport {
        func int(_ name: String) -> Int64? { row.column(name)?.integer.map { Int64($0) } }
        func text(_ name: String) -> String? { row.column(name)?.string }
        var reason: ParkReason?
        if let code = text("park_code") {
            reason = ParkReason(
                code: ParkReason.Code(rawValue: code), message: text("park_message") ?? "",
                graphCode: int("park_graph_code").map { Int($0) }, graphSubcode: int("park_graph_subcode").map { Int($0) })
        }
        return EventStatusReport(
            id: EventRecordID(int("id") ?? 0),
            key: EventKey(
                pixelID: PixelID(text("pixel_id") ?? ""), eventName: EventName(text("event_name") ?? ""),
                eventID: text("event_id") ?? ""),
            eventTime: Timestamp(seconds: int("event_time") ?? 0),
            actionSource: ActionSource(rawValue: text("action_source") ?? "") ?? .other,
            state: EventState(storageValue: Int(int("state") ?? 0)) ?? .pending,
            attempts: Int(int("attempts") ?? 0),
            enqueuedAt: Timestamp(milliseconds: int("enqueued_at") ?? 0),
            dueAt: int("due_at").map { Timestamp(milliseconds: $0) },
            deliveredAt: int("delivered_at").map { Timestamp(milliseconds: $0) },
            parkedAt: int("parked_at").map { Timestamp(milliseconds: $0) },
            parkReason: reason,
            json: text("payload") ?? "")
    }

    public func parkedEvents(pixel: PixelID?, after cursor: EventRecordID?, limit: Int) async throws -> [EventStatusReport] {
        try await run("listing parked events") {
            var sql = "SELECT \(Self.reportColumns) FROM events WHERE \(EventState.SQL.isParked) AND id > ?"
            var binds: [SQLiteData] = [.integer(SQLiteInt64(cursor?.rawValue ?? 0))]
            if let pixel {
                sql += " AND pixel_id = ?"
                binds.append(.text(pixel.rawValue))
            }
            sql += " ORDER BY id LIMIT ?"
            binds.append(.integer(SQLiteInt64(limit)))
            return try await query(sql, binds).map(Self.report)
        }
    }

    public func status(of id: EventRecordID) async throws -> EventStatusReport? {
        try await run("reading an event") {
            try await query(
                "SELECT \(Self.reportColumns) FROM events WHERE id = ?", [.integer(SQLiteInt64(id.rawValue))]
            ).first.map(Self.report)
        }
    }

    public func status(of key: EventKey) async throws -> EventStatusReport? {
        try await run("reading an event") {
            try await query(
                "SELECT \(Self.reportColumns) FROM events WHERE pixel_id = ? AND event_name = ? AND event_id = ?",
                [.text(key.pixelID.rawValue), .text(key.eventName.rawValue), .text(key.eventID)]
            ).first.map(Self.report)
        }
    }

    public func attempts(for id: EventRecordID) async throws -> [RecordedAttempt] {
        try await run("reading attempts") {
            let rows = try await query(
                """
                SELECT a.* FROM attempts a JOIN attempt_events e ON e.attempt_id = a.id
                WHERE e.event_row = ? ORDER BY a.id
                """, [.integer(SQLiteInt64(id.rawValue))])
            return rows.map(Self.recordedAttempt)
        }
    }

    /// A row of the `attempts` table as a receipt.
    static func recordedAttempt(_ row: SQLiteRow) -> RecordedAttempt {
        func int(_ name: String) -> Int? { row.column(name)?.integer.map { Int($0) } }
        func text(_ name: String) -> String? { row.column(name)?.string }
        let messages = (try? CAPIJSON.decode([String].self, from: Data((text("messages") ?? "[]").utf8))) ?? []
        return RecordedAttempt(
            id: AttemptID(Int64(int("id") ?? 0)),
            receipt: AttemptReceipt(
                pixelID: PixelID(text("pixel_id") ?? ""),
                startedAt: Timestamp(milliseconds: Int64(int("started_at") ?? 0)),
                durationMilliseconds: Int64(int("duration_ms") ?? 0),
                requestBody: text("request_body") ?? "", eventCount: int("event_count") ?? 0,
                httpStatus: int("http_status"), responseBody: text("response_body"), fbtraceID: text("fbtrace_id"),
                eventsReceived: int("events_received"), messages: messages, errorCode: int("error_code"),
                errorSubcode: int("error_subcode"), errorMessage: text("error_message"),
                outcome: AttemptOutcome(rawValue: text("outcome") ?? "")))
    }

    public func replay(_ ids: [EventRecordID], at now: Timestamp) async throws -> [EventRecordID] {
        guard !ids.isEmpty else { return [] }
        return try await transaction("replaying events") {
            try await update(
                """
                UPDATE events SET state = \(EventState.SQL.pending), due_at = ?, attempts = 0, parked_at = NULL, park_code = NULL,
                    park_message = NULL, park_graph_code = NULL, park_graph_subcode = NULL
                WHERE \(EventState.SQL.isParked) AND id IN
                """, [.integer(SQLiteInt64(now.milliseconds))], ids, returning: true
            ).sorted()
        }
    }
}

extension SQLiteEventStore: InspectableEventStore {
    public func pixelIDs() async throws -> [PixelID] {
        try await run("listing pixels") {
            // Coverage rows outlive pruned events, so a pixel whose events were all pruned is still listed.
            // The events' pixels come from a loose index scan of the unique key (pixel_id, event_name,
            // event_id): one index seek per pixel instead of reading every event.
            let rows = try await query(
                """
                WITH RECURSIVE event_pixels(pixel_id) AS (
                    SELECT MIN(pixel_id) FROM events
                    UNION ALL
                    SELECT (SELECT MIN(pixel_id) FROM events WHERE pixel_id > event_pixels.pixel_id)
                    FROM event_pixels WHERE event_pixels.pixel_id IS NOT NULL
                )
                SELECT pixel_id FROM event_pixels WHERE pixel_id IS NOT NULL
                UNION SELECT pixel_id FROM coverage
                ORDER BY pixel_id
                """)
            return rows.compactMap { $0.column("pixel_id")?.string.map { PixelID($0) } }
        }
    }

    public func events(
        matching filter: EventFilter, after cursor: EventRecordID?, limit: Int
    ) async throws
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

    public func recentAttempts(
        matching filter: AttemptFilter, before cursor: AttemptID?, limit: Int
    ) async throws
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
            for chunk in ids.chunks(ofAtMost: Self.idsPerList) {
                let rows = try await query(
                    """
                    SELECT l.event_row AS event_row, a.* FROM attempts a JOIN (
                        SELECT event_row, max(attempt_id) AS attempt_id FROM attempt_events
                        WHERE event_row IN \(Self.list(chunk.count)) GROUP BY event_row
                    ) l ON a.id = l.attempt_id
                    """, chunk.map { .integer(SQLiteInt64($0.rawValue)) })
                for row in rows {
                    guard let event = row.column("event_row")?.integer else { continue }
                    latest[EventRecordID(Int64(event))] = Self.recordedAttempt(row)
                }
            }
            return latest
        }
    }
}
