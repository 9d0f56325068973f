public import CAPIModel

/// What to do after one attempt: a pure function of the classification, the batch, the time
/// and a random source, so every rule is testable synchronously.
public struct AttemptPlan: Sendable, Hashable {
    /// What happens to each event of the batch now.
    public var events: [EventSettlement]
    /// What happens to the pixel.
    public var pixelAction: PixelAction
    /// The two halves of the batch to send at once (bisection on code 100 or on a short
    /// `events_received`); empty otherwise. See ``AttemptPlanner`` for how far it goes.
    public var resend: [[LeasedEvent]]

    public init(events: [EventSettlement], pixelAction: PixelAction = .none, resend: [[LeasedEvent]] = []) {
        self.events = events
        self.pixelAction = pixelAction
        self.resend = resend
    }
}

/// A change to a pixel's gate.
public enum PixelAction: Sendable, Hashable {
    case none
    /// Pause the pixel until the given time (throttling).
    case pause(until: Timestamp)
    /// Stop the pixel until what Meta refused is replaced: its credentials (code 190 and
    /// friends), the token's access to the pixel (code 100/33) or the Graph endpoint (code 3).
    /// ``SuspensionReason`` reads which from the error.
    case suspendForCredentials(GraphError)
}

/// The retry and classification rules of the delivery engine.
///
/// ## Bisection and its bound
///
/// A batch of n > 1 events that Meta refuses with code 100 (invalid parameter), or accepts
/// with an `events_received` below n, is split into two halves and both are sent at once
/// (``AttemptPlan/resend``): the answer does not say which event is at fault.
///
/// When both halves fail with the same request-level answer (``failsAsOne(_:first:second:)``:
/// code 100 with the same code and subcode and no per-event detail, or both short in a way
/// that single events do not explain), the answer belongs to the request, not to an event, so
/// splitting stops and the batch is settled as one (``planAsOne(_:batch:now:using:)``).
/// Otherwise each failing half is split again.
///
/// Requests per batch of n events per round (one lease of the batch, before its retry delay):
/// - a request-level failure: at most **3** (the batch and its two halves), whatever n; a
///   persistent shortfall therefore costs 3 requests per round, not a bisection tree;
/// - k events at fault: about 2·k·⌈log₂ n⌉ + 1;
/// - never more than **2n − 1** (a full binary tree, when every event is at fault).
///
/// Code 100 with subcode 33 and code 3 are never bisected: they say the destination is wrong
/// (``Classification/destinationRejected(_:)``), and cost one request before the pixel is
/// suspended.
public struct AttemptPlanner: Sendable {
    public var retryPolicy: RetryPolicy
    public var ageLimits: EventAgeLimits

    public init(retryPolicy: RetryPolicy = RetryPolicy(), ageLimits: EventAgeLimits = EventAgeLimits()) {
        self.retryPolicy = retryPolicy
        self.ageLimits = ageLimits
    }

    /// The oldest `event_time` Meta accepts at `now` for `actionSource`.
    public func oldestAcceptedTime(for actionSource: ActionSource, now: Timestamp) -> Timestamp {
        now - (actionSource == .physicalStore ? ageLimits.physicalStore : ageLimits.standard)
    }

    /// True when Meta would refuse the event as too old at `now`.
    ///
    /// `eventTime` counts from the start of its second, the precision Meta reads `event_time` in.
    public func isExpired(eventTime: Timestamp, actionSource: ActionSource, now: Timestamp) -> Bool {
        eventTime.wholeSeconds < oldestAcceptedTime(for: actionSource, now: now)
    }

    /// Splits a leased batch into events still worth sending and expired ones (parked).
    public func partitionExpired(_ batch: [LeasedEvent], now: Timestamp) -> (send: [LeasedEvent], expired: [EventSettlement]) {
        var send: [LeasedEvent] = []
        var expired: [EventSettlement] = []
        send.reserveCapacity(batch.count)
        for event in batch {
            if isExpired(eventTime: event.eventTime, actionSource: event.actionSource, now: now) {
                expired.append(.init(event, disposition: .park(Self.expiredReason(event.actionSource))))
            } else {
                send.append(event)
            }
        }
        return (send, expired)
    }

