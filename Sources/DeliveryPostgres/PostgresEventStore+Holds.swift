public import CAPIModel
public import Delivery
import PostgresNIO
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension PostgresEventStore {
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
}
