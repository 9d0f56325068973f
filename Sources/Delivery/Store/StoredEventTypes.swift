public import CAPIModel

/// An event ready to be appended to a store: already built, hashed and encoded.
///
/// ``json`` is the JSON of one element of the request's `data` array. It carries hashed
/// identifiers only (`UserData` cannot hold raw ones), so stores never see raw PII.
public struct PendingEvent: Hashable, Sendable {
    /// The pixel plus `event_name` and `event_id`.
    public var key: EventKey
    /// `event_time`, kept beside the JSON so the age limit can be checked without decoding.
    /// Stores keep it in whole seconds, the precision of `event_time`.
    public var eventTime: Timestamp
    /// `action_source`, which decides the age limit (62 days for `physical_store`).
    public var actionSource: ActionSource
    /// The encoded event.
    public var json: String
    /// The `user_data` keys the event carries, for coverage counters.
    public var matchKeys: UserDataKeySet

    public init(key: EventKey, eventTime: Timestamp, actionSource: ActionSource, json: String, matchKeys: UserDataKeySet) {
        self.key = key
        self.eventTime = eventTime
        self.actionSource = actionSource
        self.json = json
        self.matchKeys = matchKeys
    }
}

/// What an append did.
public struct AppendResult: Hashable, Sendable {
    /// How many events were new and are now durably queued.
    public var insertedCount: Int
    /// Events whose key was already in the store (queued, delivered or parked); they were
    /// left as they were.
    public var duplicates: [EventKey]

    public init(insertedCount: Int, duplicates: [EventKey] = []) {
        self.insertedCount = insertedCount
        self.duplicates = duplicates
    }
}

/// An event handed to a worker by ``EventStore/lease(pixel:now:limit:leaseDuration:)``.
///
/// Until the lease expires no other lease returns it. Settling the event ends the lease; a
/// settlement that carries ``leaseToken`` only applies while that lease still holds.
public struct LeasedEvent: Hashable, Sendable {
    public var id: EventRecordID
    public var key: EventKey
    public var eventTime: Timestamp
    public var actionSource: ActionSource
    public var json: String
    /// Attempts that counted against the retry budget so far.
    public var attempts: Int
    /// The lease this event was handed out under: every lease gets a new token.
    public var leaseToken: LeaseToken

    public init(
        id: EventRecordID, key: EventKey, eventTime: Timestamp, actionSource: ActionSource, json: String, attempts: Int,
        leaseToken: LeaseToken
    ) {
        self.id = id
        self.key = key
        self.eventTime = eventTime
        self.actionSource = actionSource
        self.json = json
        self.attempts = attempts
        self.leaseToken = leaseToken
    }
}

/// Identifies one lease of a store (a fencing token).
///
/// When a worker's work outlives its lease (a slow request, a pause, clock skew) another
/// worker may lease and send the same event. The first worker's late settle must then change
/// nothing, or it would put an event that is on the wire back to pending, or turn a park into
/// a delivery. Settlements carry the token of the lease they settle, and stores apply them only
/// to events still in flight under that token.
public struct LeaseToken: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The token as stored.
    public let rawValue: Int64

    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    public static func < (lhs: LeaseToken, rhs: LeaseToken) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { String(rawValue) }
}

/// The lifecycle state of a stored event.
public struct EventState: Hashable, Sendable, Codable, CustomStringConvertible {
    private enum Base: Int, Sendable, Codable { case pending = 0, inFlight = 1, delivered = 2, parked = 3 }
    private let base: Base

    /// Waiting for its due time.
    public static let pending = EventState(base: .pending)
    /// Leased by a worker; a request may be on the wire.
    public static let inFlight = EventState(base: .inFlight)
    /// Meta answered 200 for a request that carried it.
    public static let delivered = EventState(base: .delivered)
    /// Set aside for review; see ``ParkReason``. Replay it to queue it again.
    public static let parked = EventState(base: .parked)

    /// The integer stores persist (0 pending, 1 in flight, 2 delivered, 3 parked).
    public var storageValue: Int { base.rawValue }

    /// The state for a persisted integer, or `nil` for an unknown one.
    public init?(storageValue: Int) {
        guard let base = Base(rawValue: storageValue) else { return nil }
        self.base = base
    }

    private init(base: Base) { self.base = base }

    public var description: String {
        switch base {
        case .pending: "pending"
        case .inFlight: "in_flight"
        case .delivered: "delivered"
        case .parked: "parked"
        }
    }
}

