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
