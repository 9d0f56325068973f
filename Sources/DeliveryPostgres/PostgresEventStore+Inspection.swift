public import CAPIModel
public import Delivery
import PostgresNIO

extension PostgresEventStore: InspectableEventStore {
    public func pixelIDs() async throws -> [PixelID] {
        try await withStore("listing pixels") { [self] in
            // Coverage rows outlive pruned events, so a pixel whose events were all pruned is still listed.
            // The events' pixels come from a loose index scan of the unique key (pixel_id, event_name,
            // event_id): one index seek per pixel instead of reading every event.
            var pixels: [PixelID] = []
            for try await pixel in try await client.query(
                """
                WITH RECURSIVE event_pixels(pixel_id) AS (
                    SELECT MIN(pixel_id) FROM \(unescaped: schema.events)
                    UNION ALL
                    SELECT (SELECT MIN(e.pixel_id) FROM \(unescaped: schema.events) e WHERE e.pixel_id > event_pixels.pixel_id)
                    FROM event_pixels WHERE event_pixels.pixel_id IS NOT NULL
                )
                SELECT pixel_id FROM (
                    SELECT pixel_id FROM event_pixels WHERE pixel_id IS NOT NULL
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

    public func events(
        matching filter: EventFilter, after cursor: EventRecordID?, limit: Int
    ) async throws
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

    public func recentAttempts(
        matching filter: AttemptFilter, before cursor: AttemptID?, limit: Int
    ) async throws
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
            (Int64, Int64, String, Int64, Int64, String, Int, Int?, String?, String?, Int?, [String], Int?, Int?, String?, String)
                .self)
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

extension PostgresEventStore {
    // MARK: Inspection

    static let reportColumns = """
        id, pixel_id, event_name, event_id, event_time, action_source, payload, state, attempts, enqueued_at, due_at,
        delivered_at, parked_at, park_code, park_message, park_graph_code, park_graph_subcode
        """

    typealias ReportRow = (
        Int64, String, String, String, Int64, String, String, Int, Int, Int64, Int64?, Int64?, Int64?, String?, String?, Int?,
        Int?
    )

    func reports(_ query: PostgresQuery) async throws -> [EventStatusReport] {
        var reports: [EventStatusReport] = []
        for try await row in try await client.query(query, logger: logger).decode(ReportRow.self) {
            let (id, pixel, name, eventID, time, source, payload, state, attempts, enqueued, due, delivered, parked) =
                (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10, row.11, row.12)
            var reason: ParkReason?
            if let code = row.13 {
                reason = ParkReason(
                    code: ParkReason.Code(rawValue: code), message: row.14 ?? "", graphCode: row.15, graphSubcode: row.16)
            }
            reports.append(
                EventStatusReport(
                    id: EventRecordID(id), key: EventKey(pixelID: PixelID(pixel), eventName: EventName(name), eventID: eventID),
                    eventTime: Timestamp(seconds: time), actionSource: ActionSource(rawValue: source) ?? .other,
                    state: EventState(storageValue: state) ?? .pending, attempts: attempts,
                    enqueuedAt: Timestamp(milliseconds: enqueued), dueAt: due.map { Timestamp(milliseconds: $0) },
                    deliveredAt: delivered.map { Timestamp(milliseconds: $0) },
                    parkedAt: parked.map { Timestamp(milliseconds: $0) },
                    parkReason: reason, json: payload))
        }
        return reports
    }

    public func parkedEvents(pixel: PixelID?, after cursor: EventRecordID?, limit: Int) async throws -> [EventStatusReport] {
        try await withStore("listing parked events") { [self] in
            try await reports(
                """
                SELECT \(unescaped: Self.reportColumns) FROM \(unescaped: schema.events)
                WHERE \(unescaped: EventState.SQL.isParked) AND id > \(cursor?.rawValue ?? 0)
                    AND (\(pixel?.rawValue)::text IS NULL OR pixel_id = \(pixel?.rawValue)::text)
                ORDER BY id LIMIT \(max(0, limit))
                """)
        }
    }

    public func status(of id: EventRecordID) async throws -> EventStatusReport? {
        try await withStore("reading an event") { [self] in
            try await reports(
                "SELECT \(unescaped: Self.reportColumns) FROM \(unescaped: schema.events) WHERE id = \(id.rawValue)"
            ).first
        }
    }

    public func status(of key: EventKey) async throws -> EventStatusReport? {
        try await withStore("reading an event") { [self] in
            try await reports(
                """
                SELECT \(unescaped: Self.reportColumns) FROM \(unescaped: schema.events)
                WHERE pixel_id = \(key.pixelID.rawValue) AND event_name = \(key.eventName.rawValue) AND event_id = \(key.eventID)
                """
            ).first
        }
    }

    public func attempts(for id: EventRecordID) async throws -> [RecordedAttempt] {
        try await withStore("reading attempts") { [self] in
            let rows = try await client.query(
                """
                SELECT a.id, a.pixel_id, a.started_at, a.duration_ms, a.request_body, a.event_count, a.http_status,
                    a.response_body, a.fbtrace_id, a.events_received, a.messages, a.error_code, a.error_subcode,
                    a.error_message, a.outcome
                FROM \(unescaped: schema.attempts) a JOIN \(unescaped: schema.attemptEvents) e ON e.attempt_id = a.id
                WHERE e.event_row = \(id.rawValue)
                ORDER BY a.id
                """, logger: logger)
            var attempts: [RecordedAttempt] = []
            for try await row in rows.decode(
                (Int64, String, Int64, Int64, String, Int, Int?, String?, String?, Int?, [String], Int?, Int?, String?, String)
                    .self)
            {
                attempts.append(
                    RecordedAttempt(
                        id: AttemptID(row.0),
                        receipt: AttemptReceipt(
                            pixelID: PixelID(row.1), startedAt: Timestamp(milliseconds: row.2), durationMilliseconds: row.3,
                            requestBody: row.4, eventCount: row.5, httpStatus: row.6, responseBody: row.7, fbtraceID: row.8,
                            eventsReceived: row.9, messages: row.10, errorCode: row.11, errorSubcode: row.12,
                            errorMessage: row.13, outcome: AttemptOutcome(rawValue: row.14))))
            }
            return attempts
        }
    }

    public func replay(_ ids: [EventRecordID], at now: Timestamp) async throws -> [EventRecordID] {
        guard !ids.isEmpty else { return [] }
        return try await withStore("replaying events") { [self] in
            var replayed: [EventRecordID] = []
            for try await id in try await client.query(
                """
                UPDATE \(unescaped: schema.events)
                SET state = \(unescaped: EventState.SQL.pending), due_at = \(now.milliseconds), attempts = 0, parked_at = NULL,
                    park_code = NULL, park_message = NULL, park_graph_code = NULL, park_graph_subcode = NULL
                WHERE \(unescaped: EventState.SQL.isParked) AND id = ANY(\(ids.map(\.rawValue))::bigint[])
                RETURNING id
                """, logger: logger
            ).decode(Int64.self) {
                replayed.append(EventRecordID(id))
            }
            return replayed.sorted()
        }
    }
}
