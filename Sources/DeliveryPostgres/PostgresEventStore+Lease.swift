public import CAPIModel
public import Delivery
import PostgresNIO

extension PostgresEventStore {
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

    /// The last value of `query`'s single integer column (a count), 0 when it returns no row.
    private func count(_ query: PostgresQuery) async throws -> Int {
        var total = 0
        for try await value in try await client.query(query, logger: logger).decode(Int.self) { total = value }
        return total
    }
}
