public import CAPIModel

/// Durable storage for queued events, their receipts and coverage counters.
///
/// The delivery engine only talks to a store through this protocol, so SQLite (the embedded
/// default), PostgreSQL or the in-memory store of `DeliveryTesting` are interchangeable.
/// Every implementation must pass the shared conformance suite (`DeliveryStoreConformance`).
///
/// Rules every store keeps:
/// - ``append(_:at:)`` returns only after the events are durable (committed).
/// - One event per ``EventKey``: appending a key again changes nothing and reports it.
/// - A leased event is not returned by another lease until its lease expires; every lease has
///   a new ``LeaseToken``.
/// - ``settle(_:at:)`` is atomic: the receipt and all event updates land together; an update
///   fenced by a lease token applies only while that lease holds.
/// - Stores hold only what they are given: built events with hashed identifiers. They never
///   see access tokens or app secrets (a ``PixelSuspension`` names credentials by a one-way
///   ``CredentialFingerprint``).
/// - Pixel holds (throttling pauses and credential suspensions) are kept in the store, so every
///   worker that uses it honours them.
/// - Instants (`now`, lease ends, due times, pause ends) are on the callers' `DeliveryClock`
///   and are stored as given. A store used by one process (SQLite, in memory) sees one clock,
///   so they are consistent by construction. A store shared by several processes compares
///   instants written from one host's clock with another's, so it must refuse a caller whose
///   clock is too far from the others' (`PostgresEventStore` compares each instance's clock
///   with the database server's).
public protocol EventStore: Sendable {
    /// Appends events; durable before it returns.
    ///
    /// New events are pending and due at `now`. Their ``PendingEvent/matchKeys`` are added to
    /// the pixel's coverage counters in the same transaction.
    func append(_ events: [PendingEvent], at now: Timestamp) async throws -> AppendResult

    /// Leases up to `limit` due events of `pixel`, oldest due first.
    ///
    /// Due means pending with a due time at or before `now`, or in flight with an expired
    /// lease (a worker crashed). The lease lasts `leaseDuration`.
    func lease(pixel: PixelID, now: Timestamp, limit: Int, leaseDuration: Duration) async throws -> [LeasedEvent]

    /// Extends the leases of `events` to `now + leaseDuration`, fenced: only events still in
    /// flight under the token they carry are renewed.
    ///
    /// A worker calls this when an attempt (a bisection of many requests, say) may outlive
    /// its lease, so that no other worker leases the same events meanwhile.
    /// - Returns: the renewed events, with the token of the renewed lease (a store may give a
    ///   renewed lease a new token); events whose lease no longer held are left out.
    func renewLeases(_ events: [LeasedEvent], now: Timestamp, leaseDuration: Duration) async throws -> [LeasedEvent]

    /// The earliest time an event of `pixel` becomes due (pending or lease expiry), or `nil`
    /// when it has none waiting.
    func nextDueTime(pixel: PixelID) async throws -> Timestamp?

    /// Records an attempt and applies the event dispositions, atomically.
    ///
    /// `delivered` and `park` end the event's life in the queue; `retry` counts an attempt;
    /// `release` does not. Every event is linked to the receipt for its history.
    ///
    /// An event settled with a ``EventSettlement/leaseToken`` changes only while it is in
    /// flight under that lease; otherwise it is left as it is and reported in
    /// ``SettleResult/lostLeases``. Delivery clears an event's park reason.
    @discardableResult
    func settle(_ settlement: Settlement, at now: Timestamp) async throws -> SettleResult

    /// Puts every in-flight event back to pending, due at `now`, without counting an attempt.
    ///
    /// A single worker calls this at start to recover leases left by a crash.
    /// - Returns: how many leases were released.
    @discardableResult
    func releaseAllLeases(at now: Timestamp) async throws -> Int

    /// Parked events, oldest first, optionally for one pixel, after `cursor` (for paging).
    func parkedEvents(pixel: PixelID?, after cursor: EventRecordID?, limit: Int) async throws -> [EventStatusReport]

