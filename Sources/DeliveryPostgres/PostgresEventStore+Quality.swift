public import CAPIModel
public import Delivery
import PostgresNIO

extension PostgresEventStore: QualitySnapshotStore {
    public func recordQualitySnapshot(_ snapshot: QualitySnapshot) async throws {
        guard !snapshot.entries.isEmpty else { return }
        try await transaction("recording a quality snapshot") { [self] connection in
            let pixel = snapshot.pixelID.rawValue
            let takenAt = snapshot.takenAt.milliseconds
            try await connection.checkedQuery(
                "DELETE FROM \(unescaped: schema.qualitySnapshots) WHERE pixel_id = \(pixel) AND taken_at = \(takenAt)",
                logger: logger)
            // A snapshot has one row per event name: a handful, so one statement each.
            for entry in snapshot.entries {
                try await connection.checkedQuery(
                    """
                    INSERT INTO \(unescaped: schema.qualitySnapshots) (pixel_id, taken_at, event_name, emq, meta, local_coverage)
                    VALUES (\(pixel), \(takenAt), \(entry.eventName.rawValue), \(entry.eventMatchQuality)::double precision,
                        \(entry.metaJSON)::text, \(StoredCoverage.json(of: entry.localCounters)))
                    """, logger: logger)
            }
        }
    }

    public func qualitySnapshots(pixel: PixelID, since: Timestamp?, limit: Int) async throws -> [QualitySnapshot] {
        try await withStore("reading quality snapshots") { [self] in
            var reader = QualitySnapshot.Reader(pixelID: pixel)
            let rows = try await client.query(
                """
                SELECT taken_at, event_name, emq, meta, local_coverage FROM \(unescaped: schema.qualitySnapshots)
                WHERE pixel_id = \(pixel.rawValue) AND taken_at IN (
                    SELECT DISTINCT taken_at FROM \(unescaped: schema.qualitySnapshots)
                    WHERE pixel_id = \(pixel.rawValue) AND taken_at >= \(since?.milliseconds ?? Int64.min)
                    ORDER BY taken_at DESC LIMIT \(max(0, limit))
                )
                ORDER BY taken_at, event_name COLLATE "C"
                """, logger: logger)
            for try await (takenAt, name, emq, meta, local) in rows.decode((Int64, String, Double?, String?, String).self) {
                reader.add(
                    takenAt: Timestamp(milliseconds: takenAt), eventName: name, eventMatchQuality: emq, metaJSON: meta,
                    localCoverage: local)
            }
            return reader.snapshots
        }
    }
}
