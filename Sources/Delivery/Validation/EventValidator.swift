public import CAPIModel
public import Matching

/// One reason an event in a submitted batch cannot be sent: the problem `EventValidator`
/// found, and where the event is in the batch.
public struct EventValidationIssue: Hashable, Sendable, CustomStringConvertible {
    /// The event's index in the batch that was submitted.
    public var index: Int
    /// The event's `event_id`, when it had one (not personal data), clipped to its first 64
    /// characters when longer than 128 bytes so a hostile id cannot blow up error messages.
    public var eventID: String?
    /// The problem: field, code, message and Meta's subcode where one is known.
    public var problem: EventValidationError

    public init(index: Int, eventID: String?, problem: EventValidationError) {
        self.index = index
        self.eventID = eventID.map(Self.clipped)
        self.problem = problem
    }

    /// The rule that failed.
    public var rule: EventValidationError.Code { problem.code }
    /// What is wrong and how to fix it.
    public var message: String { problem.message }

    public var description: String {
        "event[\(index)]" + (eventID.map { " (event_id \($0))" } ?? "") + ": \(problem)"
    }

    /// `text` when short, else its first 64 scalars and an ellipsis.
    static func clipped(_ text: String) -> String {
        guard text.utf8.count > 128 else { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.prefix(64))
        return String(scalars) + "…"
    }
}

extension EventValidator {
    /// The checks the queue makes before storing an event and again before replaying one:
    /// every rule of ``EventValidator`` with the queue's age and size limits, and `event_id`
    /// required, since retries rely on it for dedup.
    public static func forDelivery(
        _ ageLimits: EventAgeLimits = EventAgeLimits(), limits: EventValidator.Limits = EventValidator.Limits()
    ) -> EventValidator {
        var validator = EventValidator()
        validator.requiresEventID = true
        validator.standardAgeLimit = ageLimits.standard.components.seconds
        validator.physicalStoreAgeLimit = ageLimits.physicalStore.components.seconds
        validator.maximumFutureSkew = ageLimits.futureTolerance.components.seconds
        validator.limits = limits
        return validator
    }

    /// The problems of `event` at `now`, as issues of the batch position `index`.
    public func issues(of event: ServerEvent, index: Int, now: Timestamp) -> [EventValidationIssue] {
        problems(in: event, now: now).map {
            EventValidationIssue(index: index, eventID: event.eventID, problem: $0)
        }
    }
}
