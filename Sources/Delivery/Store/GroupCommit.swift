import Synchronization

/// Group commit for a store's appends, store-neutral: while one commit is in progress, later
/// appends wait; the next commit carries every waiting append (up to a number of events).
/// Each caller returns only after the commit that carried its events, with its own result,
/// so durability is the same as committing alone while the stores' fsyncs (SQLite's WAL,
/// PostgreSQL's WAL flush) are shared.
///
/// The store gives ``append(_:at:maximumEventsPerCommit:lead:)`` the way it commits a group:
/// the `lead` closure takes the batch (after whatever waiting it does first, such as taking
/// the store's lock, so that appends arriving meanwhile join it), commits it in one
/// transaction and completes every append of it.
package final class GroupCommit: Sendable {
    /// One caller's append waiting in a group.
    package final class Append: Sendable {
        package let events: [PendingEvent]
        package let now: Timestamp
        let result = Mutex<Result<AppendResult, any Error>?>(nil)

        init(events: [PendingEvent], now: Timestamp) {
            self.events = events
            self.now = now
        }

        /// Sets this append's outcome; the caller receives it when the leader is done.
        package func complete(_ outcome: Result<AppendResult, any Error>) { result.withLock { $0 = outcome } }
    }

    /// How a waiting append is woken: its events were committed, or it leads the next commit.
    private enum Role: Sendable { case committed, lead }

    private struct State {
        var pending: [(append: Append, continuation: CheckedContinuation<Role, Never>?)] = []
        var leaderActive = false
    }

    private let state = Mutex(State())

    package init() {}

    /// Appends `events` in the next group commit.
    ///
    /// - Parameters:
    ///   - maximumEventsPerCommit: the most events one commit carries (one append always fits).
    ///   - lead: run by the append that leads a commit: call `takeBatch` once, commit what it
    ///     returns in one transaction, and ``Append/complete(_:)`` each of them.
    /// - Returns: this append's result, once the commit that carried it is done.
    package func append(
        _ events: [PendingEvent], at now: Timestamp, maximumEventsPerCommit: Int,
        lead: (_ takeBatch: () -> [Append]) async -> Void
    ) async throws -> AppendResult {
        let append = Append(events: events, now: now)
        let role = await withCheckedContinuation { (continuation: CheckedContinuation<Role, Never>) in
            let leads = state.withLock { state -> Bool in
                if state.leaderActive {
                    state.pending.append((append, continuation))
                    return false
                }
                state.leaderActive = true
                state.pending.append((append, nil))
                return true
            }
            if leads { continuation.resume(returning: .lead) }
        }
        if role == .lead { await leadCommit(leader: append, maximumEventsPerCommit: maximumEventsPerCommit, lead: lead) }
        guard let result = append.result.withLock({ $0 }) else {
            throw DeliveryError(code: .storeFailure, message: "append finished without a result (the store did not complete it)")
        }
        return try result.get()
    }

    private func leadCommit(
        leader: Append, maximumEventsPerCommit: Int, lead: (_ takeBatch: () -> [Append]) async -> Void
    ) async {
        var batch: [(append: Append, continuation: CheckedContinuation<Role, Never>?)] = []
        await lead {
            batch = state.withLock { state in
                var count = 0
                var taken = 0
                while taken < state.pending.count,
                    taken == 0 || count + state.pending[taken].append.events.count <= maximumEventsPerCommit
                {
                    count += state.pending[taken].append.events.count
                    taken += 1
                }
                defer { state.pending.removeFirst(taken) }
                return Array(state.pending[..<taken])
            }
            return batch.map(\.append)
        }
        let next = state.withLock { state -> CheckedContinuation<Role, Never>? in
            guard let first = state.pending.first else {
                state.leaderActive = false
                return nil
            }
            // The promoted append stays queued (its events go in the next commit) but will not
            // be woken again: clear its continuation.
            state.pending[0].continuation = nil
            return first.continuation
        }
        for (append, continuation) in batch where append !== leader { continuation?.resume(returning: .committed) }
        next?.resume(returning: .lead)
    }
}
