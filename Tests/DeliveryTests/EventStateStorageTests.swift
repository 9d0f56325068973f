import Delivery
import Testing

/// The integers stores persist for event states. Stored files and databases hold them, and the
/// schema migrations' partial indexes name them, so they never change.
@Suite struct EventStateStorageTests {
    @Test func everyStateKeepsItsStoredInteger() {
        #expect(EventState.pending.storageValue == 0)
        #expect(EventState.inFlight.storageValue == 1)
        #expect(EventState.delivered.storageValue == 2)
        #expect(EventState.parked.storageValue == 3)
        for state in [EventState.pending, .inFlight, .delivered, .parked] {
            #expect(EventState(storageValue: state.storageValue) == state)
        }
        #expect(EventState(storageValue: 4) == nil)
        #expect(EventState(storageValue: -1) == nil)
    }

    /// The conditions repeat the schemas' partial index conditions character for character
    /// (SQLite uses a partial index only when the query repeats its condition).
    @Test func sqlTextMatchesTheSchemasIndexConditions() {
        #expect(EventState.SQL.pending == "0")
        #expect(EventState.SQL.inFlight == "1")
        #expect(EventState.SQL.delivered == "2")
        #expect(EventState.SQL.parked == "3")
        #expect(EventState.SQL.isDue == "state <= 1")  // events_due
        #expect(EventState.SQL.isParked == "state = 3")  // events_parked
        #expect(EventState.SQL.isDelivered == "state = 2")  // events_delivered (PostgreSQL)
        #expect(EventState.SQL.isInFlight == "state = 1")
        #expect(EventState.SQL.isNotDelivered == "state <> 2")
    }

    @Test func countsByStoredStateTreatAnUnknownValueAsParked() {
        var counts = EventCounts()
        counts.add(5, storedState: 0)
        counts.add(4, storedState: 1)
        counts.add(3, storedState: 2)
        counts.add(2, storedState: 3)
        counts.add(1, storedState: 9)
        counts.add(1, storedState: nil)
        #expect(counts == EventCounts(pending: 5, inFlight: 4, delivered: 3, parked: 4))
    }
}
