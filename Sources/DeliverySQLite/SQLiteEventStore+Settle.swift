public import CAPIModel
public import Delivery
import SQLiteNIO
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SQLiteEventStore {
    // MARK: Settle

    @discardableResult
    public func settle(_ settlement: Settlement, at now: Timestamp) async throws -> SettleResult {
        guard settlement.attempt != nil || !settlement.events.isEmpty else { return SettleResult() }
        return try await transaction("settling an attempt") {
            if let receipt = settlement.attempt {
                let messages = String(decoding: try CAPIJSON.encode(receipt.messages), as: UTF8.self)
                let rows = try await query(
                    """
                    INSERT INTO attempts (pixel_id, started_at, duration_ms, request_body, event_count, http_status,
                        response_body, fbtrace_id, events_received, messages, error_code, error_subcode, error_message, outcome)
                    VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id
                    """,
                    [
                        .text(receipt.pixelID.rawValue), .integer(SQLiteInt64(receipt.startedAt.milliseconds)),
                        .integer(SQLiteInt64(receipt.durationMilliseconds)), .text(receipt.requestBody),
                        .integer(SQLiteInt64(receipt.eventCount)), Self.optional(receipt.httpStatus),
                        Self.optional(receipt.responseBody), Self.optional(receipt.fbtraceID),
                        Self.optional(receipt.eventsReceived), .text(messages), Self.optional(receipt.errorCode),
                        Self.optional(receipt.errorSubcode), Self.optional(receipt.errorMessage), .text(receipt.outcome.rawValue),
                    ])
                let attemptID = rows.first?.column("id")?.integer ?? 0
                for chunk in settlement.events.map(\.id).chunks(ofAtMost: Self.rowsPerInsert) {
                    var binds: [SQLiteData] = []
                    binds.reserveCapacity(chunk.count * 2)
                    for id in chunk { binds += [.integer(SQLiteInt64(id.rawValue)), .integer(attemptID)] }
                    _ = try await query(
                        "INSERT OR IGNORE INTO attempt_events (event_row, attempt_id) VALUES \(Self.placeholders(rows: chunk.count, columns: 2))",
                        binds)
                }
            }

            // One statement per group (disposition and lease); fenced groups check the token
            // and say which rows they changed.
            let nowBind = SQLiteData.integer(SQLiteInt64(now.milliseconds))
            let groups = SettlementGroups(settlement)
            var updated: [EventRecordID] = []
            for group in groups.groups {
                let condition: String
                var conditionBinds: [SQLiteData] = []
                if let token = group.leaseToken {
                    condition = "\(EventState.SQL.isInFlight) AND due_at = ?"  // the lease's end is its token
                    conditionBinds = [.integer(SQLiteInt64(token.rawValue))]
                } else {
                    condition = group.unfencedStateCondition
                }
                let attemptIncrement = SQLiteData.integer(
                    SQLiteInt64(group.attemptIncrement(attemptRecorded: settlement.attempt != nil)))
                let set: String
                var setBinds: [SQLiteData]
                switch group.disposition {
                case .delivered:
                    set = """
                        state = \(EventState.SQL.delivered), due_at = NULL, delivered_at = ?, attempts = attempts + ?,
                        parked_at = NULL, park_code = NULL, park_message = NULL, park_graph_code = NULL, park_graph_subcode = NULL
                        """
                    setBinds = [nowBind, attemptIncrement]
                case .retry(let due):
                    set = "state = \(EventState.SQL.pending), due_at = ?, attempts = attempts + ?"
                    setBinds = [.integer(SQLiteInt64(due.milliseconds)), attemptIncrement]
                case .release(let due):
                    set = "state = \(EventState.SQL.pending), due_at = ?"
                    setBinds = [.integer(SQLiteInt64(due.milliseconds))]
                case .park(let reason):
                    set = """
                        state = \(EventState.SQL.parked), due_at = NULL, parked_at = ?, park_code = ?, park_message = ?,
                        park_graph_code = ?, park_graph_subcode = ?, attempts = attempts + ?
                        """
                    setBinds = [
                        nowBind, .text(reason.code.rawValue), .text(reason.message), Self.optional(reason.graphCode),
                        Self.optional(reason.graphSubcode), attemptIncrement,
                    ]
                case .stillLeased:
                    continue
                }
                let changed = try await update(
                    "UPDATE events SET \(set) WHERE \(condition) AND id IN", setBinds + conditionBinds, group.ids,
                    returning: group.leaseToken != nil)
                updated += changed
            }
            return SettleResult(lostLeases: groups.lostLeases(updated: updated))
        }
    }

    private static func optional(_ value: Int?) -> SQLiteData { value.map { .integer(SQLiteInt64($0)) } ?? .null }
    private static func optional(_ value: String?) -> SQLiteData { value.map { .text($0) } ?? .null }
}
