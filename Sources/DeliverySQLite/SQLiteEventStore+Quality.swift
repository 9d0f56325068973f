public import CAPIModel
public import Delivery
import SQLiteNIO

extension SQLiteEventStore: QualitySnapshotStore {
    public func recordQualitySnapshot(_ snapshot: QualitySnapshot) async throws {
        guard !snapshot.entries.isEmpty else { return }
        try await transaction("recording a quality snapshot") {
            let pixel = SQLiteData.text(snapshot.pixelID.rawValue)
            let takenAt = SQLiteData.integer(SQLiteInt64(snapshot.takenAt.milliseconds))
            _ = try await query("DELETE FROM quality_snapshots WHERE pixel_id = ? AND taken_at = ?", [pixel, takenAt])
            for chunk in snapshot.entries.chunks(ofAtMost: Self.rowsPerInsert) {
                var binds: [SQLiteData] = []
                for entry in chunk {
                    binds += [
                        pixel, takenAt, .text(entry.eventName.rawValue), entry.eventMatchQuality.map { .float($0) } ?? .null,
                        entry.metaJSON.map { .text($0) } ?? .null, .text(StoredCoverage.json(of: entry.localCounters)),
                    ]
                }
                _ = try await query(
                    """
                    INSERT INTO quality_snapshots (pixel_id, taken_at, event_name, emq, meta, local_coverage)
                    VALUES \(Self.placeholders(rows: chunk.count, columns: 6))
                    """, binds)
            }
        }
    }

    public func qualitySnapshots(pixel: PixelID, since: Timestamp?, limit: Int) async throws -> [QualitySnapshot] {
        try await run("reading quality snapshots") {
            // A store of schema version 4 or older opened read-only was not migrated: no snapshots.
            let table = try await query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'quality_snapshots'")
            guard !table.isEmpty else { return [] }
            let since = SQLiteData.integer(SQLiteInt64(since?.milliseconds ?? Int64.min))
            let rows = try await query(
                """
                SELECT taken_at, event_name, emq, meta, local_coverage FROM quality_snapshots
                WHERE pixel_id = ?1 AND taken_at IN (
                    SELECT DISTINCT taken_at FROM quality_snapshots WHERE pixel_id = ?1 AND taken_at >= ?2
                    ORDER BY taken_at DESC LIMIT ?3
                )
                ORDER BY taken_at, event_name
                """, [.text(pixel.rawValue), since, .integer(max(0, limit))])
            var reader = QualitySnapshot.Reader(pixelID: pixel)
            for row in rows {
                guard let takenAt = row.column("taken_at")?.integer, let name = row.column("event_name")?.string else { continue }
                reader.add(
                    takenAt: Timestamp(milliseconds: Int64(takenAt)), eventName: name,
                    eventMatchQuality: row.column("emq")?.double,
                    metaJSON: row.column("meta")?.string, localCoverage: row.column("local_coverage")?.string ?? "{}")
            }
            return reader.snapshots
        }
    }
}
