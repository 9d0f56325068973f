import Synchronization

/// One leased batch while its requests run: what is left of the lease on the clock's monotonic
/// reading, and the events still held under it with their current tokens.
///
/// A batch's requests (one, or a bisection of many) run one after another under the lease
/// taken for the batch. Before each request the worker asks whether the request could outlive
/// the lease; if so it renews the lease of every event of the batch still held (fenced by
/// their tokens), or lets them all go, so that no other worker leases and sends them
/// meanwhile. A renewal may give the events new tokens; every settle takes them from here.
final class BatchLease: Sendable {
    private struct State {
        /// When the lease ends, on ``DeliveryClock/monotonic``.
        var end: Duration
        /// The batch's events not yet settled for good, with their current tokens.
        var held: [EventRecordID: LeasedEvent] = [:]
    }

    private let state: Mutex<State>

    /// A lease of `duration` taken no later than `start` (a monotonic reading).
    init(start: Duration, duration: Duration) {
        self.state = Mutex(State(end: start + duration))
    }

    /// The events the lease returned.
    func hold(_ events: [LeasedEvent]) {
        state.withLock { state in for event in events { state.held[event.id] = event } }
    }

    /// What is left of the lease at the monotonic reading `now`.
    func remaining(at now: Duration) -> Duration {
        state.withLock { $0.end } - now
    }

    /// Whether a request started at `now` with `timeout`, and the settle after it, may outlive
    /// the lease: less than twice the timeout is left.
    func needsRenewal(at now: Duration, requestTimeout: Duration) -> Bool {
        remaining(at: now) < requestTimeout * 2
    }

    /// Every event still held, oldest id first.
    var heldEvents: [LeasedEvent] {
        state.withLock { $0.held.values.sorted { $0.id < $1.id } }
    }

    /// The lease was renewed for `duration` no later than the monotonic reading `start`, for
    /// `renewed` (with their new tokens); the other held events lost their lease.
    func renewed(_ renewed: [LeasedEvent], start: Duration, duration: Duration) {
        state.withLock { state in
            state.end = start + duration
            state.held = Dictionary(uniqueKeysWithValues: renewed.map { ($0.id, $0) })
        }
    }

    /// Of `events`, those still held, with their current tokens.
    func current(_ events: [LeasedEvent]) -> [LeasedEvent] {
        state.withLock { state in events.compactMap { state.held[$0.id] } }
    }

    /// `settlements` with the current token of each held event, and the events settled for
    /// good (every disposition but `stillLeased`) no longer held.
    func settling(_ settlements: [EventSettlement]) -> [EventSettlement] {
        state.withLock { state in
            settlements.map { settlement in
                var settlement = settlement
                if let held = state.held[settlement.id] { settlement.leaseToken = held.leaseToken }
                if settlement.disposition != .stillLeased { state.held[settlement.id] = nil }
                return settlement
            }
        }
    }
}
