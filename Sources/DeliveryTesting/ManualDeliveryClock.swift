public import Delivery
public import CAPIModel
import Synchronization

/// A `DeliveryClock` that only moves when a test moves it.
///
/// ```swift
/// let clock = ManualDeliveryClock(now: Timestamp(milliseconds: 1_767_225_600_000))
/// // … start a worker with it …
/// let deadline = await clock.nextSleep()   // the worker went idle
/// clock.advance(to: deadline)               // wake it
/// ```
public final class ManualDeliveryClock: DeliveryClock, Sendable {
    private struct Sleeper {
        var id: UInt64
        var deadline: Timestamp
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Timestamp
        var sleepers: [Sleeper] = []
        var nextID: UInt64 = 0
        var sleepWatchers: [CheckedContinuation<Timestamp, Never>] = []
    }

    private let state: Mutex<State>

    public init(now: Timestamp) {
        self.state = Mutex(State(now: now))
    }

    public var now: Timestamp { state.withLock { $0.now } }

    /// The manual time since the epoch: it moves only with ``advance(by:)`` and
    /// ``advance(to:)``, as the wall time does.
    public var monotonic: Duration { .milliseconds(now.milliseconds) }

    /// How many tasks are sleeping on the clock.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The earliest deadline anyone sleeps until.
    public var nextDeadline: Timestamp? { state.withLock { $0.sleepers.map(\.deadline).min() } }

    public func sleep(until deadline: Timestamp) async throws {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (resumeNow, watchers) = state.withLock { state -> (Bool, [CheckedContinuation<Timestamp, Never>]) in
                    if Task.isCancelled { return (true, []) }
                    if deadline <= state.now { return (true, []) }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    defer { state.sleepWatchers = [] }
                    return (false, state.sleepWatchers)
                }
                if resumeNow {
                    if Task.isCancelled { continuation.resume(throwing: CancellationError()) } else { continuation.resume() }
                }
                for watcher in watchers { watcher.resume(returning: deadline) }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Waits until some task starts sleeping on the clock and returns its deadline
    /// (at once if one already sleeps).
    public func nextSleep() async -> Timestamp {
        await withCheckedContinuation { (continuation: CheckedContinuation<Timestamp, Never>) in
            let existing = state.withLock { state -> Timestamp? in
                if let deadline = state.sleepers.map(\.deadline).min() { return deadline }
                state.sleepWatchers.append(continuation)
                return nil
            }
            if let existing { continuation.resume(returning: existing) }
        }
    }

    /// Moves time forward by `duration` and wakes the sleepers whose deadline passed.
    public func advance(by duration: Duration) {
        let target = now + duration
        advance(to: target)
    }

    /// Moves time to `instant` (never backwards) and wakes the sleepers whose deadline passed.
    public func advance(to instant: Timestamp) {
        let woken = state.withLock { state -> [Sleeper] in
            state.now = max(state.now, instant)
            let now = state.now
            let woken = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return woken
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }
}
