import CAPIModel
import Delivery
import SQLiteNIO

extension SQLiteEventStore {
    // MARK: Append

    /// Appends of at most this many events learn which rows are new from `RETURNING`.
    private static let returningLimit = 128

    /// Inserts every request's events; called inside a transaction.
    func insert(_ requests: [GroupCommit.Append]) async throws -> [AppendResult] {
        let all = requests.flatMap { request in request.events.lazy.map { (event: $0, now: request.now) } }
        // Small commits (group commit of single events) learn which rows were inserted from
        // RETURNING, in the same round trip. Large ones compare the row count against the
        // largest id before the insert: two cheap queries instead of a thousand result rows.
        let isNew: [Bool]
        if all.count <= Self.returningLimit {
            let insertedIDs = try await insertRows(all, returning: true)
            isNew = try await whichAreNew(all, inserted: .ids(insertedIDs))
        } else {
            let maxBefore = try await largestRowID()
            _ = try await insertRows(all, returning: false)
            isNew = try await whichAreNew(all, inserted: .above(maxBefore))
        }
        // The new events' coverage counters, in the same transaction.
        try await upsertCoverage(Self.coverageIncrements(of: all, isNew: isNew))
        var results: [AppendResult] = []
        var index = 0
        for request in requests {
            results.append(Self.result(of: request.events, isNew: isNew[index..<(index + request.events.count)]))
            index += request.events.count
        }
        return results
    }

    private static func result(of events: [PendingEvent], isNew: ArraySlice<Bool>) -> AppendResult {
        var result = AppendResult(insertedCount: 0)
        for (event, new) in zip(events, isNew) {
            if new { result.insertedCount += 1 } else { result.duplicates.append(event.key) }
        }
        return result
    }

    private func largestRowID() async throws -> SQLiteData {
        try await query("SELECT coalesce(max(id), 0) AS m FROM events").first?.column("m") ?? .integer(0)
    }

    /// Inserts events as new rows, skipping keys already stored; inside a transaction.
    /// - Returns: the ids of the inserted rows when `returning`, otherwise nothing.
    private func insertRows(
        _ items: [(event: PendingEvent, now: Timestamp)], returning: Bool
    ) async throws -> [SQLiteData] {
        var insertedIDs: [SQLiteData] = []
        for chunk in items.chunks(ofAtMost: Self.rowsPerInsert) {
            var binds: [SQLiteData] = []
            binds.reserveCapacity(chunk.count * Self.eventColumns)
            for (event, now) in chunk {
                binds.append(.text(event.key.pixelID.rawValue))
                binds.append(.text(event.key.eventName.rawValue))
                binds.append(.text(event.key.eventID))
                binds.append(.integer(SQLiteInt64(event.eventTime.seconds)))
                binds.append(.text(event.actionSource.rawValue))
                binds.append(.text(event.json))
                binds.append(.integer(SQLiteInt64(now.milliseconds)))
                binds.append(.integer(SQLiteInt64(now.milliseconds)))
            }
            let rows = try await query(
                """
                INSERT INTO events (pixel_id, event_name, event_id, event_time, action_source, payload, enqueued_at, due_at)
                VALUES \(Self.placeholders(rows: chunk.count, columns: Self.eventColumns))
                ON CONFLICT (pixel_id, event_name, event_id) DO NOTHING\(returning ? " RETURNING id" : "")
                """, binds)
            for row in rows { insertedIDs.append(row.columns.first?.data ?? .null) }
        }
        return insertedIDs
    }

    /// Which rows an insert added: the ids RETURNING gave, or every id above the largest before.
    private enum InsertedRows {
        case ids([SQLiteData])
        case above(SQLiteData)
    }

    /// Works out which of `all` were new (not duplicates of stored keys), one flag per event;
    /// inside the transaction that inserted them.
    private func whichAreNew(_ all: [(event: PendingEvent, now: Timestamp)], inserted: InsertedRows) async throws -> [Bool] {
        let insertedCount: Int
        switch inserted {
        case .ids(let ids):
            insertedCount = ids.count
        case .above(let maxBefore):
            insertedCount = Int(
                try await query("SELECT count(*) AS n FROM events WHERE id > ?", [maxBefore])
                    .first?.column("n")?.integer ?? 0)
        }

        // Which events are new: all of them, unless some keys were already there.
        var isNew = Array(repeating: true, count: all.count)
        if insertedCount != all.count {
            let rows: [SQLiteRow]
            switch inserted {
            case .ids(let ids):
                rows = try await query(
                    "SELECT pixel_id, event_name, event_id FROM events WHERE id IN \(Self.list(ids.count))", ids)
            case .above(let maxBefore):
                rows = try await query("SELECT pixel_id, event_name, event_id FROM events WHERE id > ?", [maxBefore])
            }
            var fresh = Set(
                rows.map { row in
                    EventKey(
                        pixelID: PixelID(row.column("pixel_id")?.string ?? ""),
                        eventName: EventName(row.column("event_name")?.string ?? ""),
                        eventID: row.column("event_id")?.string ?? "")
                })
            for (index, item) in all.enumerated() {
                isNew[index] = fresh.remove(item.event.key) != nil
            }
        }
        return isNew
    }

    /// The coverage counters of the events flagged new.
    private static func coverageIncrements(
        of all: [(event: PendingEvent, now: Timestamp)], isNew: [Bool]
    ) -> StoredCoverage.Increments {
        var coverage = StoredCoverage.Increments()
        for (index, item) in all.enumerated() where isNew[index] { coverage.count(item.event) }
        return coverage
    }
}
