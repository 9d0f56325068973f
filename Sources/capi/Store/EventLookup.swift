import ArgumentParser
import CAPIModel
import Delivery

/// Finds the events an operator means by `ord_84213` (an event_id) or `12` (a store id).
enum EventLookup {
    static func find(
        _ argument: String, pixelID: String?, eventName: String?, in store: some InspectableEventStore
    ) async throws -> [EventStatusReport] {
        let filter = EventFilter(
            pixelID: pixelID.map { PixelID($0) }, eventName: eventName.map { EventName($0) }, eventID: argument)
        let byEventID = try await store.events(matching: filter, after: nil, limit: 100)
        if !byEventID.isEmpty { return byEventID }
        if let number = Int64(argument), let report = try await store.status(of: EventRecordID(number)),
            filter.pixelID == nil || report.key.pixelID == filter.pixelID,
            filter.eventName == nil || report.key.eventName == filter.eventName
        {
            return [report]
        }
        throw ValidationError(
            "no event has event_id or id \(argument); list them with capi events --store FILE")
    }
}
