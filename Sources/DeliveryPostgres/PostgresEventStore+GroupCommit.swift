import Delivery
import Synchronization

/// One caller's append waiting in a group commit.
final class AppendRequest: Sendable {
    let events: [PendingEvent]
    let now: Timestamp
    /// Set by the leader that committed it.
    let result = Mutex<Result<AppendResult, any Error>?>(nil)

    init(events: [PendingEvent], now: Timestamp) {
        self.events = events
        self.now = now
    }
}

/// The group-commit queue of one store instance. While a leader commits, later small appends
/// wait here on their own continuation; the leader wakes them with their results, then
/// promotes the first still-waiting append to lead the next commit.
struct AppendGroup {
    /// How a waiting append is woken: its events were committed, or it leads the next commit.
    enum Role: Sendable { case committed, lead }

    var pending: [(request: AppendRequest, continuation: CheckedContinuation<Role, Never>?)] = []
    var leaderActive = false
}

extension PostgresEventStore {
    /// Group commit: a commit waits for PostgreSQL's WAL flush (`synchronous_commit`), and
    /// single-event appends from many request handlers would each wait for their own. Here
    /// they share one: an append arriving while a commit is in progress waits, and the next
    /// commit carries every waiting append. Each caller returns only after the commit that
    /// carried its events, with its own result, so durability is the same as alone. When the
    /// shared transaction fails, every append it carried fails with that error and none of
    /// their events is stored.
    func appendInGroup(_ request: AppendRequest) async throws -> AppendResult {
        let role = await withCheckedContinuation { (continuation: CheckedContinuation<AppendGroup.Role, Never>) in
            let leads = appendGroup.withLock { group -> Bool in
                if group.leaderActive {
                    group.pending.append((request, continuation))
                    return false
                }
                group.leaderActive = true
                group.pending.append((request, nil))
                return true
            }
            if leads { continuation.resume(returning: .lead) }
        }
        if role == .lead { await leadGroupCommit(leader: request) }
        guard let result = request.result.withLock({ $0 }) else {
            throw DeliveryError(code: .storeFailure, message: "PostgreSQL store: append finished without a result")
        }
        return try result.get()
    }

    /// Commits everything waiting (up to ``Configuration/maximumEventsPerGroupCommit``) in
    /// one transaction, wakes the callers it carried, and hands leadership to the next.
    private func leadGroupCommit(leader: AppendRequest) async {
        let limit = max(1, configuration.maximumEventsPerGroupCommit)
        let batch = appendGroup.withLock { group in
            var count = 0
            var taken = 0
            while taken < group.pending.count, taken == 0 || count + group.pending[taken].request.events.count <= limit {
                count += group.pending[taken].request.events.count
                taken += 1
            }
            defer { group.pending.removeFirst(taken) }
            return Array(group.pending[..<taken])
        }
        let requests = batch.map(\.request)
        do {
            // In a task of its own (inside `transaction`): the leader's caller may be
            // cancelled, the callers it carries are not.
            let results = try await appendInOneTransaction(requests)
            for (request, result) in zip(requests, results) { request.result.withLock { $0 = .success(result) } }
        } catch {
            for request in requests { request.result.withLock { $0 = .failure(error) } }
        }
        let next = appendGroup.withLock { group -> CheckedContinuation<AppendGroup.Role, Never>? in
            guard let first = group.pending.first else {
                group.leaderActive = false
                return nil
            }
            // The promoted append stays queued (its events go in the next commit) but will
            // not be woken again: clear its continuation.
            group.pending[0].continuation = nil
            return first.continuation
        }
        for (request, continuation) in batch where request !== leader { continuation?.resume(returning: .committed) }
        next?.resume(returning: .lead)
    }
}