    /// Splits a leased batch into events whose stored JSON is one well-formed JSON object and
    /// unreadable ones (parked as ``ParkReason/Code/unreadable``): a damaged row must not make
    /// Meta refuse the requests of the events stored beside it.
    public func partitionUnreadable(_ batch: [LeasedEvent]) -> (send: [LeasedEvent], unreadable: [EventSettlement]) {
        var send: [LeasedEvent] = []
        var unreadable: [EventSettlement] = []
        send.reserveCapacity(batch.count)
        for event in batch {
            if JSONSyntax.isObject(event.json) {
                send.append(event)
            } else {
                unreadable.append(.init(event, disposition: .park(Self.unreadableReason)))
            }
        }
        return (send, unreadable)
    }

    static let unreadableReason = ParkReason(
        code: .unreadable,
        message: "the stored event is not a well-formed JSON object (a damaged row or a write from an incompatible "
            + "version); it was not sent. Inspect the row; enqueue the event again under a new key if it should be sent")

    /// The failure text for a 200 whose `events_received` is below the number sent.
    static func unacknowledgedReason(received: Int, sent: Int) -> String {
        "HTTP 200 but Meta acknowledged \(received) of \(sent) events (events_received)"
    }

    static func expiredReason(_ actionSource: ActionSource) -> ParkReason {
        let days = actionSource == .physicalStore ? 62 : 7
        return ParkReason(
            code: .expired,
            message: "event_time is more than \(days) days old, so Meta would refuse it; it cannot be replayed as is "
                + "(send a new event only if the conversion may still be reported)")
    }

    /// Plans the consequences of `classification` for `batch` at `now`.
    public func plan(
        _ classification: Classification, batch: [LeasedEvent], now: Timestamp,
        using random: inout some RandomNumberGenerator
    ) -> AttemptPlan {
        switch classification {
        case .delivered(let success):
            if success.eventsReceived >= batch.count {
                return AttemptPlan(events: batch.map { .init($0, disposition: .delivered) })
            }
            // HTTP 200, but Meta acknowledged fewer events than the request carried, and it does
            // not say which. None counts as delivered: halves are resent at once (each half's
            // answer settles it), and a single unacknowledged event is retried against the budget.
            // Resending what Meta did keep is safe: it deduplicates on event_id.
            if batch.count > 1 {
                let middle = batch.count / 2
                return AttemptPlan(events: [], resend: [Array(batch[..<middle]), Array(batch[middle...])])
            }
            return retryOrPark(
                batch, now: now, reason: Self.unacknowledgedReason(received: success.eventsReceived, sent: batch.count),
                error: nil, using: &random)

        case .transient(let reason, let error):
            return retryOrPark(batch, now: now, reason: reason, error: error, using: &random)

        case .unexpected(let error):
            return retryOrPark(batch, now: now, reason: "Graph error \(error.code)", error: error, using: &random)

        case .redirected(let status):
            return retryOrPark(
                batch, now: now,
                reason: "HTTP \(status): a redirect, not followed; the Graph API never redirects, so check the base URL",
                error: nil, using: &random)

        case .throttled(let regain, _):
            var pause = regain ?? retryPolicy.defaultThrottlePause
            pause = min(max(pause, .zero), retryPolicy.maximumThrottlePause)
            let until = now + pause
            return AttemptPlan(
                events: batch.map { .init($0, disposition: .release(at: until)) },
                pixelAction: .pause(until: until))

        case .credentialsRejected(let error), .destinationRejected(let error):
            // Nothing is wrong with the events: put them back untouched and stop the pixel.
            return AttemptPlan(
                events: batch.map { .init($0, disposition: .release(at: now)) },
                pixelAction: .suspendForCredentials(error))

        case .invalidParameter(let error):
            if batch.count > 1 {
                let middle = batch.count / 2
                return AttemptPlan(events: [], resend: [Array(batch[..<middle]), Array(batch[middle...])])
            }
            return park(
                batch, now: now,
                ParkReason(
                    code: .rejected, message: "Meta rejected this event (invalid parameter): \(error.message)",
                    graphCode: error.code, graphSubcode: error.errorSubcode))
        }
    }

    /// What a failed answer says about the batch it came for, to compare the two halves of a
    /// split; `nil` when the answer does not split a batch or points at an event.
    public enum SplitCause: Hashable, Sendable {
        /// Code 100 with no per-event detail: only its code and subcode.
        case invalidParameter(code: Int, subcode: Int?)
        /// HTTP 200 with `events_received` `missing` below the `sent` events.
        case unacknowledged(missing: Int, sent: Int)
    }

