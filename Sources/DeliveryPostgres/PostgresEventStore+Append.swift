public import CAPIModel
public import Delivery
import PostgresNIO
import Synchronization

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
}
