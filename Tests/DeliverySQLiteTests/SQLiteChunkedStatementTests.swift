import CAPIModel
import Delivery
import DeliverySQLite
import DeliveryStoreConformance
import Testing

/// Every operation that splits its statements into chunks, run on more rows than one chunk
/// holds: nothing may be lost or repeated at a chunk boundary.
@Suite("SQLiteEventStore chunked statements")
struct SQLiteChunkedStatementTests {
    static let t0 = Timestamp(milliseconds: 1_767_225_600_000)

    @Test func chunkSizesStayUnderSQLitesBoundParameterLimit() {
        #expect(SQLiteEventStore.rowsPerInsert * SQLiteEventStore.eventColumns < SQLiteEventStore.maximumBoundParameters)
        // An id list shares its statement with a few other parameters (settle's SET values).
        #expect(SQLiteEventStore.idsPerList + 16 < SQLiteEventStore.maximumBoundParameters)
    }

    @Test func appendLeaseSettleReplayAndInspectAcrossChunkBoundaries() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let count = SQLiteEventStore.rowsPerInsert * 2 + 345
        try await withSQLiteEventStore(path: directory.file("events.sqlite")) { store in
            // Append: a large batch (rows counted above the largest id), with one stored key again.
            _ = try await store.append([EventStoreConformance.event("e0", keys: UserDataKeySet(.email))], at: Self.t0)
            let events = (0..<count).map { EventStoreConformance.event("e\($0)", keys: UserDataKeySet(.email)) }
            let appended = try await store.append(events, at: Self.t0)
            #expect(appended.insertedCount == count - 1)
            #expect(appended.duplicates.map(\.eventID) == ["e0"])
            let coverage = try await store.coverage(pixel: "111")[.purchase]
            #expect(coverage.events == count)
            #expect(coverage.count(of: .email) == count)

            // Lease and renew every one of them.
            let leased = try await store.lease(pixel: "111", now: Self.t0, limit: count, leaseDuration: .seconds(60))
            #expect(leased.count == count)
            let renewed = try await store.renewLeases(leased, now: Self.t0 + .seconds(10), leaseDuration: .seconds(60))
            #expect(renewed.map(\.id) == leased.map(\.id))

            // Settle them all under one receipt: half parked, half delivered; the first lease's
            // token no longer holds, so those settlements must be reported lost.
            let receipt = AttemptReceipt(
                pixelID: "111", startedAt: Self.t0, durationMilliseconds: 5, requestBody: "{}", eventCount: count,
                httpStatus: 400, outcome: .invalidParameter)
            let parkedHalf = renewed.prefix(count / 2)
            let reason = ParkReason(code: .rejected, message: "rejected by Meta", graphCode: 100)
            let stale = try await store.settle(
                Settlement(attempt: receipt, events: leased.map { EventSettlement($0, disposition: .delivered) }), at: Self.t0)
            #expect(stale.lostLeases == leased.map(\.id))
            let settled = try await store.settle(
                Settlement(
                    attempt: receipt,
                    events: parkedHalf.map { EventSettlement($0, disposition: .park(reason)) }
                        + renewed.dropFirst(count / 2).map { EventSettlement($0, disposition: .delivered) }),
                at: Self.t0)
            #expect(settled.lostLeases.isEmpty)
            #expect(try await store.counts(pixel: nil) == EventCounts(delivered: count - count / 2, parked: count / 2))

            // Every event is linked to both receipts; the latest is the second.
            let latest = try await store.latestAttempts(for: leased.map(\.id))
            #expect(latest.count == count)
            #expect(Set(latest.values.map(\.id)).count == 1)

            // Replay every id: only the parked ones come back.
            let replayed = try await store.replay(leased.map(\.id), at: Self.t0)
            #expect(replayed == parkedHalf.map(\.id))
            #expect(try await store.counts(pixel: nil) == EventCounts(pending: count / 2, delivered: count - count / 2))
        }
    }
}
