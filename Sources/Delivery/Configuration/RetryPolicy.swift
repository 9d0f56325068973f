import CAPIModel
/// How the engine retries, pauses and gives up.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts (counted ones) after which an event is parked as `retries_exhausted`.
    /// Throttling, credential problems and bisection do not count.
    public var maximumAttempts: Int = 12
    /// The backoff ceiling of the first retry.
    public var initialBackoff: Duration = .seconds(2)
    /// The largest backoff ceiling.
    public var maximumBackoff: Duration = .seconds(30 * 60)
    /// How long a pixel pauses on throttling when Meta does not say
    /// (no `estimated_time_to_regain_access`).
    public var defaultThrottlePause: Duration = .seconds(60)
    /// The longest pause honoured from `estimated_time_to_regain_access`.
    public var maximumThrottlePause: Duration = .seconds(24 * 3600)

    public init() {}

    /// The backoff before retry number `attempt` (1 for the first retry): "full jitter".
    ///
    /// The ceiling is `initialBackoff * 2^(attempt-1)`, capped at `maximumBackoff`; the
    /// delay is uniform in `0...ceiling`, which spreads retries of many clients best
    /// (AWS Architecture Blog, "Exponential Backoff and Jitter"). The doubling is computed
    /// in milliseconds with overflow checks, so any `attempt` is safe.
    public func backoff(attempt: Int, using random: inout some RandomNumberGenerator) -> Duration {
        let ceiling = backoffCeiling(attempt: attempt)
        guard ceiling > 0 else { return .zero }
        return .milliseconds(Int64.random(in: 0...ceiling, using: &random))
    }

    /// The jitter ceiling in milliseconds for retry number `attempt`.
    public func backoffCeiling(attempt: Int) -> Int64 {
        let base = max(0, initialBackoff.wholeMilliseconds)
        let cap = max(0, maximumBackoff.wholeMilliseconds)
        let shift = max(0, attempt - 1)
        guard shift < 62 else { return cap }
        let (scaled, overflow) = base.multipliedReportingOverflow(by: Int64(1) << Int64(shift))
        return overflow ? cap : min(scaled, cap)
    }
}

/// How old an event may be when it is sent: Meta refuses an `event_time` more than 7 days in
/// the past, 62 days for `action_source` `physical_store`
/// (https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/server-event).
public struct EventAgeLimits: Sendable, Hashable {
    /// The limit for most events: 7 days.
    public var standard: Duration = .seconds(7 * 86_400)
    /// The limit for `physical_store` events: 62 days.
    public var physicalStore: Duration = .seconds(62 * 86_400)
    /// How far in the future `event_time` may be (clock skew). Meta's own tolerance is not
    /// documented; 10 minutes is a conservative choice.
    public var futureTolerance: Duration = .seconds(600)

    public init() {}
}
