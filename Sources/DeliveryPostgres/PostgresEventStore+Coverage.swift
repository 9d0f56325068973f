public import CAPIModel
public import Delivery
import PostgresNIO

extension PostgresEventStore {
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
        try await transaction("merging coverage") { [self, rows] connection in
            try await upsertCoverage(rows, connection: connection)
        }
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

    /// Adds to the counters of this connection's shard, in key order (so two transactions on
    /// the same shard lock rows in the same order and cannot deadlock).
    func upsertCoverage(_ coverage: StoredCoverage.Increments, connection: PostgresConnection) async throws {
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
}
