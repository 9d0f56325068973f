public import CAPIModel
public import Delivery
import SQLiteNIO
import Synchronization

extension SQLiteEventStore {
    // MARK: Lease

    public func lease(pixel: PixelID, now: Timestamp, limit: Int, leaseDuration: Duration) async throws -> [LeasedEvent] {
        guard limit > 0 else { return [] }
        // The lease's end is its token: strictly increasing within the store (one process uses a
        // SQLite file), so no two leases share it, and fencing needs no extra column. A column
        // written on every lease would grow each row, and a full disk would then stop leasing
        // (and so delivery) instead of only the writing of receipts.
        let leaseEnd = lastLeaseEnd.withLock { last in
            last = max((now + leaseDuration).milliseconds, last + 1)
            return last
        }
        let token = LeaseToken(leaseEnd)
        return try await run("leasing events") {
            let rows = try await query(
                """
                UPDATE events SET state = \(EventState.SQL.inFlight), due_at = ?
                WHERE id IN (
                    SELECT id FROM events WHERE pixel_id = ? AND \(EventState.SQL.isDue) AND due_at <= ? ORDER BY due_at, id LIMIT ?
                )
                RETURNING id, event_name, event_id, event_time, action_source, payload, attempts
                """,
                [
                    .integer(SQLiteInt64(leaseEnd)), .text(pixel.rawValue), .integer(SQLiteInt64(now.milliseconds)),
                    .integer(SQLiteInt64(limit)),
                ])
            return rows.map { row in
                LeasedEvent(
                    id: EventRecordID(Int64(row.column("id")?.integer ?? 0)),
                    key: EventKey(
                        pixelID: pixel, eventName: EventName(row.column("event_name")?.string ?? ""),
                        eventID: row.column("event_id")?.string ?? ""),
                    eventTime: Timestamp(seconds: Int64(row.column("event_time")?.integer ?? 0)),
                    actionSource: ActionSource(rawValue: row.column("action_source")?.string ?? "") ?? .other,
                    json: row.column("payload")?.string ?? "",
                    attempts: Int(row.column("attempts")?.integer ?? 0),
                    leaseToken: token)
            }.sorted { $0.id < $1.id }
        }
    }

    public func renewLeases(_ events: [LeasedEvent], now: Timestamp, leaseDuration: Duration) async throws -> [LeasedEvent] {
        guard !events.isEmpty else { return [] }
        // The renewed lease's end is its new token, as for a new lease.
        let leaseEnd = lastLeaseEnd.withLock { last in
            last = max((now + leaseDuration).milliseconds, last + 1)
            return last
        }
        let byToken = Dictionary(grouping: events, by: \.leaseToken)
        return try await transaction("renewing leases") {
            var renewed: [LeasedEvent] = []
            for (token, group) in byToken {
                let ids = try await update(
                    "UPDATE events SET due_at = ? WHERE \(EventState.SQL.isInFlight) AND due_at = ? AND id IN",
                    [.integer(SQLiteInt64(leaseEnd)), .integer(SQLiteInt64(token.rawValue))], group.map(\.id),
                    returning: true)
                let kept = Set(ids)
                for var event in group where kept.contains(event.id) {
                    event.leaseToken = LeaseToken(leaseEnd)
                    renewed.append(event)
                }
            }
            return renewed.sorted { $0.id < $1.id }
        }
    }

    public func nextDueTime(pixel: PixelID) async throws -> Timestamp? {
        try await run("reading the next due time") {
            let rows = try await query(
                "SELECT min(due_at) AS due FROM events WHERE pixel_id = ? AND \(EventState.SQL.isDue)", [.text(pixel.rawValue)])
            return rows.first?.column("due")?.integer.map { Timestamp(milliseconds: Int64($0)) }
        }
    }

    public func releaseAllLeases(at now: Timestamp) async throws -> Int {
        try await run("releasing leases") {
            let rows = try await query(
                "UPDATE events SET state = \(EventState.SQL.pending), due_at = ? WHERE \(EventState.SQL.isInFlight) RETURNING id",
                [.integer(SQLiteInt64(now.milliseconds))])
            return rows.count
        }
    }
}
