import Synchronization

/// Holds store operations back until ``PostgresEventStore/run()`` has migrated the schema.
///
/// A small state machine under a lock: operations that arrive early wait on a continuation;
/// the outcome of the migration (or the end of `run()`) resumes them all. Waiting is
/// cancellable. Continuations are resumed outside the lock.
final class StartupGate: Sendable {
    enum Outcome: Sendable {
        case ready
        case failed(any Error)
        case stopped
    }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Outcome, any Error>
    }

    private enum State {
        case starting(waiters: [Waiter])
        case finished(Outcome)
    }

    private struct Box {
        var state: State = .starting(waiters: [])
        var nextID: UInt64 = 0
        var warnedAboutMissingRun = false
    }

    private let box = Mutex(Box())

    init() {}

    /// The outcome when startup has finished; `nil` while it runs (or has not begun).
    var outcome: Outcome? {
        box.withLock { box in
            if case .finished(let outcome) = box.state { return outcome }
            return nil
        }
    }

    /// Returns true the first time it is called while startup has not finished, so the store
    /// can warn once that `run()` may be missing.
    func shouldWarnAboutWaiting() -> Bool {
        box.withLock { box in
            guard case .starting = box.state, !box.warnedAboutMissingRun else { return false }
            box.warnedAboutMissingRun = true
            return true
        }
    }

    /// Waits for the outcome of startup.
    ///
    /// - Throws: `CancellationError` when the waiting task is cancelled first.
    func wait() async throws -> Outcome {
        if let outcome { return outcome }
        let id = box.withLock { box -> UInt64 in
            box.nextID &+= 1
            return box.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Outcome, any Error>) in
                let resolved = box.withLock { box -> Result<Outcome, any Error>? in
                    switch box.state {
                    case .finished(let outcome):
                        return .success(outcome)
                    case .starting(var waiters):
                        if Task.isCancelled { return .failure(CancellationError()) }
                        waiters.append(Waiter(id: id, continuation: continuation))
                        box.state = .starting(waiters: waiters)
                        return nil
                    }
                }
                if let resolved { continuation.resume(with: resolved) }
            }
        } onCancel: {
            let waiter = box.withLock { box -> Waiter? in
                guard case .starting(var waiters) = box.state,
                    let index = waiters.firstIndex(where: { $0.id == id })
                else { return nil }
                let waiter = waiters.remove(at: index)
                box.state = .starting(waiters: waiters)
                return waiter
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Records the outcome and wakes every waiter. Later calls only replace `ready` by
    /// `stopped` (when `run()` ends).
    func finish(_ outcome: Outcome) {
        let waiters = box.withLock { box -> [Waiter] in
            switch box.state {
            case .starting(let waiters):
                box.state = .finished(outcome)
                return waiters
            case .finished(.ready):
                if case .stopped = outcome { box.state = .finished(.stopped) }
                return []
            case .finished:
                return []
            }
        }
        for waiter in waiters { waiter.continuation.resume(returning: outcome) }
    }
}
