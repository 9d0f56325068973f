import Delivery
import DeliverySQLite
import DeliveryStoreConformance
import Testing

@Suite("SQLiteEventStore inspection")
struct SQLiteInspectionTests {
    @Test("quality snapshot conformance", arguments: EventStoreConformance.qualitySnapshotChecks)
    func qualitySnapshots(_ check: EventStoreConformance.QualitySnapshotCheck) async throws {
        try await check.runOnNewSQLiteFile { $0 }
    }

    @Test("inspection conformance", arguments: EventStoreConformance.inspectionChecks)
    func inspection(_ check: EventStoreConformance.InspectionCheck) async throws {
        try await check.runOnNewSQLiteFile { $0 }
    }
}

extension EventStoreConformance.StoreCheck {
    /// Runs the check on a store in a new file of a temporary directory, closed and removed
    /// afterwards.
    func runOnNewSQLiteFile(_ asStore: (SQLiteEventStore) -> Store) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var opened: SQLiteEventStore?
        try await run {
            let store = try await SQLiteEventStore.open(path: directory.file("events.sqlite"))
            opened = store
            return asStore(store)
        } tearDown: { _ in
            try await opened?.close()
        }
    }
}
