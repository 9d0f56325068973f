import Delivery
import DeliverySQLite
import DeliveryStoreConformance
import Testing

@Suite("SQLiteEventStore inspection")
struct SQLiteInspectionTests {
    @Test("quality snapshot conformance", arguments: EventStoreConformance.qualitySnapshotChecks)
    func qualitySnapshots(_ check: EventStoreConformance.QualitySnapshotCheck) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await check.run {
            try await SQLiteEventStore.open(path: directory.file("events.sqlite"))
        } tearDown: { store in
            try await (store as? SQLiteEventStore)?.close()
        }
    }

    @Test("inspection conformance", arguments: EventStoreConformance.inspectionChecks)
    func inspection(_ check: EventStoreConformance.InspectionCheck) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await check.run {
            try await SQLiteEventStore.open(path: directory.file("events.sqlite"))
        } tearDown: { store in
            try await (store as? SQLiteEventStore)?.close()
        }
    }
}
