public import CAPIModel

extension StoredCoverage {
    /// What a store adds to its coverage counters in one transaction: per pixel, event name
    /// and counter, the sum to add. Both stores build it the same way, from the events an
    /// append stored or from a `MatchKeyCoverage` being merged, and only write it.
    ///
    /// ```swift
    /// var increments = StoredCoverage.Increments()
    /// for event in newlyStored { increments.count(event) }
    /// for (counter, value) in increments.sorted { /* upsert value + excluded.value */ }
    /// ```
    public struct Increments: Sendable {
        /// One counter row.
        public struct Counter: Hashable, Sendable, Comparable {
            public var pixelID: PixelID
            public var eventName: EventName
            /// ``StoredCoverage/eventsCounter``, ``StoredCoverage/keyCounter(_:)`` or
            /// ``StoredCoverage/rejectionCounter(_:reason:)``.
            public var counter: String

            public init(pixelID: PixelID, eventName: EventName, counter: String) {
                self.pixelID = pixelID
                self.eventName = eventName
                self.counter = counter
            }

            public static func < (lhs: Counter, rhs: Counter) -> Bool {
                (lhs.pixelID.rawValue, lhs.eventName.rawValue, lhs.counter) < (
                    rhs.pixelID.rawValue, rhs.eventName.rawValue, rhs.counter
                )
            }
        }

        private struct Name: Hashable {
            var pixelID: PixelID
            var eventName: EventName
        }

        /// Per pixel and event name: the event count, then one count per key in
        /// `UserDataKey.allCases` order (summed from the key bit masks; turned into counters
        /// only when read).
        private var eventCounts: [Name: [Int64]] = [:]
        private var other: [Counter: Int64] = [:]

        public init() {}

        /// Whether nothing is to be added.
        public var isEmpty: Bool { eventCounts.isEmpty && other.isEmpty }

        /// Counts one newly stored event: the events counter of its pixel and name, and the
        /// counter of each key it carries.
        public mutating func count(_ event: PendingEvent) {
            let name = Name(pixelID: event.key.pixelID, eventName: event.key.eventName)
            var counts = eventCounts[name] ?? Array(repeating: 0, count: UserDataKey.allCases.count + 1)
            counts[0] += 1
            event.matchKeys.forEachIndex { counts[$0 + 1] += 1 }
            eventCounts[name] = counts
        }

        /// Adds every non-zero counter of `coverage`, for `pixel`.
        public mutating func add(_ coverage: MatchKeyCoverage, pixel: PixelID) {
            for row in StoredCoverage.rows(of: coverage) {
                other[Counter(pixelID: pixel, eventName: row.eventName, counter: row.counter), default: 0] += row.value
            }
        }

        /// The non-zero counters and what to add to each, sorted by pixel, event name and
        /// counter: transactions that upsert in this order lock rows in the same order and
        /// cannot deadlock each other.
        public var sorted: [(counter: Counter, value: Int64)] {
            var all = other
            for (name, counts) in eventCounts {
                all[
                    Counter(pixelID: name.pixelID, eventName: name.eventName, counter: StoredCoverage.eventsCounter), default: 0] +=
                    counts[0]
                for (index, key) in UserDataKey.allCases.enumerated() where counts[index + 1] > 0 {
                    all[
                        Counter(pixelID: name.pixelID, eventName: name.eventName, counter: StoredCoverage.keyCounter(key)),
                        default: 0] +=
                        counts[index + 1]
                }
            }
            return all.filter { $0.value != 0 }.sorted { $0.key < $1.key }.map { (counter: $0.key, value: $0.value) }
        }
    }
}
