public import CAPIModel
public import Delivery
import SQLiteNIO
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SQLiteEventStore {
    // MARK: Pixel holds

    public func pixelHolds(at now: Timestamp) async throws -> [PixelID: PixelHold] {
        try await run("reading pixel holds") {
            let rows = try await query(
                "SELECT pixel_id, paused_until, suspension FROM pixel_holds WHERE paused_until > ? OR suspension IS NOT NULL",
                [.integer(SQLiteInt64(now.milliseconds))])
            var holds: [PixelID: PixelHold] = [:]
            for row in rows {
                guard let pixel = row.column("pixel_id")?.string else { continue }
                let hold = try Self.hold(row).inForce(at: now)
                if !hold.isEmpty { holds[PixelID(pixel)] = hold }
            }
            return holds
        }
    }

    public func updatePixelHold(_ pixel: PixelID, _ change: PixelHoldChange, at now: Timestamp) async throws -> PixelHold {
        try await transaction("updating a pixel hold") {
            let rows = try await query(
                "SELECT paused_until, suspension FROM pixel_holds WHERE pixel_id = ?", [.text(pixel.rawValue)])
            let current = try rows.first.map(Self.hold) ?? PixelHold()
            let updated = change.applied(to: current, at: now)
            if updated.isEmpty {
                _ = try await query("DELETE FROM pixel_holds WHERE pixel_id = ?", [.text(pixel.rawValue)])
            } else {
                let suspension: SQLiteData =
                    try updated.suspension.map {
                        .text(String(decoding: try CAPIJSON.encode($0), as: UTF8.self))
                    } ?? .null
                _ = try await query(
                    "INSERT OR REPLACE INTO pixel_holds (pixel_id, paused_until, suspension) VALUES (?, ?, ?)",
                    [
                        .text(pixel.rawValue), updated.pausedUntil.map { .integer(SQLiteInt64($0.milliseconds)) } ?? .null,
                        suspension,
                    ])
            }
            return updated
        }
    }

    private static func hold(_ row: SQLiteRow) throws -> PixelHold {
        var hold = PixelHold()
        hold.pausedUntil = row.column("paused_until")?.integer.map { Timestamp(milliseconds: Int64($0)) }
        if let text = row.column("suspension")?.string {
            hold.suspension = try CAPIJSON.decode(PixelSuspension.self, from: Data(text.utf8))
        }
        return hold
    }
}
