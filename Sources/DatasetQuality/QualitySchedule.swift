public import CAPIModel
public import Delivery

/// When each pixel's next Dataset Quality request is due: a value the monitor consults, with
/// no clock or I/O of its own.
///
/// A pixel is due one ``interval`` after its latest snapshot. After a failure it waits
/// ``initialBackoff`` doubled per consecutive failure, at most ``interval``, from half to all
/// of that ("equal jitter", so instances that failed together do not retry together and a
/// throttled pixel never retries at once); a refusal that retrying cannot fix (a bad token, a
/// missing permission, an unknown dataset) waits a whole interval.
public struct QualitySchedule: Sendable, Hashable {
    /// The time between two snapshots of a pixel.
    public var interval: Duration
    /// The wait after the first failure.
    public var initialBackoff: Duration
    /// The longest `estimated_time_to_regain_access` honoured, as the delivery worker's default.
    static let longestWaitMetaMayAskFor: Duration = .seconds(24 * 3_600)
    private var due: [PixelID: Timestamp] = [:]
    private var failures: [PixelID: Int] = [:]

    /// Creates an empty schedule.
    public init(interval: Duration, initialBackoff: Duration) {
        self.interval = interval
        self.initialBackoff = initialBackoff
    }

    /// The pixel due first and when (the smallest pixel id among equals), or `nil` when no
    /// pixel is scheduled.
    public var next: (pixel: PixelID, due: Timestamp)? {
        due.min { ($0.value, $0.key.rawValue) < ($1.value, $1.key.rawValue) }.map { ($0.key, $0.value) }
    }

    /// Schedules `pixel` from its latest stored snapshot: due one interval after it, at once
    /// when it has none or the interval has passed.
    public mutating func start(_ pixel: PixelID, lastSnapshot: Timestamp?, now: Timestamp) {
        due[pixel] = lastSnapshot.map { max(now, $0 + interval) } ?? now
    }

    /// A snapshot of `pixel` was taken at `now`.
    public mutating func succeeded(_ pixel: PixelID, at now: Timestamp) {
        failures[pixel] = nil
        due[pixel] = now + interval
    }

    /// A request for `pixel` failed at `now`; returns when it is due again.
    ///
    /// - Parameters:
    ///   - pixel: the pixel whose request failed.
    ///   - retryable: whether asking again can help (throttling, a server error, no answer).
    ///   - now: when it failed.
    ///   - jitter: a number in `0..<1` that places the wait between half and all of the backoff.
    ///   - regainAccessAfter: how long Meta asked to wait, when it was throttling and said; the
    ///     wait is at least that (at most a day).
    @discardableResult
    public mutating func failed(
        _ pixel: PixelID, retryable: Bool, at now: Timestamp, jitter: Double, regainAccessAfter: Duration? = nil
    ) -> Timestamp {
        guard retryable else {
            failures[pixel] = nil
            due[pixel] = now + interval
            return now + interval
        }
        let count = (failures[pixel] ?? 0) + 1
        failures[pixel] = count
        var policy = RetryPolicy()
        policy.initialBackoff = initialBackoff
        policy.maximumBackoff = interval
        let ceiling = policy.backoffCeiling(attempt: count)
        var wait = Duration.milliseconds(ceiling / 2 + Int64(Double(ceiling - ceiling / 2) * min(max(jitter, 0), 1)))
        if let asked = regainAccessAfter { wait = max(wait, min(asked, Self.longestWaitMetaMayAskFor)) }
        let next = now + wait
        due[pixel] = next
        return next
    }
}