    /// One event by id.
    func status(of id: EventRecordID) async throws -> EventStatusReport?

    /// One event by key.
    func status(of key: EventKey) async throws -> EventStatusReport?

    /// The receipts of every request that carried the event, oldest first.
    func attempts(for id: EventRecordID) async throws -> [RecordedAttempt]

    /// Makes parked events pending again, due at `now`, with a fresh retry budget. The event
    /// (and so its `event_id`) is unchanged. Events that are not parked are left alone.
    ///
    /// - Returns: the ids that were parked and are now pending.
    func replay(_ ids: [EventRecordID], at now: Timestamp) async throws -> [EventRecordID]

    /// The coverage counters of `pixel`: every appended event, plus merged rejections.
    func coverage(pixel: PixelID) async throws -> MatchKeyCoverage

    /// Adds counters computed elsewhere (for example identifier rejections) to `pixel`'s.
    func mergeCoverage(_ coverage: MatchKeyCoverage, pixel: PixelID) async throws

    /// Event counts by state, for one pixel or all.
    func counts(pixel: PixelID?) async throws -> EventCounts

    /// Deletes events delivered before `cutoff`, with the receipts no remaining event refers
    /// to. Pending, in-flight and parked events are kept.
    ///
    /// Stores keep delivered events (and so their receipts and their keys for deduplication)
    /// until pruned; call this periodically with your retention period. A key that was pruned
    /// can be enqueued again.
    /// - Returns: how many events were deleted.
    @discardableResult
    func pruneDelivered(before cutoff: Timestamp) async throws -> Int

    /// The holds in force at `now`, by pixel: pauses that have not ended and suspensions.
    /// Pixels with nothing holding them back are absent.
    func pixelHolds(at now: Timestamp) async throws -> [PixelID: PixelHold]

    /// Changes `pixel`'s hold atomically (read, ``PixelHoldChange/applied(to:at:)``, write)
    /// and returns the hold in force afterwards.
    ///
    /// Concurrent changes from several workers must not be lost: two pauses keep the later
    /// end, two suspensions keep both rejected credentials.
    @discardableResult
    func updatePixelHold(_ pixel: PixelID, _ change: PixelHoldChange, at now: Timestamp) async throws -> PixelHold

    /// True when several processes may use the store at once (PostgreSQL).
    ///
    /// A ``DeliveryWorker`` then never calls ``releaseAllLeases(at:)`` at start, because the
    /// leases may belong to live workers elsewhere; leases of a crashed process come back when
    /// they expire. `false` by default.
    var isSharedAcrossProcesses: Bool { get }
}

extension EventStore {
    /// `false`: a store is used by one process unless it says otherwise.
    public var isSharedAcrossProcesses: Bool { false }

    /// Marks events delivered under one receipt.
    public func markDelivered(_ ids: [EventRecordID], attempt: AttemptReceipt?, at now: Timestamp) async throws {
        try await settle(Settlement(attempt: attempt, events: ids.map { .init(id: $0, disposition: .delivered) }), at: now)
    }

    /// Schedules events for another attempt at `due`, counting the attempt.
    public func scheduleRetry(_ ids: [EventRecordID], at due: Timestamp, attempt: AttemptReceipt?, now: Timestamp) async throws {
        try await settle(Settlement(attempt: attempt, events: ids.map { .init(id: $0, disposition: .retry(at: due)) }), at: now)
    }

    /// Parks events for review.
    public func park(_ ids: [EventRecordID], reason: ParkReason, attempt: AttemptReceipt?, at now: Timestamp) async throws {
        try await settle(Settlement(attempt: attempt, events: ids.map { .init(id: $0, disposition: .park(reason)) }), at: now)
    }

    /// Returns leased events to the queue without counting an attempt.
    public func release(_ ids: [EventRecordID], dueAt due: Timestamp, now: Timestamp) async throws {
        guard !ids.isEmpty else { return }
        try await settle(Settlement(attempt: nil, events: ids.map { .init(id: $0, disposition: .release(at: due)) }), at: now)
    }
}
