public import CAPIModel

/// The row form in which stores keep `MatchKeyCoverage`: per pixel and event name, named
/// counters with an integer value, so that adding coverage is an upsert that sums values.
///
/// Counter names: `events` (events counted), `key:<user_data key>` (events carrying the key)
/// and `rejected:<user_data key>:<reason>` (values rejected, per reason). Every store writes
/// and reads these names, so a database moved between stores keeps its coverage.
public enum StoredCoverage {
    /// One counter of one event name.
    public struct Row: Hashable, Sendable {
        public var eventName: EventName
        public var counter: String
        public var value: Int64

        public init(eventName: EventName, counter: String, value: Int64) {
            self.eventName = eventName
            self.counter = counter
            self.value = value
        }
    }

    /// The counter of events counted.
    public static let eventsCounter = "events"

    /// The counter of events carrying `key`.
    public static func keyCounter(_ key: UserDataKey) -> String { "key:" + key.rawValue }

    /// The counter of `key` values rejected for `reason`.
    public static func rejectionCounter(_ key: UserDataKey, reason: String) -> String {
        "rejected:\(key.rawValue):\(reason)"
    }

    /// The non-zero counters of `coverage`.
    public static func rows(of coverage: MatchKeyCoverage) -> [Row] {
        var rows: [Row] = []
        for name in coverage.eventNames {
            let counters = coverage[name]
            func add(_ counter: String, _ value: Int) {
                if value != 0 { rows.append(Row(eventName: name, counter: counter, value: Int64(value))) }
            }
            add(eventsCounter, counters.events)
            for key in UserDataKey.allCases { add(keyCounter(key), counters.count(of: key)) }
            for (key, reasons) in counters.rejections {
                for (reason, count) in reasons { add(rejectionCounter(key, reason: reason), count) }
            }
        }
        return rows
    }

    /// Rebuilds `MatchKeyCoverage` from stored counters, in any order; unknown counter
    /// names (written by a newer version) are skipped.
    public struct Reader: Sendable {
        private var byName: [String: MatchKeyCoverage.Counters] = [:]

        public init() {}

        /// Adds one stored counter (summing counters that appear more than once).
        public mutating func add(eventName: String, counter: String, value: Int64) {
            var counters = byName[eventName] ?? MatchKeyCoverage.Counters()
            let parts = counter.split(separator: ":", maxSplits: 2).map(String.init)
            switch parts.first {
            case StoredCoverage.eventsCounter: counters.events += Int(value)
            case "key" where parts.count == 2:
                if let key = UserDataKey(rawValue: parts[1]) { counters.keyCounts[key.index] += Int(value) }
            case "rejected" where parts.count == 3:
                if let key = UserDataKey(rawValue: parts[1]) {
                    counters.rejections[key, default: [:]][parts[2], default: 0] += Int(value)
                }
            default: break
            }
            byName[eventName] = counters
        }

        /// The coverage read so far.
        public var coverage: MatchKeyCoverage {
            var coverage = MatchKeyCoverage()
            for (name, counters) in byName { coverage.add(counters, for: EventName(name)) }
            return coverage
        }
    }
}
