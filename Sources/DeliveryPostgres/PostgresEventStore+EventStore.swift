public import CAPIModel
public import Delivery
import PostgresNIO
import Synchronization
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension PostgresEventStore {
    // MARK: Append

    public func append(_ events: [PendingEvent], at now: Timestamp) async throws -> AppendResult {
        guard !events.isEmpty else { return AppendResult(insertedCount: 0) }
        guard events.count <= configuration.groupCommitMaximumEvents else {
            return try await appendInOneTransaction([(events, now)])[0]
        }
        // Group commit: a commit waits for PostgreSQL's WAL flush, and single-event appends
        // from many request handlers would each wait for their own; here they share one.
        return try await appendGroup.append(
            events, at: now, maximumEventsPerCommit: max(1, configuration.maximumEventsPerGroupCommit)
        ) { takeBatch in
            let requests = takeBatch()
            do {
                // In a task of its own (inside `transaction`): the leader's caller may be
                // cancelled, the callers it carries are not.
                let results = try await appendInOneTransaction(requests.map { ($0.events, $0.now) })
                for (request, result) in zip(requests, results) { request.complete(.success(result)) }
            } catch {
                for request in requests { request.complete(.failure(error)) }
            }
        }
    }

    /// Stores every request's events in one transaction; one result per request, in order.
    /// Input order decides which of two equal keys counts as new: the first (of the first
    /// request that has it).
    func appendInOneTransaction(_ requests: [(events: [PendingEvent], now: Timestamp)]) async throws -> [AppendResult] {
        let eventsPerStatement = configuration.maximumEventsPerStatement
        let results = try await transaction("appending events") { [self] connection in
            let all = requests.flatMap { request in request.events.lazy.map { (event: $0, now: request.now) } }
            var inserted = Set<EventKey>()
            for chunk in all.chunks(ofAtMost: eventsPerStatement) {
                try await insert(chunk, into: &inserted, connection: connection)
            }
            var results: [AppendResult] = []
            var coverage = StoredCoverage.Increments()
            for request in requests {
                var result = AppendResult(insertedCount: 0)
                for event in request.events {
                    guard inserted.remove(event.key) != nil else {
                        result.duplicates.append(event.key)
                        continue
                    }
                    result.insertedCount += 1
                    coverage.count(event)
                }
                results.append(result)
            }
            try await upsertCoverage(coverage, connection: connection)
            return results
        }
        appendCommits.withLock { $0 += 1 }
        return results
    }

    private func insert(
        _ chunk: ArraySlice<(event: PendingEvent, now: Timestamp)>, into inserted: inout Set<EventKey>,
        connection: PostgresConnection
    ) async throws {
        var pixels: [String] = []
        var names: [String] = []
        var ids: [String] = []
        var times: [Int64] = []
        var sources: [String] = []
        var payloads: [String] = []
        var enqueued: [Int64] = []
        pixels.reserveCapacity(chunk.count)
        names.reserveCapacity(chunk.count)
        ids.reserveCapacity(chunk.count)
        times.reserveCapacity(chunk.count)
        sources.reserveCapacity(chunk.count)
        payloads.reserveCapacity(chunk.count)
        enqueued.reserveCapacity(chunk.count)
        for (event, now) in chunk {
            pixels.append(event.key.pixelID.rawValue)
            names.append(event.key.eventName.rawValue)
            ids.append(event.key.eventID)
            times.append(event.eventTime.seconds)
            sources.append(event.actionSource.rawValue)
            payloads.append(event.json)
            enqueued.append(now.milliseconds)
        }
        let rows = try await connection.checkedQuery(
            """
            INSERT INTO \(unescaped: schema.events)
                (pixel_id, event_name, event_id, event_time, action_source, payload, enqueued_at, due_at)
            SELECT p, n, i, t, a, j, e, e
            FROM unnest(\(pixels)::text[], \(names)::text[], \(ids)::text[], \(times)::bigint[], \(sources)::text[],
                \(payloads)::text[], \(enqueued)::bigint[]) WITH ORDINALITY AS u(p, n, i, t, a, j, e, o)
            ORDER BY o
            ON CONFLICT (pixel_id, event_name, event_id) DO NOTHING
            RETURNING pixel_id, event_name, event_id
            """, logger: logger)
        for try await (pixel, name, id) in rows.decode((String, String, String).self) {
            inserted.insert(EventKey(pixelID: PixelID(pixel), eventName: EventName(name), eventID: id))
        }
    }

    /// Adds to the counters of this connection's shard, in key order (so two transactions on
    /// the same shard lock rows in the same order and cannot deadlock).
    private func upsertCoverage(_ coverage: StoredCoverage.Increments, connection: PostgresConnection) async throws {
        let rows = coverage.sorted
        guard !rows.isEmpty else { return }
        let pixels = rows.map(\.counter.pixelID.rawValue)
        let names = rows.map(\.counter.eventName.rawValue)
        let counters = rows.map(\.counter.counter)
        let values = rows.map(\.value)
        try await connection.checkedQuery(
            """
            INSERT INTO \(unescaped: schema.coverage) AS c (pixel_id, event_name, counter, shard, value)
            SELECT p, n, k, (pg_backend_pid() % 16)::smallint, v
            FROM unnest(\(pixels)::text[], \(names)::text[], \(counters)::text[], \(values)::bigint[])
                WITH ORDINALITY AS u(p, n, k, v, o)
            ORDER BY o
            ON CONFLICT (pixel_id, event_name, counter, shard) DO UPDATE SET value = c.value + excluded.value
            """, logger: logger)
    }

    // MARK: Lease

    public func lease(pixel: PixelID, now: Timestamp, limit: Int, leaseDuration: Duration) async throws -> [LeasedEvent] {
        guard limit > 0 else { return [] }
        // `now` and the lease end are this instance's clock; other instances compare them with theirs.
        try await checkClockAfterStartup()
        let leaseEnd = now + leaseDuration
        return try await withStore("leasing events") { [self] in
            // SKIP LOCKED: rows another worker is leasing right now are passed over, not waited for.
            // The token is one sequence value for the whole lease (the CTE runs once).
            let rows = try await client.query(
                """
                WITH due AS (
                    SELECT id FROM \(unescaped: schema.events)
                    WHERE pixel_id = \(pixel.rawValue) AND \(unescaped: EventState.SQL.isDue) AND due_at <= \(now.milliseconds)
                    ORDER BY due_at, id
                    LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED
                ), token AS (
                    SELECT nextval('\(unescaped: schema.leaseTokens)') AS value
                )
                UPDATE \(unescaped: schema.events) AS e
                SET state = \(unescaped: EventState.SQL.inFlight), due_at = \(leaseEnd.milliseconds), lease_token = token.value
                FROM due, token WHERE e.id = due.id
                RETURNING e.id, e.event_name, e.event_id, e.event_time, e.action_source, e.payload, e.attempts, e.lease_token
                """, logger: logger)
            var leased: [LeasedEvent] = []
            for try await (id, name, eventID, time, source, payload, attempts, token) in rows.decode(
                (Int64, String, String, Int64, String, String, Int, Int64).self)
            {
                leased.append(
                    LeasedEvent(
                        id: EventRecordID(id), key: EventKey(pixelID: pixel, eventName: EventName(name), eventID: eventID),
                        eventTime: Timestamp(seconds: time), actionSource: ActionSource(rawValue: source) ?? .other,
                        json: payload, attempts: attempts, leaseToken: LeaseToken(token)))
            }
            return leased.sorted { $0.id < $1.id }
        }
    }

    public func renewLeases(_ events: [LeasedEvent], now: Timestamp, leaseDuration: Duration) async throws -> [LeasedEvent] {
        guard !events.isEmpty else { return [] }
        // A lease end is written from this instance's clock, as when leasing: refused past the skew.
        try await checkClockAfterStartup()
        let leaseEnd = (now + leaseDuration).milliseconds
        let byToken = Dictionary(grouping: events, by: \.leaseToken)
        return try await transaction("renewing leases") { [self] connection in
            var renewed: [LeasedEvent] = []
            for (token, group) in byToken {
                var kept = Set<EventRecordID>()
                for try await id in try await connection.checkedQuery(
                    """
                    UPDATE \(unescaped: schema.events) SET due_at = \(leaseEnd)
                    WHERE \(unescaped: EventState.SQL.isInFlight) AND lease_token = \(token.rawValue)
                        AND id = ANY(\(group.map(\.id.rawValue))::bigint[])
                    RETURNING id
                    """, logger: logger
                ).decode(Int64.self) {
                    kept.insert(EventRecordID(id))
                }
                renewed += group.filter { kept.contains($0.id) }
            }
            return renewed.sorted { $0.id < $1.id }
        }
    }

    public func nextDueTime(pixel: PixelID) async throws -> Timestamp? {
        try await withStore("reading the next due time") { [self] in
            var due: Int64?
            for try await value in try await client.query(
                """
                SELECT min(due_at) FROM \(unescaped: schema.events)
                WHERE pixel_id = \(pixel.rawValue) AND \(unescaped: EventState.SQL.isDue)
                """,
                logger: logger
            ).decode(Int64?.self) {
                due = value
            }
            return due.map { Timestamp(milliseconds: $0) }
        }
    }

    // MARK: Settle

    @discardableResult
    public func settle(_ settlement: Settlement, at now: Timestamp) async throws -> SettleResult {
        guard settlement.attempt != nil || !settlement.events.isEmpty else { return SettleResult() }
        return try await transaction("settling an attempt") { [self] connection in
            if let receipt = settlement.attempt {
                var attemptID: Int64 = 0
                for try await id in try await connection.checkedQuery(
                    """
                    INSERT INTO \(unescaped: schema.attempts) (pixel_id, started_at, duration_ms, request_body, event_count,
                        http_status, response_body, fbtrace_id, events_received, messages, error_code, error_subcode,
                        error_message, outcome)
                    VALUES (\(receipt.pixelID.rawValue), \(receipt.startedAt.milliseconds), \(receipt.durationMilliseconds),
                        \(receipt.requestBody), \(receipt.eventCount), \(receipt.httpStatus), \(receipt.responseBody),
                        \(receipt.fbtraceID), \(receipt.eventsReceived), \(receipt.messages), \(receipt.errorCode),
                        \(receipt.errorSubcode), \(receipt.errorMessage), \(receipt.outcome.rawValue))
                    RETURNING id
                    """, logger: logger
                ).decode(Int64.self) {
                    attemptID = id
                }
                if !settlement.events.isEmpty {
                    let ids = settlement.events.map(\.id.rawValue)
                    try await connection.checkedQuery(
                        """
                        INSERT INTO \(unescaped: schema.attemptEvents) (event_row, attempt_id)
                        SELECT unnest(\(ids)::bigint[]), \(attemptID)
                        ON CONFLICT DO NOTHING
                        """, logger: logger)
                }
            }

            // One statement per group (disposition and lease); fenced groups check the token
            // and say which rows they changed.
            let groups = SettlementGroups(settlement)
            var updated: [EventRecordID] = []
            for group in groups.groups {
                let ids = group.ids.map(\.rawValue)
                let token = group.leaseToken?.rawValue
                // Fenced: the named lease still holds. Not fenced: see `unfencedStateCondition`.
                let unfenced = group.unfencedStateCondition
                let attemptIncrement = group.attemptIncrement(attemptRecorded: settlement.attempt != nil)
                let query: PostgresQuery
                switch group.disposition {
                case .delivered:
                    query = """
                        UPDATE \(unescaped: schema.events)
                        SET state = \(unescaped: EventState.SQL.delivered), due_at = NULL, delivered_at = \(now.milliseconds),
                            attempts = attempts + \(attemptIncrement), parked_at = NULL, park_code = NULL, park_message = NULL,
                            park_graph_code = NULL, park_graph_subcode = NULL
                        WHERE (\(token)::bigint IS NULL AND \(unescaped: unfenced)
                                OR \(unescaped: EventState.SQL.isInFlight) AND lease_token = \(token))
                            AND id = ANY(\(ids)::bigint[])
                        RETURNING id
                        """
                case .retry(let due), .release(let due):
                    query = """
                        UPDATE \(unescaped: schema.events)
                        SET state = \(unescaped: EventState.SQL.pending), due_at = \(due.milliseconds),
                            attempts = attempts + \(attemptIncrement)
                        WHERE (\(token)::bigint IS NULL AND \(unescaped: unfenced)
                                OR \(unescaped: EventState.SQL.isInFlight) AND lease_token = \(token))
                            AND id = ANY(\(ids)::bigint[])
                        RETURNING id
                        """
                case .park(let reason):
                    query = """
                        UPDATE \(unescaped: schema.events)
                        SET state = \(unescaped: EventState.SQL.parked), due_at = NULL, parked_at = \(now.milliseconds),
                            park_code = \(reason.code.rawValue), park_message = \(reason.message),
                            park_graph_code = \(reason.graphCode), park_graph_subcode = \(reason.graphSubcode),
                            attempts = attempts + \(attemptIncrement)
                        WHERE (\(token)::bigint IS NULL AND \(unescaped: unfenced)
                                OR \(unescaped: EventState.SQL.isInFlight) AND lease_token = \(token))
                            AND id = ANY(\(ids)::bigint[])
                        RETURNING id
                        """
                case .stillLeased:
                    continue
                }
                for try await id in try await connection.checkedQuery(query, logger: logger).decode(Int64.self) {
                    updated.append(EventRecordID(id))
                }
            }
            return SettleResult(lostLeases: groups.lostLeases(updated: updated))
        }
    }

    public func releaseAllLeases(at now: Timestamp) async throws -> Int {
        try await withStore("releasing leases") { [self] in
            try await count(
                """
                WITH released AS (
                    UPDATE \(unescaped: schema.events) SET state = \(unescaped: EventState.SQL.pending), due_at = \(now.milliseconds)
                    WHERE \(unescaped: EventState.SQL.isInFlight) RETURNING 1
                )
                SELECT count(*) FROM released
                """)
        }
    }

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
                    deliveredAt: delivered.map { Timestamp(milliseconds: $0) }, parkedAt: parked.map { Timestamp(milliseconds: $0) },
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
                (Int64, String, Int64, Int64, String, Int, Int?, String?, String?, Int?, [String], Int?, Int?, String?, String).self)
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

    // MARK: Coverage, counts, pruning

    public func coverage(pixel: PixelID) async throws -> MatchKeyCoverage {
        try await withStore("reading coverage") { [self] in
            var reader = StoredCoverage.Reader()
            for try await (name, counter, value) in try await client.query(
                """
                SELECT event_name, counter, sum(value)::bigint FROM \(unescaped: schema.coverage)
                WHERE pixel_id = \(pixel.rawValue) GROUP BY event_name, counter
                """, logger: logger
            ).decode((String, String, Int64).self) {
                reader.add(eventName: name, counter: counter, value: value)
            }
            return reader.coverage
        }
    }

    public func mergeCoverage(_ coverage: MatchKeyCoverage, pixel: PixelID) async throws {
        var rows = StoredCoverage.Increments()
        rows.add(coverage, pixel: pixel)
        guard !rows.isEmpty else { return }
        try await transaction("merging coverage") { [self, rows] connection in try await upsertCoverage(rows, connection: connection) }
    }

    public func counts(pixel: PixelID?) async throws -> EventCounts {
        try await withStore("counting events") { [self] in
            var counts = EventCounts()
            for try await (state, number) in try await client.query(
                """
                SELECT state, count(*) FROM \(unescaped: schema.events)
                WHERE \(pixel?.rawValue)::text IS NULL OR pixel_id = \(pixel?.rawValue)::text
                GROUP BY state
                """, logger: logger
            ).decode((Int, Int).self) {
                counts.add(number, storedState: state)
            }
            return counts
        }
    }

    public func pruneDelivered(before cutoff: Timestamp) async throws -> Int {
        try await transaction("pruning delivered events") { [self] connection in
            // One statement, so every part sees the same snapshot (three statements each saw their
            // own under READ COMMITTED): the delivered rows and their links go, and the receipts
            // older than the cutoff that no remaining event refers to.
            var deleted = 0
            for try await value in try await connection.checkedQuery(
                """
                WITH pruned AS (
                    DELETE FROM \(unescaped: schema.events) WHERE \(unescaped: EventState.SQL.isDelivered) AND delivered_at < \(cutoff.milliseconds)
                    RETURNING id
                ), unlinked AS (
                    DELETE FROM \(unescaped: schema.attemptEvents) WHERE event_row IN (SELECT id FROM pruned)
                ), orphaned AS (
                    DELETE FROM \(unescaped: schema.attempts) AS a
                    WHERE a.started_at < \(cutoff.milliseconds)
                        AND NOT EXISTS (
                            SELECT 1 FROM \(unescaped: schema.attemptEvents) AS e
                            WHERE e.attempt_id = a.id AND e.event_row NOT IN (SELECT id FROM pruned)
                        )
                    RETURNING 1
                )
                SELECT (SELECT count(*) FROM pruned), (SELECT count(*) FROM orphaned)
                """, logger: logger
            ).decode((Int, Int).self) {
                deleted = value.0
            }
            return deleted
        }
    }

    // MARK: Pixel holds

    public func pixelHolds(at now: Timestamp) async throws -> [PixelID: PixelHold] {
        // Pause ends were written from other instances' clocks.
        try await checkClockAfterStartup()
        return try await withStore("reading pixel holds") { [self] in
            var holds: [PixelID: PixelHold] = [:]
            for try await (pixel, pausedUntil, suspension) in try await client.query(
                """
                SELECT pixel_id, paused_until, suspension FROM \(unescaped: schema.pixelHolds)
                WHERE paused_until > \(now.milliseconds) OR suspension IS NOT NULL
                """, logger: logger
            ).decode((String, Int64?, String?).self) {
                let hold = try Self.hold(pausedUntil: pausedUntil, suspension: suspension).inForce(at: now)
                if !hold.isEmpty { holds[PixelID(pixel)] = hold }
            }
            return holds
        }
    }

    public func updatePixelHold(_ pixel: PixelID, _ change: PixelHoldChange, at now: Timestamp) async throws -> PixelHold {
        // A pause end written from this instance's clock is honoured by every instance.
        try await checkClockAfterStartup()
        return try await transaction("updating a pixel hold") { [self] connection in
            // Read the row under its lock, creating it if needed, in one statement. A hold row is
            // never deleted (an empty hold is written as NULLs): with `INSERT … ON CONFLICT DO
            // NOTHING` then `SELECT … FOR UPDATE`, a row deleted by a concurrent change between
            // the two was read as absent, the update then changed no row, and a 429 recorded at
            // that moment paused only the instance that saw it.
            var current = PixelHold()
            for try await (pausedUntil, suspension) in try await connection.checkedQuery(
                """
                INSERT INTO \(unescaped: schema.pixelHolds) AS h (pixel_id) VALUES (\(pixel.rawValue))
                ON CONFLICT (pixel_id) DO UPDATE SET pixel_id = h.pixel_id
                RETURNING h.paused_until, h.suspension
                """,
                logger: logger
            ).decode((Int64?, String?).self) {
                current = try Self.hold(pausedUntil: pausedUntil, suspension: suspension)
            }
            let updated = change.applied(to: current, at: now)
            let suspension = try updated.suspension.map { String(decoding: try CAPIJSON.encode($0), as: UTF8.self) }
            try await connection.checkedQuery(
                """
                UPDATE \(unescaped: schema.pixelHolds)
                SET paused_until = \(updated.pausedUntil?.milliseconds), suspension = \(suspension)
                WHERE pixel_id = \(pixel.rawValue)
                """, logger: logger)
            return updated
        }
    }

    private static func hold(pausedUntil: Int64?, suspension: String?) throws -> PixelHold {
        PixelHold(
            pausedUntil: pausedUntil.map { Timestamp(milliseconds: $0) },
            suspension: try suspension.map { try CAPIJSON.decode(PixelSuspension.self, from: Data($0.utf8)) })
    }

    // MARK: Helpers

    private func count(_ query: PostgresQuery) async throws -> Int {
        var total = 0
        for try await value in try await client.query(query, logger: logger).decode(Int.self) { total = value }
        return total
    }
}
