public import CAPIModel

/// What to do after one attempt: a pure function of the classification, the batch, the time
/// and a random source, so every rule is testable synchronously.
public struct AttemptPlan: Sendable, Hashable {
    /// What happens to each event of the batch now.
    public var events: [EventSettlement]
    /// What happens to the pixel.
    public var pixelAction: PixelAction
    /// Parts of the batch to send again at once (bisection on code 100).
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
    /// Stop the pixel until its credentials are replaced.
    case suspendForCredentials(GraphError)
}

/// The retry and classification rules of the delivery engine.
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
    public func isExpired(eventTime: UnixTime, actionSource: ActionSource, now: Timestamp) -> Bool {
        Timestamp(eventTime) < oldestAcceptedTime(for: actionSource, now: now)
    }

    /// Splits a leased batch into events still worth sending and expired ones (parked).
    public func partitionExpired(_ batch: [LeasedEvent], now: Timestamp) -> (send: [LeasedEvent], expired: [EventSettlement]) {
        var send: [LeasedEvent] = []
        var expired: [EventSettlement] = []
        send.reserveCapacity(batch.count)
        for event in batch {
            if isExpired(eventTime: event.eventTime, actionSource: event.actionSource, now: now) {
                expired.append(.init(id: event.id, disposition: .park(Self.expiredReason(event.actionSource))))
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
                unreadable.append(.init(id: event.id, disposition: .park(Self.unreadableReason)))
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
                return AttemptPlan(events: batch.map { .init(id: $0.id, disposition: .delivered) })
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

        case .throttled(let regain, _):
            var pause = regain ?? retryPolicy.defaultThrottlePause
            pause = min(max(pause, .zero), retryPolicy.maximumThrottlePause)
            let until = now + pause
            return AttemptPlan(
                events: batch.map { .init(id: $0.id, disposition: .release(at: until)) },
                pixelAction: .pause(until: until))

        case .credentialsRejected(let error):
            // Nothing is wrong with the events: put them back untouched and stop the pixel.
            return AttemptPlan(
                events: batch.map { .init(id: $0.id, disposition: .release(at: now)) },
                pixelAction: .suspendForCredentials(error))

        case .invalidParameter(let error):
            if batch.count > 1 {
                let middle = batch.count / 2
                return AttemptPlan(events: [], resend: [Array(batch[..<middle]), Array(batch[middle...])])
            }
            return AttemptPlan(events: batch.map { event in
                if isExpired(eventTime: event.eventTime, actionSource: event.actionSource, now: now) {
                    return .init(id: event.id, disposition: .park(Self.expiredReason(event.actionSource)))
                }
                return .init(
                    id: event.id,
                    disposition: .park(
                        ParkReason(
                            code: .rejected,
                            message: "Meta rejected this event (invalid parameter): \(error.message)",
                            graphCode: error.code, graphSubcode: error.errorSubcode)))
            })
        }
    }

    private func retryOrPark(
        _ batch: [LeasedEvent], now: Timestamp, reason: String, error: GraphError?,
        using random: inout some RandomNumberGenerator
    ) -> AttemptPlan {
        // One delay for the whole batch keeps its events together for the next request.
        let attempt = (batch.map(\.attempts).max() ?? 0) + 1
        let due = now + retryPolicy.backoff(attempt: attempt, using: &random)
        return AttemptPlan(events: batch.map { event in
            if event.attempts + 1 >= retryPolicy.maximumAttempts {
                return .init(
                    id: event.id,
                    disposition: .park(
                        ParkReason(
                            code: .retriesExhausted,
                            message: "gave up after \(event.attempts + 1) attempts; last failure: \(reason)",
                            graphCode: error?.code, graphSubcode: error?.errorSubcode)))
            }
            return .init(id: event.id, disposition: .retry(at: due))
        })
    }
}