/// Why an event was parked.
public struct ParkReason: Hashable, Sendable, Codable, CustomStringConvertible {
    /// A stable, low-cardinality reason code (also a metric dimension).
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Older than Meta accepts (7 days; 62 for `physical_store`). Replaying it fails validation.
        public static let expired = Code(rawValue: "expired")
        /// Meta rejected this event with code 100 (found by bisecting its batch).
        public static let rejected = Code(rawValue: "rejected")
        /// The retry budget ran out on transient failures.
        public static let retriesExhausted = Code(rawValue: "retries_exhausted")
        /// The stored event could not be read back (corrupt or from an incompatible version).
        public static let unreadable = Code(rawValue: "unreadable")
    }

    public var code: Code
    /// What went wrong and what to do, in words; never contains PII or credentials.
    public var message: String
    /// The Graph error code, when Meta gave one.
    public var graphCode: Int?
    /// The Graph error subcode, when Meta gave one.
    public var graphSubcode: Int?

    public init(code: Code, message: String, graphCode: Int? = nil, graphSubcode: Int? = nil) {
        self.code = code
        self.message = message
        self.graphCode = graphCode
        self.graphSubcode = graphSubcode
    }

    public var description: String {
        var text = code.rawValue
        if let graphCode {
            text += " (Graph \(graphCode)"
            if let graphSubcode { text += "/\(graphSubcode)" }
            text += ")"
        }
        return text + ": " + message
    }
}

/// What to do with one event after an attempt (or instead of one).
public enum EventDisposition: Hashable, Sendable {
    /// Meta accepted the request that carried the event.
    case delivered
    /// Try again at the given time; the attempt counts against the retry budget.
    case retry(at: Timestamp)
    /// Put the event back, due at the given time, without counting an attempt (pixel
    /// throttled or suspended, shutdown, bisect abandoned).
    case release(at: Timestamp)
    /// Set the event aside; the attempt (if any) counts.
    case park(ParkReason)
    /// Link the attempt to the event but leave it leased: it is being resent at once
    /// (bisection after code 100). Nothing else changes.
    case stillLeased
}

/// The outcome for one event.
public struct EventSettlement: Hashable, Sendable {
    public var id: EventRecordID
    public var disposition: EventDisposition
    /// The lease being settled. With a token the disposition applies only while the event is
    /// still in flight under that lease (it is fenced); `nil` applies it to any event that is
    /// not delivered yet, for tools that act on events they did not lease (a single process
    /// only).
    public var leaseToken: LeaseToken?

    public init(id: EventRecordID, disposition: EventDisposition, leaseToken: LeaseToken? = nil) {
        self.id = id
        self.disposition = disposition
        self.leaseToken = leaseToken
    }

    /// The outcome for a leased event, fenced by its lease.
    public init(_ event: LeasedEvent, disposition: EventDisposition) {
        self.init(id: event.id, disposition: disposition, leaseToken: event.leaseToken)
    }
}

/// What ``EventStore/settle(_:at:)`` did.
public struct SettleResult: Hashable, Sendable {
    /// Events whose settlement carried a lease token that no longer held (the lease had
    /// expired and the event was leased again, or settled by its new holder): nothing was
    /// changed for them. The receipt is still linked to them, since the request did carry them.
    public var lostLeases: [EventRecordID]

    public init(lostLeases: [EventRecordID] = []) {
        self.lostLeases = lostLeases
    }
}

/// The store-neutral part of applying a ``Settlement``: its event updates grouped so that a
/// store runs one statement per group.
///
/// Fenced events (with a lease token) are grouped by token as well, since the statement
/// checks the token; ``lostLeases(fenced:updated:)`` finds the fenced ids a store did not see
/// updated, so that it can report them as lost leases.
public struct SettlementGroups: Sendable {
    /// One update: the disposition, the lease it is fenced by (nil: not fenced) and the events.
    public struct Group: Sendable {
        public var disposition: EventDisposition
        public var leaseToken: LeaseToken?
        public var ids: [EventRecordID]
    }

    /// The groups, in the order the events first appear.
    public private(set) var groups: [Group] = []

    public init(_ settlement: Settlement) {
        var index: [GroupKey: Int] = [:]
        for item in settlement.events {
            if case .stillLeased = item.disposition { continue }
            let key = GroupKey(disposition: item.disposition, leaseToken: item.leaseToken)
            if let position = index[key] {
                groups[position].ids.append(item.id)
            } else {
                index[key] = groups.count
                groups.append(Group(disposition: item.disposition, leaseToken: item.leaseToken, ids: [item.id]))
            }
        }
    }

