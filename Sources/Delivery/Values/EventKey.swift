public import CAPIModel

/// The natural key of a queued event: the pixel it goes to plus Meta's dedup key
/// (`event_name` and `event_id`).
///
/// A store holds at most one event per key, so enqueueing the same event twice is harmless,
/// and every retry or replay reuses the same `event_id`, which lets Meta collapse duplicates.
public struct EventKey: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The pixel the event is delivered to.
    public var pixelID: PixelID
    /// The event's `event_name`.
    public var eventName: EventName
    /// The event's `event_id`.
    public var eventID: String

    public init(pixelID: PixelID, eventName: EventName, eventID: String) {
        self.pixelID = pixelID
        self.eventName = eventName
        self.eventID = eventID
    }

    /// `pixel/event_name/event_id`. None of the three is personal data.
    public var description: String { "\(pixelID)/\(eventName.rawValue)/\(eventID)" }
}

/// The id a store gives an event when it is appended; stable for the event's lifetime.
public struct EventRecordID: RawRepresentable, Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: Int64

    public init(rawValue: Int64) { self.rawValue = rawValue }
    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    public var description: String { String(rawValue) }

    public static func < (lhs: EventRecordID, rhs: EventRecordID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The id a store gives a recorded delivery attempt (one HTTP request).
public struct AttemptID: RawRepresentable, Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: Int64

    public init(rawValue: Int64) { self.rawValue = rawValue }
    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    public var description: String { String(rawValue) }

    public static func < (lhs: AttemptID, rhs: AttemptID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
