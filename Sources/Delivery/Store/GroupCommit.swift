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
        /// Appends waiting for a leader to take them, in arrival order.
        var waiting: [(append: Append, continuation: CheckedContinuation<Role, Never>)] = []
        /// Whether a commit is in progress (its leader's append is not in `waiting`).
        var leaderActive = false
    }

    private let state = Mutex(State())
    private static let maximumYieldsBeforeBatch = 8

    package init() {}

    /// Appends `events` in the next group commit.
    ///
    /// - Parameters:
    ///   - events: the events of this append.
    ///   - now: when they were enqueued.
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
                guard !state.leaderActive else {
                    state.waiting.append((append, continuation))
                    return false
                }
                state.leaderActive = true
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

    /// Commits the leader's append and the waiting ones that fit beside it, then wakes them and
    /// hands the lead to the first append still waiting (or ends the leadership).
    private func leadCommit(
        leader: Append, maximumEventsPerCommit: Int, lead: (_ takeBatch: () -> [Append]) async -> Void
    ) async {
        var carried: [CheckedContinuation<Role, Never>] = []
        // Let the appends already on their way join: callers just woken by the previous commit
        // are queued on the executor behind this task and would otherwise miss this batch by
        // a hair, and the callers would split into two groups taking turns, each waiting for
        // two commits. Yield while the waiting list still grows (a few times at most).
        var seen = -1
        for _ in 0..<Self.maximumYieldsBeforeBatch {
            let waiting = state.withLock { $0.waiting.count }
            guard waiting != seen else { break }
            seen = waiting
            await Task.yield()
        }
        await lead {
            var batch = [leader]
            state.withLock { state in
                var count = leader.events.count
                var taken = 0
                while taken < state.waiting.count,
                    count + state.waiting[taken].append.events.count <= maximumEventsPerCommit
                {
                    count += state.waiting[taken].append.events.count
                    taken += 1
                }
                for (append, continuation) in state.waiting[..<taken] {
                    batch.append(append)
                    carried.append(continuation)
                }
                state.waiting.removeFirst(taken)
            }
            return batch
        }
        let next = state.withLock { state -> CheckedContinuation<Role, Never>? in
            guard !state.waiting.isEmpty else {
                state.leaderActive = false
                return nil
            }
            return state.waiting.removeFirst().continuation
        }
        for continuation in carried { continuation.resume(returning: .committed) }
        next?.resume(returning: .lead)
    }
}
