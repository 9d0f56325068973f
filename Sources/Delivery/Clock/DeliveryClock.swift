public import CAPIModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The source of time for the delivery engine.
///
/// Production code uses ``SystemDeliveryClock``; tests inject a manual clock
/// (`ManualDeliveryClock` in `DeliveryTesting`) and move time by hand, so retry and pause
/// logic is tested without waiting.
public protocol DeliveryClock: Sendable {
    /// The current wall-clock time.
    var now: Timestamp { get }

    /// A reading of a monotonic clock, for measuring how long something has lasted (what is
    /// left of a lease): unlike ``now`` it never jumps when the wall clock is set. Only the
    /// difference between two readings means anything.
    var monotonic: Duration { get }

    /// Suspends until `deadline` (returns at once when it has passed).
    ///
    /// - Throws: `CancellationError` when the task is cancelled.
    func sleep(until deadline: Timestamp) async throws
}

/// The real clock: wall time from the system, sleeping on `ContinuousClock`.
public struct SystemDeliveryClock: DeliveryClock {
    public init() {}

    public var now: Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(milliseconds: Int64(spec.tv_sec) &* 1_000 &+ Int64(spec.tv_nsec) / 1_000_000)
    }

    public var monotonic: Duration {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return .seconds(Int64(spec.tv_sec)) + .nanoseconds(Int64(spec.tv_nsec))
    }

    public func sleep(until deadline: Timestamp) async throws {
        let remaining = now.duration(to: deadline)
        guard remaining > .zero else { return }
        try await Task.sleep(for: remaining)
    }
}
