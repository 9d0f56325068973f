import Delivery
import DeliveryStoreConformance
import DeliveryTesting
import Testing

@Suite("InMemoryEventStore inspection conformance")
struct InMemoryInspectionConformanceTests {
    @Test(arguments: EventStoreConformance.inspectionChecks)
    func inspection(_ check: EventStoreConformance.InspectionCheck) async throws {
        try await check.run {
            InMemoryEventStore()
        } tearDown: { _ in
        }
    }

    @Test(arguments: EventStoreConformance.qualitySnapshotChecks)
    func qualitySnapshots(_ check: EventStoreConformance.QualitySnapshotCheck) async throws {
        try await check.run {
            InMemoryEventStore()
        } tearDown: { _ in
        }
    }
}
