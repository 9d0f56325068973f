public import CAPIModel

/// A store that operator tools can browse: which pixels it serves, every event by state, and
/// the receipts of recent requests.
///
/// ``EventStore`` has what the delivery engine needs; this adds the read-only queries behind
/// `capi status`, `capi events`, `capi show` and the HTML dashboard. The SQLite store and the
/// in-memory store of `DeliveryTesting` conform; a store that does not still delivers, it
/// just cannot be browsed.
///
/// ```swift
/// for pixel in try await store.pixelIDs() {
///     let parked = try await store.events(matching: EventFilter(pixelID: pixel, state: .parked), after: nil, limit: 100)
///     let failures = try await store.recentAttempts(matching: AttemptFilter(failuresOnly: true), before: nil, limit: 20)
/// }
/// ```
public protocol InspectableEventStore: EventStore {
    /// Every pixel with a stored event or coverage counters, sorted.
    func pixelIDs() async throws -> [PixelID]

    /// Events matching `filter`, in id order (the order they were appended), after `cursor`.
    func events(matching filter: EventFilter, after cursor: EventRecordID?, limit: Int) async throws -> [EventStatusReport]

    /// Receipts matching `filter`, newest first, older than `cursor` (for paging backwards).
    func recentAttempts(
        matching filter: AttemptFilter, before cursor: AttemptID?, limit: Int
    ) async throws
        -> [RecordedAttempt]

    /// The latest receipt of each event in `ids` that has one.
    func latestAttempts(for ids: [EventRecordID]) async throws -> [EventRecordID: RecordedAttempt]
}

/// Which events ``InspectableEventStore/events(matching:after:limit:)`` returns. Every field
/// left `nil` matches everything.
public struct EventFilter: Hashable, Sendable {
    /// Only events for this pixel.
    public var pixelID: PixelID?
    /// Only events in this state.
    public var state: EventState?
    /// Only events with this `event_name`.
    public var eventName: EventName?
    /// Only events with this `event_id` (the same id may exist for several names or pixels).
    public var eventID: String?

    public init(pixelID: PixelID? = nil, state: EventState? = nil, eventName: EventName? = nil, eventID: String? = nil) {
        self.pixelID = pixelID
        self.state = state
        self.eventName = eventName
        self.eventID = eventID
    }

    /// True when `report` matches (for stores that filter in memory).
    public func matches(_ report: EventStatusReport) -> Bool {
        (pixelID == nil || report.key.pixelID == pixelID) && (state == nil || report.state == state)
            && (eventName == nil || report.key.eventName == eventName)
            && (eventID == nil || report.key.eventID == eventID)
    }
}

/// Which receipts ``InspectableEventStore/recentAttempts(matching:before:limit:)`` returns.
public struct AttemptFilter: Hashable, Sendable {
    /// Only requests to this pixel.
    public var pixelID: PixelID?
    /// Only requests that did not deliver (any outcome but ``AttemptOutcome/delivered``).
    public var failuresOnly: Bool

    public init(pixelID: PixelID? = nil, failuresOnly: Bool = false) {
        self.pixelID = pixelID
        self.failuresOnly = failuresOnly
    }

    /// True when `receipt` matches (for stores that filter in memory).
    public func matches(_ receipt: AttemptReceipt) -> Bool {
        (pixelID == nil || receipt.pixelID == pixelID) && (!failuresOnly || receipt.outcome != .delivered)
    }
}
