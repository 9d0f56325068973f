public import CAPIModel
public import Delivery
import PostgresNIO

extension PostgresEventStore {
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
}
