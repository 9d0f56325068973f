import CAPIModel
public import Delivery
import PostgresNIO

extension PostgresEventStore: InspectableEventStore {
    public func pixelIDs() async throws -> [PixelID] {
        try await withStore("listing pixels") { [self] in
            // Coverage rows outlive pruned events, so a pixel whose events were all pruned is still listed.
            var pixels: [PixelID] = []
            for try await pixel in try await client.query(
                """
                SELECT pixel_id FROM (
                    SELECT pixel_id FROM \(unescaped: schema.events)
                    UNION SELECT pixel_id FROM \(unescaped: schema.coverage)
                ) AS p
                ORDER BY pixel_id COLLATE "C"
                """, logger: logger
            ).decode(String.self) {
                pixels.append(PixelID(pixel))
            }
            return pixels
        }
    }

    public func events(matching filter: EventFilter, after cursor: EventRecordID?, limit: Int) async throws
        -> [EventStatusReport]
    {
        try await withStore("listing events") { [self] in
            try await reports(
                """
                SELECT \(unescaped: Self.reportColumns) FROM \(unescaped: schema.events)
                WHERE id > \(cursor?.rawValue ?? 0)
                    AND (\(filter.pixelID?.rawValue)::text IS NULL OR pixel_id = \(filter.pixelID?.rawValue)::text)
                    AND (\(filter.state?.storageValue)::integer IS NULL OR state = \(filter.state?.storageValue)::integer)
                    AND (\(filter.eventName?.rawValue)::text IS NULL OR event_name = \(filter.eventName?.rawValue)::text)
                    AND (\(filter.eventID)::text IS NULL OR event_id = \(filter.eventID)::text)
                ORDER BY id LIMIT \(max(0, limit))
                """)
        }
    }

    public func recentAttempts(matching filter: AttemptFilter, before cursor: AttemptID?, limit: Int) async throws
        -> [RecordedAttempt]
    {
        try await withStore("listing attempts") { [self] in
            let failuresOnly = filter.failuresOnly
            let rows = try await client.query(
                """
                SELECT 0::bigint, \(unescaped: Self.attemptColumns) FROM \(unescaped: schema.attempts) a
                WHERE a.id < \(cursor?.rawValue ?? Int64.max)
                    AND (\(filter.pixelID?.rawValue)::text IS NULL OR a.pixel_id = \(filter.pixelID?.rawValue)::text)
                    AND (NOT \(failuresOnly) OR a.outcome <> \(AttemptOutcome.delivered.rawValue))
                ORDER BY a.id DESC LIMIT \(max(0, limit))
                """, logger: logger)
            return try await Self.recordedAttempts(rows).map(\.attempt)
        }
    }

    public func latestAttempts(for ids: [EventRecordID]) async throws -> [EventRecordID: RecordedAttempt] {
        guard !ids.isEmpty else { return [:] }
        return try await withStore("reading latest attempts") { [self] in
            let rows = try await client.query(
                """
                SELECT l.event_row, \(unescaped: Self.attemptColumns) FROM \(unescaped: schema.attempts) a JOIN (
                    SELECT event_row, max(attempt_id) AS attempt_id FROM \(unescaped: schema.attemptEvents)
                    WHERE event_row = ANY(\(ids.map(\.rawValue))::bigint[]) GROUP BY event_row
                ) l ON a.id = l.attempt_id
                """, logger: logger)
            var latest: [EventRecordID: RecordedAttempt] = [:]
            for (event, attempt) in try await Self.recordedAttempts(rows) { latest[EventRecordID(event)] = attempt }
            return latest
        }
    }

    private static let attemptColumns = """
        a.id, a.pixel_id, a.started_at, a.duration_ms, a.request_body, a.event_count, a.http_status, a.response_body,
        a.fbtrace_id, a.events_received, a.messages, a.error_code, a.error_subcode, a.error_message, a.outcome
        """

    /// Rows of a leading `bigint` column and then ``attemptColumns``, as receipts.
    private static func recordedAttempts(_ rows: PostgresRowSequence) async throws -> [(event: Int64, attempt: RecordedAttempt)] {
        var attempts: [(event: Int64, attempt: RecordedAttempt)] = []
        for try await row in rows.decode(
            (Int64, Int64, String, Int64, Int64, String, Int, Int?, String?, String?, Int?, [String], Int?, Int?, String?, String).self)
        {
            let receipt = AttemptReceipt(
                pixelID: PixelID(row.2), startedAt: Timestamp(milliseconds: row.3), durationMilliseconds: row.4,
                requestBody: row.5, eventCount: row.6, httpStatus: row.7, responseBody: row.8, fbtraceID: row.9,
                eventsReceived: row.10, messages: row.11, errorCode: row.12, errorSubcode: row.13, errorMessage: row.14,
                outcome: AttemptOutcome(rawValue: row.15))
            attempts.append((row.0, RecordedAttempt(id: AttemptID(row.1), receipt: receipt)))
        }
        return attempts
    }
}
