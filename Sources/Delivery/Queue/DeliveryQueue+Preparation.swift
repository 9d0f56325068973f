import CAPIModel
import Matching

/// Validation and encoding of a batch, shared by ``DeliveryQueue/prepare(_:pixel:)``,
/// ``DeliveryQueue/prepareEach(_:pixel:)`` and the enqueue methods.
///
/// Tuned for batches of thousands of events: each event is read in place (`borrowing`, from
/// the array's buffer) rather than copied out. There is no separate plain version: the loop
/// is the plain version with the copy left out, and the queue tests run through it.
extension DeliveryQueue {
    /// Every event checked and encoded: those ready to store, in order, and the issues of the
    /// rest (each with the event's position in `events`).
    func prepareEvents(
        _ events: [ServerEvent], pixel: PixelID, now: Timestamp
    ) throws
        -> ([PendingEvent], [EventValidationIssue])
    {
        try checkKnown(pixel)
        let validator = EventValidator.forDelivery(configuration.ageLimits, limits: configuration.validationLimits)
        let encoder = configuration.encoder
        var issues: [EventValidationIssue] = []
        var pending: [PendingEvent] = []
        pending.reserveCapacity(events.count)
        // Each event is read in place: a ServerEvent is about 1 KiB, and copying it out of the
        // array (with its retains) took a tenth of the preparation time.
        try events.withUnsafeBufferPointer { events in
            for index in events.indices {
                switch try prepare(events[index], index: index, pixel: pixel, validator: validator, encoder: encoder, now: now) {
                case .ready(let event): pending.append(event)
                case .invalid(let found): issues += found
                }
            }
        }
        return (pending, issues)
    }

    private enum Prepared {
        case ready(PendingEvent)
        case invalid([EventValidationIssue])
    }

    /// Validates and encodes one event: its issues when it breaks a rule or encodes to more
    /// than the configured limit.
    private func prepare(
        _ event: borrowing ServerEvent, index: Int, pixel: PixelID, validator: EventValidator,
        encoder: any ServerEventEncoder, now: Timestamp
    ) throws -> Prepared {
        let found = validator.issues(of: event, index: index, now: now)
        guard found.isEmpty else { return .invalid(found) }
        let json: String
        do {
            json = try encoder.encode(event)
        } catch {
            throw DeliveryError(code: .encodingFailed, message: "event[\(index)] could not be encoded as JSON", underlying: error)
        }
        guard json.utf8.count <= configuration.maximumEncodedEventBytes else {
            return .invalid([
                EventValidationIssue(
                    index: index, eventID: event.eventID,
                    problem: EventValidationError(
                        field: "event", code: .eventTooLarge,
                        message: "encodes to \(json.utf8.count) bytes; the limit is "
                            + "\(configuration.maximumEncodedEventBytes) (is a value far longer than any real one?)"))
            ])
        }
        return .ready(
            PendingEvent(
                key: EventKey(pixelID: pixel, eventName: event.eventName, eventID: event.eventID ?? ""),
                eventTime: event.eventTime, actionSource: event.actionSource, json: json,
                matchKeys: UserDataKeySet(event.userData)))
    }
}
