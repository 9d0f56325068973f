#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A point in time as whole Unix seconds (UTC), the unit of `event_time`.
///
/// Encodes as a JSON integer. Meta reads a millisecond value as a time far in the future,
/// so the unit is part of the type rather than a convention.
public struct UnixTime: Hashable, Sendable, Comparable, Codable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var seconds: Int64

    /// Creates a time from whole seconds since the epoch.
    public init(seconds: Int64) {
        self.seconds = seconds
    }

    /// Creates a time from a `Date`, dropping any fraction of a second.
    public init(_ date: Date) {
        self.seconds = Int64(date.timeIntervalSince1970.rounded(.down))
    }

    /// The current time.
    public static var now: UnixTime { UnixTime(Date()) }

    /// The same time as a `Date`.
    public var date: Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }

    public static func < (lhs: UnixTime, rhs: UnixTime) -> Bool { lhs.seconds < rhs.seconds }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.seconds = try container.decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(seconds)
    }
}
