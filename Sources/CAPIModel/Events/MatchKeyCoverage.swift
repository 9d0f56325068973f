/// Per-event-name counts of which `user_data` keys events carried and why keys were rejected.
///
/// This is what tells an operator which identifier went missing when match quality dips:
/// "Purchase: em 98%, ph 41%, fbc 12% (fbc: 310 cookies malformed)". Counters are plain
/// integers in a fixed table per event name, so recording an event costs a few additions,
/// and two sets merge by adding (across workers, processes or days).
public struct MatchKeyCoverage: Hashable, Sendable, Codable {
    /// The counters of one event name.
    public struct Counters: Hashable, Sendable, Codable {
        /// How many events were recorded.
        public var events: Int = 0
        /// How many of them carried each key, indexed by ``UserDataKey/index``.
        public var keyCounts: [Int] = Array(repeating: 0, count: UserDataKey.allCases.count)
        /// Rejected values per key and reason code.
        public var rejections: [UserDataKey: [String: Int]] = [:]

        public init() {}

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            events = try container.decode(Int.self, forKey: .events)
            let counts = try container.decode([Int].self, forKey: .keyCounts)
            if counts.count == Self.keysBeforeDerivedKeys.count {
                // Written before f5first, fi, f5last, dobd, dobm and doby were added among the
                // keys: put each count back under its key.
                keyCounts = Array(repeating: 0, count: UserDataKey.allCases.count)
                for (position, key) in Self.keysBeforeDerivedKeys.enumerated() { keyCounts[key.index] = counts[position] }
            } else {
                keyCounts = counts
                // Short lists (from a version with fewer keys) count 0 for the keys they lack
                // instead of being read out of bounds.
                let missing = UserDataKey.allCases.count - keyCounts.count
                if missing > 0 { keyCounts += repeatElement(0, count: missing) }
            }
            rejections = try container.decode([UserDataKey: [String: Int]].self, forKey: .rejections)
        }

        /// The order of ``keyCounts`` before the derived keys existed.
        static let keysBeforeDerivedKeys: [UserDataKey] = [
            .email, .phone, .firstName, .lastName, .gender, .dateOfBirth, .city, .state, .zipCode, .country,
            .externalID, .clientIPAddress, .clientUserAgent, .fbc, .fbp, .subscriptionID, .fbLoginID, .leadID,
            .anonID, .madid, .pageID, .pageScopedUserID, .ctwaClid, .igAccountID, .igSID,
        ]

        /// How many events carried `key`.
        public func count(of key: UserDataKey) -> Int { keyCounts[key.index] }

        /// The share of events (0 to 1) that carried `key`; 0 when no event was recorded.
        public func share(of key: UserDataKey) -> Double {
            events == 0 ? 0 : Double(keyCounts[key.index]) / Double(events)
        }

        /// How many values of `key` were rejected, over all reasons.
        public func rejectionCount(of key: UserDataKey) -> Int {
            rejections[key, default: [:]].values.reduce(0, +)
        }

        mutating func merge(_ other: Counters) {
            events += other.events
            for i in 0..<min(keyCounts.count, other.keyCounts.count) { keyCounts[i] += other.keyCounts[i] }
            for (key, reasons) in other.rejections {
                rejections[key, default: [:]].merge(reasons, uniquingKeysWith: +)
            }
        }
    }

    /// Counters per event name.
    public private(set) var byEventName: [EventName: Counters] = [:]

    /// An empty set of counters.
    public init() {}

    /// Counts one event: one more event of its name, and one more for every key it carries.
    public mutating func record(_ event: ServerEvent) {
        record(eventName: event.eventName, userData: event.userData)
    }

    /// Counts one event of `eventName` carrying `userData`.
    public mutating func record(eventName: EventName, userData: UserData) {
        var counters = byEventName.removeValue(forKey: eventName) ?? Counters()
        counters.events += 1
        for key in UserDataKey.allCases where userData.contains(key) {
            counters.keyCounts[key.index] += 1
        }
        byEventName[eventName] = counters
    }

    /// Counts one event of `eventName` that carried `keys` (each distinct key once), for
    /// callers that keep only the set of keys of an already-encoded event.
    public mutating func record(eventName: EventName, keys: some Sequence<UserDataKey>) {
        var counters = byEventName.removeValue(forKey: eventName) ?? Counters()
        counters.events += 1
        for key in Set(keys) { counters.keyCounts[key.index] += 1 }
        byEventName[eventName] = counters
    }

    /// Adds `counters` to the counters of `eventName` (for stores that persist counters
    /// one by one and rebuild the set when reading).
    public mutating func add(_ counters: Counters, for eventName: EventName) {
        byEventName[eventName, default: Counters()].merge(counters)
    }

    /// Counts a value of `key` that was rejected for `reason` (a stable, low-cardinality code
    /// such as `invalid_email`, never the value itself).
    public mutating func recordRejection(eventName: EventName, key: UserDataKey, reason: String) {
        byEventName[eventName, default: Counters()].rejections[key, default: [:]][reason, default: 0] += 1
    }

    /// Adds every counter of `other` to this set.
    public mutating func merge(_ other: MatchKeyCoverage) {
        for (name, counters) in other.byEventName {
            byEventName[name, default: Counters()].merge(counters)
        }
    }

    /// The counters of `eventName` (all zero when none was recorded).
    public subscript(eventName: EventName) -> Counters { byEventName[eventName] ?? Counters() }

    /// The recorded event names, sorted.
    public var eventNames: [EventName] { byEventName.keys.sorted { $0.rawValue < $1.rawValue } }
}