    /// True when the two halves of a batch that failed with `parent` both failed with the same
    /// request-level answer, so the failure is the request's and the batch is settled as one.
    ///
    /// Code 100: the same code and subcode, neither naming an event. Short answers: both
    /// halves short, unless single events explain it: Meta dropping particular events misses
    /// in the halves exactly what it missed in the whole, and acknowledges the others in at
    /// least one half; then splitting goes on to find them. A request that loses some events
    /// whatever it carries, or halves that are acknowledged not at all, stop here.
    public static func failsAsOne(_ parent: SplitCause?, first: SplitCause?, second: SplitCause?) -> Bool {
        switch (first, second) {
        case (.invalidParameter(let code, let subcode)?, .invalidParameter(let otherCode, let otherSubcode)?):
            return code == otherCode && subcode == otherSubcode
        case (.unacknowledged(let firstMissing, let firstSent)?, .unacknowledged(let secondMissing, let secondSent)?):
            if case .unacknowledged(let missing, _)? = parent, firstMissing + secondMissing == missing,
                firstMissing < firstSent || secondMissing < secondSent
            {
                return false
            }
            return true
        default:
            return false
        }
    }

    /// The ``SplitCause`` of `classification` for a request of `eventCount` events.
    ///
    /// A code 100 that carries `error_user_title`, `error_user_msg` or `error_data` may name
    /// one event (Meta's per-event answers do), so it has no request-level cause: the halves
    /// keep being split until the event is found.
    public static func splitCause(of classification: Classification, eventCount: Int) -> SplitCause? {
        switch classification {
        case .invalidParameter(let error):
            guard error.errorUserTitle == nil, error.errorUserMessage == nil, error.errorData == nil else { return nil }
            return .invalidParameter(code: error.code, subcode: error.errorSubcode)
        case .delivered(let success):
            return success.eventsReceived < eventCount
                ? .unacknowledged(missing: eventCount - max(0, success.eventsReceived), sent: eventCount) : nil
        default:
            return nil
        }
    }

    /// Plans `batch` as one after both of its halves failed with the same request-level answer
    /// (`classification`, the answer to the second half): no further split. Code 100 parks
    /// every event as rejected (it is replayable once the request is fixed); a shortfall
    /// retries the whole batch against the budget, with one delay.
    public func planAsOne(
        _ classification: Classification, batch: [LeasedEvent], now: Timestamp,
        using random: inout some RandomNumberGenerator
    ) -> AttemptPlan {
        switch classification {
        case .invalidParameter(let error):
            return park(
                batch, now: now,
                ParkReason(
                    code: .rejected,
                    message: "Meta rejected the request as a whole (invalid parameter): both halves of a batch of "
                        + "\(batch.count) events got the same answer, which names no event: \(error.message). Check what "
                        + "every request carries (test_event_code, partner_agent, the destination), then replay",
                    graphCode: error.code, graphSubcode: error.errorSubcode))
        case .delivered:
            return retryOrPark(
                batch, now: now,
                reason: "HTTP 200 but Meta acknowledged fewer events than sent (events_received) in both halves of a "
                    + "batch of \(batch.count)",
                error: nil, using: &random)
        default:
            return plan(classification, batch: batch, now: now, using: &random)
        }
    }

    /// Parks every event of `batch` for `reason`, or as expired when it is.
    private func park(_ batch: [LeasedEvent], now: Timestamp, _ reason: ParkReason) -> AttemptPlan {
        AttemptPlan(
            events: batch.map { event in
                if isExpired(eventTime: event.eventTime, actionSource: event.actionSource, now: now) {
                    return .init(event, disposition: .park(Self.expiredReason(event.actionSource)))
                }
                return .init(event, disposition: .park(reason))
            })
    }

    private func retryOrPark(
        _ batch: [LeasedEvent], now: Timestamp, reason: String, error: GraphError?,
        using random: inout some RandomNumberGenerator
    ) -> AttemptPlan {
        // One delay for the whole batch keeps its events together for the next request.
        let attempt = (batch.map(\.attempts).max() ?? 0) + 1
        let due = now + retryPolicy.backoff(attempt: attempt, using: &random)
        return AttemptPlan(
            events: batch.map { event in
                if event.attempts + 1 >= retryPolicy.maximumAttempts {
                    return .init(
                        event,
                        disposition: .park(
                            ParkReason(
                                code: .retriesExhausted,
                                message: "gave up after \(event.attempts + 1) attempts; last failure: \(reason)",
                                graphCode: error?.code, graphSubcode: error?.errorSubcode)))
                }
                return .init(event, disposition: .retry(at: due))
            })
    }
}
