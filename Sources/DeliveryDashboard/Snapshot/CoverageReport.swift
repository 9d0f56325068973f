public import CAPIModel

/// Coverage counters laid out for display: per event type, the share of events carrying each key
/// and why values were rejected.
///
/// This is the view that answers "which identifier went missing?" when match quality dips:
///
/// ```
/// Purchase · 4 events
///   em                  ████████████████████  100%  4/4
///   fbc                 ██████████░░░░░░░░░░   50%  2/4   rejected: malformed ×1
/// ```
public struct CoverageReport: Hashable, Sendable {
    /// One key of one event type.
    public struct Row: Hashable, Sendable {
        public var key: UserDataKey
        /// Events that carried the key.
        public var carried: Int
        /// Events of the type.
        public var events: Int
        /// Rejected values by reason code, most frequent first.
        public var rejections: [Rejection]

        public init(key: UserDataKey, carried: Int, events: Int, rejections: [Rejection] = []) {
            self.key = key
            self.carried = carried
            self.events = events
            self.rejections = rejections
        }

        /// `carried / events`, 0 when there are no events.
        public var share: Double { events == 0 ? 0 : Double(carried) / Double(events) }
    }

    /// Values of a key dropped for one reason.
    public struct Rejection: Hashable, Sendable {
        /// The reason code (`invalid_phone`, `withheld_by_consent`, ...).
        public var reason: String
        public var count: Int

        public init(reason: String, count: Int) {
            self.reason = reason
            self.count = count
        }
    }

    /// One event type.
    public struct Section: Hashable, Sendable {
        public var eventName: EventName
        public var events: Int
        public var rows: [Row]

        public init(eventName: EventName, events: Int, rows: [Row]) {
            self.eventName = eventName
            self.events = events
            self.rows = rows
        }
    }

    /// The keys every section shows even when no event carried them, because Meta matches on
    /// them and their absence is the news: email, phone, external_id, IP address, user agent,
    /// fbc and fbp, the keys that carry most of Event Match Quality for website events.
    public static let essentialKeys: [UserDataKey] = [
        .email, .phone, .externalID, .clientIPAddress, .clientUserAgent, .fbc, .fbp,
    ]

    public var sections: [Section]

    /// Lays out `coverage`: event types sorted by name; in each, the essential keys plus every
    /// key that any event type carried or rejected, in `user_data` order.
    public init(_ coverage: MatchKeyCoverage) {
        var shown = Set(Self.essentialKeys)
        for name in coverage.eventNames {
            let counters = coverage[name]
            for key in UserDataKey.allCases where counters.count(of: key) > 0 || counters.rejectionCount(of: key) > 0 {
                shown.insert(key)
            }
        }
        let keys = UserDataKey.allCases.filter(shown.contains)
        sections = coverage.eventNames.map { name in
            let counters = coverage[name]
            return Section(
                eventName: name, events: counters.events,
                rows: keys.map { key in
                    Row(
                        key: key, carried: counters.count(of: key), events: counters.events,
                        rejections: (counters.rejections[key] ?? [:])
                            .map { Rejection(reason: $0.key, count: $0.value) }
                            .sorted { ($0.count, $1.reason) > ($1.count, $0.reason) })
                })
        }
    }
}
