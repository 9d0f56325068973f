import Delivery
import DeliveryStoreConformance
import DeliveryTesting
import Testing

@Suite("InMemoryEventStore conformance")
struct InMemoryStoreConformanceTests {
    @Test(arguments: EventStoreConformance.checks)
    func conformance(_ check: EventStoreConformance.Check) async throws {
        try await check.run {
            InMemoryEventStore()
        } tearDown: { _ in
        }
    }
}
