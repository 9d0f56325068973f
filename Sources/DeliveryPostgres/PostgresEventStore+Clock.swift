import CAPIModel
import Delivery
import PostgresNIO
import Synchronization

/// The last comparison of an instance's clock with the database server's.
struct ClockCheck: Sendable {
    /// When it was made, on a monotonic clock (so a stepped wall clock cannot postpone the next one).
    var checkedAt: ContinuousClock.Instant?
    /// The refusal, when the clocks disagreed by more than the store tolerates.
    var refusal: DeliveryError?
}

extension PostgresEventStore {
    /// Throws `DeliveryError.Code.clockSkew` while this instance's clock is further from the
    /// database server's than ``Configuration/maximumClockSkew``.
    ///
    /// The difference is measured again once ``Configuration/clockCheckInterval`` has passed
    /// since the last measurement (or always, with `force`); in between, the last verdict
    /// stands. Operations whose outcome depends on comparing instants across instances call
    /// this first: leasing (lease ends and due times) and reading or changing pixel holds
    /// (pause ends).
    func checkClock(force: Bool = false) async throws {
        let interval = configuration.clockCheckInterval
        let measure = clockCheck.withLock { check -> Bool in
            let now = ContinuousClock.now
            if !force, let last = check.checkedAt, last.duration(to: now) < interval { return false }
            // Claimed before measuring: concurrent callers keep the last verdict meanwhile.
            check.checkedAt = now
            return true
        }
        if measure {
            do {
                let offset = try await measureClockOffset()
                let refusal =
                    offset.exceeds(configuration.maximumClockSkew)
                    ? offset.refusal(maximum: configuration.maximumClockSkew) : nil
                let previous = clockCheck.withLock { check in
                    defer { check.refusal = refusal }
                    return check.refusal
                }
                if let refusal, previous == nil {
                    logger.error(
                        "this instance's clock disagrees with the PostgreSQL server's; leasing is refused",
                        metadata: [
                            "capi.postgres.clock_offset_ms": "\(offset.offsetMilliseconds)", DeliveryLogKey.error: "\(refusal)",
                        ])
                } else if refusal == nil, previous != nil {
                    logger.notice(
                        "this instance's clock agrees with the PostgreSQL server's again; leasing resumes",
                        metadata: ["capi.postgres.clock_offset_ms": "\(offset.offsetMilliseconds)"])
                }
            } catch {
                // Unmeasured: try again on the next call rather than after a whole interval.
                clockCheck.withLock { $0.checkedAt = nil }
                throw error
            }
        }
        if let refusal = clockCheck.withLock({ $0.refusal }) { throw refusal }
    }

    /// ``checkClock(force:)`` once ``run()`` has started the store (which measured the clocks
    /// first).
    func checkClockAfterStartup() async throws {
        try await awaitStartup()
        try await checkClock()
    }

    /// One round trip reading the server's `clock_timestamp()` (the time at the moment it is
    /// evaluated, not the transaction's start), between two readings of this instance's clock.
    private func measureClockOffset() async throws -> ClockOffset {
        try await withConnectionErrors("comparing this instance's clock with the server's") {
            let clock = configuration.clock
            let sentAt = clock.now
            var server: Int64 = 0
            for try await value in try await client.query(
                "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint", logger: logger
            ).decode(Int64.self) {
                server = value
            }
            return ClockOffset(sentAt: sentAt, serverTime: Timestamp(milliseconds: server), receivedAt: clock.now)
        }
    }
}
