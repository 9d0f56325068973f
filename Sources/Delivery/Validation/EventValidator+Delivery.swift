public import CAPIModel
public import Matching

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