    private struct GroupKey: Hashable {
        var disposition: EventDisposition
        var leaseToken: LeaseToken?
    }

    /// The lost leases of a settlement whose fenced groups updated `updated` rows.
    public static func lostLeases(fenced: [EventRecordID], updated: some Sequence<EventRecordID>) -> [EventRecordID] {
        let done = Set(updated)
        return fenced.filter { !done.contains($0) }
    }

    /// The events of the fenced groups, in group order.
    package var fencedIDs: [EventRecordID] { groups.filter { $0.leaseToken != nil }.flatMap(\.ids) }

    /// The lost leases, once the fenced groups' statements reported the rows they changed.
    package func lostLeases(updated: some Sequence<EventRecordID>) -> [EventRecordID] {
        Self.lostLeases(fenced: fencedIDs, updated: updated)
    }
}

extension SettlementGroups.Group {
    /// What the group adds to each event's attempt count: a retry always counts (it follows a
    /// failed attempt), a release never does, a delivery or a park counts when the settlement
    /// carries the receipt of a request (`attemptRecorded`).
    package func attemptIncrement(attemptRecorded: Bool) -> Int {
        switch disposition {
        case .retry: 1
        case .release, .stillLeased: 0
        case .delivered, .park: attemptRecorded ? 1 : 0
        }
    }

    /// The SQL condition on the state that an unfenced group (no lease token) applies under:
    /// a delivery changes any event not delivered yet (a parked one too), anything else only a
    /// pending or in-flight event. A fenced group applies only while its lease holds instead.
    package var unfencedStateCondition: String {
        if case .delivered = disposition { EventState.SQL.isNotDelivered } else { EventState.SQL.isDue }
    }
}

/// One atomic write after an attempt: the receipt (when a request was sent) and the new
/// state of every event it carried.
public struct Settlement: Hashable, Sendable {
    /// The receipt of the request; `nil` when no request was made (for example, events that
    /// expired before sending, or a release on shutdown).
    public var attempt: AttemptReceipt?
    /// The events and what happens to each. Every one is linked to ``attempt``.
    public var events: [EventSettlement]

    public init(attempt: AttemptReceipt?, events: [EventSettlement]) {
        self.attempt = attempt
        self.events = events
    }
}

/// Counts of stored events by state.
public struct EventCounts: Hashable, Sendable {
    public var pending: Int
    public var inFlight: Int
    public var delivered: Int
    public var parked: Int

    public init(pending: Int = 0, inFlight: Int = 0, delivered: Int = 0, parked: Int = 0) {
        self.pending = pending
        self.inFlight = inFlight
        self.delivered = delivered
        self.parked = parked
    }

    /// Events not yet delivered or parked.
    public var undelivered: Int { pending + inFlight }

    /// Adds a store's count of the events in one state, the `state` column's value (an unknown
    /// value counts as parked: such an event is never leased, so it waits for review).
    package mutating func add(_ count: Int, storedState: Int?) {
        switch storedState.flatMap(EventState.init(storageValue:)) ?? .parked {
        case .pending: pending = count
        case .inFlight: inFlight = count
        case .delivered: delivered = count
        default: parked += count
        }
    }
}

/// Everything a store knows about one event.
public struct EventStatusReport: Hashable, Sendable {
    public var id: EventRecordID
    public var key: EventKey
    public var eventTime: Timestamp
    public var actionSource: ActionSource
    public var state: EventState
    /// Attempts that counted against the retry budget.
    public var attempts: Int
    public var enqueuedAt: Timestamp
    /// When the event is next due (pending), or when its lease ends (in flight).
    public var dueAt: Timestamp?
    public var deliveredAt: Timestamp?
    public var parkedAt: Timestamp?
    public var parkReason: ParkReason?
    /// The stored event JSON (hashed identifiers only).
    public var json: String

    public init(
        id: EventRecordID, key: EventKey, eventTime: Timestamp, actionSource: ActionSource, state: EventState,
        attempts: Int, enqueuedAt: Timestamp, dueAt: Timestamp?, deliveredAt: Timestamp?, parkedAt: Timestamp?,
        parkReason: ParkReason?, json: String
    ) {
        self.id = id
        self.key = key
        self.eventTime = eventTime
        self.actionSource = actionSource
        self.state = state
        self.attempts = attempts
        self.enqueuedAt = enqueuedAt
        self.dueAt = dueAt
        self.deliveredAt = deliveredAt
        self.parkedAt = parkedAt
        self.parkReason = parkReason
        self.json = json
    }
}
