#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// An instant in whole milliseconds since the Unix epoch (UTC): the one time type of the
/// public API.
///
/// Event times, click landing times, the delivery clock, due times and receipts are all
/// `Timestamp`s, so no caller has to remember which unit a raw integer is in.
///
/// `Codable` encodes the milliseconds as a JSON integer (stores and receipts persist that).
/// The Graph API fields Meta reads in *seconds* (`event_time`, `attribution_data.visit_time`,
/// `touchpoint_ts`, `original_event_data.event_time`) do not use this encoding: their types
/// write ``seconds`` explicitly, because Meta reads a millisecond value there as a time far in
/// the future.
public struct Timestamp: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var milliseconds: Int64

    /// Creates an instant from milliseconds since the epoch.
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// Creates the instant at the start of the Unix second `seconds` (saturating at the last
    /// whole second `Int64` milliseconds can hold, about 292 million years either side of 1970).
    public init(seconds: Int64) {
        let bound = Int64.max / 1_000
        self.milliseconds = min(max(seconds, -bound), bound) * 1_000
    }

    /// Creates an instant from a `Date`, rounded down to a whole millisecond.
    public init(_ date: Date) {
        let interval = date.timeIntervalSince1970
        guard interval.isFinite else {
            self.milliseconds = interval < 0 ? .min : .max
            return
        }
        let scaled = (interval * 1_000).rounded(.down)
        guard scaled > -9.2e18, scaled < 9.2e18 else {
            self.milliseconds = scaled < 0 ? .min : .max
            return
        }
        // `interval * 1_000` is inexact, and so is `Date`'s own arithmetic (it counts from
        // 2001): step to the largest millisecond whose ``date`` is not after `date`, so that
        // `Timestamp(t.date) == t`.
        var milliseconds = Int64(scaled)
        while Timestamp(milliseconds: milliseconds).date > date { milliseconds -= 1 }
        while Timestamp(milliseconds: milliseconds + 1).date <= date { milliseconds += 1 }
        self.milliseconds = milliseconds
    }

    /// The current time.
    public static var now: Timestamp { Timestamp(Date()) }

    /// Whole seconds since the epoch, rounded down (toward the past, also before 1970: -1 ms
    /// is second -1).
    ///
    /// Setting it moves the instant to the start of that second.
    public var seconds: Int64 {
        get {
            let quotient = milliseconds / 1_000
            return milliseconds % 1_000 < 0 ? quotient - 1 : quotient
        }
        set { self = Timestamp(seconds: newValue) }
    }

    /// The same instant rounded down to the start of its second: the precision of
    /// `event_time`.
    public var wholeSeconds: Timestamp { Timestamp(seconds: seconds) }

    /// The same instant as a `Date`.
    public var date: Date { Date(timeIntervalSince1970: Double(milliseconds) / 1_000) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// This instant moved by `duration` (rounded down to milliseconds, saturating).
    public func advanced(by duration: Duration) -> Timestamp {
        let (sum, overflow) = milliseconds.addingReportingOverflow(duration.wholeMilliseconds)
        return Timestamp(milliseconds: overflow ? (duration < .zero ? .min : .max) : sum)
    }

    /// The duration from this instant to `other` (negative when `other` is earlier).
    public func duration(to other: Timestamp) -> Duration {
        .milliseconds(other.milliseconds &- milliseconds)
    }

    public static func + (lhs: Timestamp, rhs: Duration) -> Timestamp { lhs.advanced(by: rhs) }
    public static func - (lhs: Timestamp, rhs: Duration) -> Timestamp { lhs.advanced(by: .zero - rhs) }

    public var description: String { "\(milliseconds)ms" }

    public init(from decoder: any Decoder) throws {
        self.milliseconds = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(milliseconds)
    }
}

extension Timestamp {
    /// The same instant (`UnixTime` is now `Timestamp`).
    @available(*, deprecated, message: "UnixTime is now Timestamp: use the value itself, or wholeSeconds")
    @_disfavoredOverload
    public init(_ time: Timestamp) { self = time }

    /// The whole Unix second this instant falls in.
    @available(*, deprecated, renamed: "wholeSeconds")
    public var unixTime: Timestamp { wholeSeconds }
}

extension KeyedDecodingContainer {
    /// Decodes a Graph API time field sent as an integer of Unix seconds (`event_time`, ...).
    package func decodeSeconds(forKey key: Key) throws -> Timestamp {
        Timestamp(seconds: try decode(Int64.self, forKey: key))
    }

    /// Decodes an optional Graph API time field sent as an integer of Unix seconds.
    package func decodeSecondsIfPresent(forKey key: Key) throws -> Timestamp? {
        try decodeIfPresent(Int64.self, forKey: key).map(Timestamp.init(seconds:))
    }
}

extension KeyedEncodingContainer {
    /// Encodes a Graph API time field as an integer of Unix seconds (rounded down).
    package mutating func encodeSeconds(_ time: Timestamp, forKey key: Key) throws {
        try encode(time.seconds, forKey: key)
    }

    /// Encodes an optional Graph API time field as an integer of Unix seconds, or nothing.
    package mutating func encodeSecondsIfPresent(_ time: Timestamp?, forKey key: Key) throws {
        try encodeIfPresent(time?.seconds, forKey: key)
    }
}

extension Duration {
    /// The duration in whole milliseconds, rounded down, saturating at `Int64` bounds.
    package var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (ms, overflow) = seconds.multipliedReportingOverflow(by: 1_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = ms.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        return overflow2 ? (seconds < 0 ? .min : .max) : sum
    }
}
