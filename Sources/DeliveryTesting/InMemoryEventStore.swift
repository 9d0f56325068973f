public import CAPIModel
public import Delivery

/// An `EventStore` in memory, for tests and prototypes. Nothing survives the process.
///
/// It follows the same rules as the durable stores and passes the same conformance suite.
public actor InMemoryEventStore: EventStore {
    struct Record {
        var id: EventRecordID
        var key: EventKey
        var eventTime: Timestamp
        var actionSource: ActionSource
        var json: String
        var state: EventState
        var attempts: Int
        var enqueuedAt: Timestamp
        var dueAt: Timestamp?
        var deliveredAt: Timestamp?
        var parkedAt: Timestamp?
        var parkReason: ParkReason?
        /// The token of the current (or last) lease.
        var leaseToken: LeaseToken?
        var attemptIDs: [AttemptID] = []

        var report: EventStatusReport {
            EventStatusReport(
                id: id, key: key, eventTime: eventTime, actionSource: actionSource, state: state, attempts: attempts,
                enqueuedAt: enqueuedAt, dueAt: dueAt, deliveredAt: deliveredAt, parkedAt: parkedAt,
                parkReason: parkReason, json: json)
        }
    }

    var records: [EventRecordID: Record] = [:]
    private var byKey: [EventKey: EventRecordID] = [:]
    var attemptsByID: [AttemptID: AttemptReceipt] = [:]
    var coverageByPixel: [PixelID: MatchKeyCoverage] = [:]
    var qualitySnapshotsByPixel: [PixelID: [Timestamp: QualitySnapshot]] = [:]
    private var holds: [PixelID: PixelHold] = [:]
    private var nextEventID: Int64 = 1
    private var nextAttemptID: Int64 = 1
    private var nextLeaseToken: Int64 = 1

    /// Appends, settles and leases that failed on purpose; see ``failNextOperations(_:)``.
    private var failuresToInject = 0
    private let sharedAcrossProcesses: Bool

    /// Creates an empty store.
    ///
    /// - Parameter sharedAcrossProcesses: what ``isSharedAcrossProcesses`` reports, to test
    ///   how workers behave on a store that several processes share (like PostgreSQL).
    public init(sharedAcrossProcesses: Bool = false) {
        self.sharedAcrossProcesses = sharedAcrossProcesses
    }

    public nonisolated var isSharedAcrossProcesses: Bool { sharedAcrossProcesses }

    /// Makes the next `count` store operations throw, to test failure handling.
    public func failNextOperations(_ count: Int) { failuresToInject = count }

    func maybeFail() throws {
        if failuresToInject > 0 {
            failuresToInject -= 1
            throw DeliveryError(code: .storeFailure, message: "injected failure (InMemoryEventStore.failNextOperations)")
        }
    }

    public func append(_ events: [PendingEvent], at now: Timestamp) throws -> AppendResult {
        try maybeFail()
        var result = AppendResult(insertedCount: 0)
        for event in events {
            if byKey[event.key] != nil {
                result.duplicates.append(event.key)
                continue
            }
            let id = EventRecordID(nextEventID)
            nextEventID += 1
            // Whole seconds, as the SQL stores keep `event_time`.
            records[id] = Record(
                id: id, key: event.key, eventTime: event.eventTime.wholeSeconds, actionSource: event.actionSource,
                json: event.json,
                state: .pending, attempts: 0, enqueuedAt: now, dueAt: now)
            byKey[event.key] = id
            var coverage = coverageByPixel[event.key.pixelID] ?? MatchKeyCoverage()
            coverage.record(eventName: event.key.eventName, keys: event.matchKeys.keys)
            coverageByPixel[event.key.pixelID] = coverage
            result.insertedCount += 1
        }
        return result
    }

    public func lease(pixel: PixelID, now: Timestamp, limit: Int, leaseDuration: Duration) throws -> [LeasedEvent] {
        try maybeFail()
        let due = records.values
            .filter { $0.key.pixelID == pixel && ($0.state == .pending || $0.state == .inFlight) && ($0.dueAt ?? now) <= now }
            .sorted { ($0.dueAt!, $0.id) < ($1.dueAt!, $1.id) }
            .prefix(limit)
        guard !due.isEmpty else { return [] }
        let token = LeaseToken(nextLeaseToken)
        nextLeaseToken += 1
        return due.map { record in
            records[record.id]!.state = .inFlight
            records[record.id]!.dueAt = now + leaseDuration
            records[record.id]!.leaseToken = token
            return LeasedEvent(
                id: record.id, key: record.key, eventTime: record.eventTime, actionSource: record.actionSource,
                json: record.json, attempts: record.attempts, leaseToken: token)
        }
    }

    public func renewLeases(_ events: [LeasedEvent], now: Timestamp, leaseDuration: Duration) throws -> [LeasedEvent] {
        try maybeFail()
        return events.filter { event in
            guard let record = records[event.id], record.state == .inFlight, record.leaseToken == event.leaseToken else {
                return false
            }
            records[event.id]!.dueAt = now + leaseDuration
            return true
        }
    }

    public func nextDueTime(pixel: PixelID) -> Timestamp? {
        records.values.filter { $0.key.pixelID == pixel && ($0.state == .pending || $0.state == .inFlight) }
            .compactMap(\.dueAt).min()
    }

    @discardableResult
    public func settle(_ settlement: Settlement, at now: Timestamp) throws -> SettleResult {
        try maybeFail()
        var result = SettleResult()
        var attemptID: AttemptID?
        if let receipt = settlement.attempt {
            let id = AttemptID(nextAttemptID)
            nextAttemptID += 1
            attemptsByID[id] = receipt
            attemptID = id
        }
        for item in settlement.events {
            guard var record = records[item.id] else { continue }
            if let attemptID { record.attemptIDs.append(attemptID) }
            defer { records[item.id] = record }
            // Fenced: only the lease named may settle; unfenced: anything not yet delivered.
            let holds: Bool
            if let token = item.leaseToken {
                holds = record.state == .inFlight && record.leaseToken == token
            } else if case .delivered = item.disposition {
                holds = record.state != .delivered
            } else {
                holds = record.state == .pending || record.state == .inFlight
            }
            if case .stillLeased = item.disposition { continue }
            guard holds else {
                if item.leaseToken != nil { result.lostLeases.append(item.id) }
                continue
            }
            switch item.disposition {
            case .delivered:
                record.state = .delivered
                record.dueAt = nil
                record.deliveredAt = now
                record.parkedAt = nil
                record.parkReason = nil
                if settlement.attempt != nil { record.attempts += 1 }
            case .retry(let due):
                record.state = .pending
                record.dueAt = due
                record.attempts += 1
            case .release(let due):
                record.state = .pending
                record.dueAt = due
            case .park(let reason):
                record.state = .parked
                record.dueAt = nil
                record.parkedAt = now
                record.parkReason = reason
                if settlement.attempt != nil { record.attempts += 1 }
            case .stillLeased:
                break
            }
        }
        return result
    }

    public func releaseAllLeases(at now: Timestamp) -> Int {
        var count = 0
        for (id, record) in records where record.state == .inFlight {
            records[id]!.state = .pending
            records[id]!.dueAt = now
            count += 1
        }
        return count
    }

    public func parkedEvents(pixel: PixelID?, after cursor: EventRecordID?, limit: Int) -> [EventStatusReport] {
        records.values
            .filter { $0.state == .parked && (pixel == nil || $0.key.pixelID == pixel) && $0.id > (cursor ?? EventRecordID(0)) }
            .sorted { $0.id < $1.id }
            .prefix(limit)
            .map(\.report)
    }

    public func status(of id: EventRecordID) -> EventStatusReport? { records[id]?.report }

    public func status(of key: EventKey) -> EventStatusReport? { byKey[key].flatMap { records[$0]?.report } }

    public func attempts(for id: EventRecordID) -> [RecordedAttempt] {
        (records[id]?.attemptIDs ?? []).compactMap { attemptID in
            attemptsByID[attemptID].map { RecordedAttempt(id: attemptID, receipt: $0) }
        }
    }

    public func replay(_ ids: [EventRecordID], at now: Timestamp) -> [EventRecordID] {
        var replayed: [EventRecordID] = []
        for id in ids where records[id]?.state == .parked {
            records[id]!.state = .pending
            records[id]!.dueAt = now
            records[id]!.attempts = 0
            records[id]!.parkedAt = nil
            records[id]!.parkReason = nil
            replayed.append(id)
        }
        return replayed
    }

    public func coverage(pixel: PixelID) -> MatchKeyCoverage { coverageByPixel[pixel] ?? MatchKeyCoverage() }

    public func mergeCoverage(_ coverage: MatchKeyCoverage, pixel: PixelID) {
        coverageByPixel[pixel, default: MatchKeyCoverage()].merge(coverage)
    }

    public func pruneDelivered(before cutoff: Timestamp) -> Int {
        let doomed = records.values.filter { $0.state == .delivered && ($0.deliveredAt ?? cutoff) < cutoff }
        for record in doomed {
            records[record.id] = nil
            byKey[record.key] = nil
        }
        let referenced = Set(records.values.flatMap(\.attemptIDs))
        attemptsByID = attemptsByID.filter { referenced.contains($0.key) }
        return doomed.count
    }

    public func pixelHolds(at now: Timestamp) -> [PixelID: PixelHold] {
        holds.compactMapValues { hold in
            let current = hold.inForce(at: now)
            return current.isEmpty ? nil : current
        }
    }

    public func updatePixelHold(_ pixel: PixelID, _ change: PixelHoldChange, at now: Timestamp) -> PixelHold {
        let hold = change.applied(to: holds[pixel] ?? PixelHold(), at: now)
        holds[pixel] = hold.isEmpty ? nil : hold
        return hold
    }

    public func counts(pixel: PixelID?) -> EventCounts {
        var counts = EventCounts()
        for record in records.values where pixel == nil || record.key.pixelID == pixel {
            switch record.state {
            case .pending: counts.pending += 1
            case .inFlight: counts.inFlight += 1
            case .delivered: counts.delivered += 1
            default: counts.parked += 1
            }
        }
        return counts
    }
}
