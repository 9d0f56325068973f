public import CAPIModel

/// Meta's view of a dataset beside ours, per event name: the Event Match Quality score, and
/// for each match key the share of events Meta saw carrying it next to the share of our
/// stored events that carried it, with the reasons our values of that key were rejected.
///
/// Meta's identifiers are mapped to `user_data` keys with ``MatchKeyIdentifier/userDataKey``;
/// an identifier without a known mapping is listed by its own name with no local figure, and a
/// key we send that Meta did not report is listed with no Meta figure. Nothing missing becomes
/// a zero.
public struct QualityComparison: Hashable, Sendable {
    /// One match key of one event name.
    public struct KeyRow: Hashable, Sendable {
        /// Meta's identifier, when Meta reported this key.
        public var identifier: MatchKeyIdentifier?
        /// Our key, when the identifier maps to one (or the row is ours alone).
        public var userDataKey: UserDataKey?
        /// The share of events Meta saw carrying the key, 0–100.
        public var metaCoverage: Double?
        /// The share of our stored events of this name that carried the key, 0–100; `nil`
        /// without a mapping or without local events.
        public var localCoverage: Double?
        /// Why our values of this key were rejected, most frequent first, each with the share
        /// of the event name's events it affected (0–100).
        public var rejections: [(reason: String, share: Double)]

        /// The row's label: our key name when known, else Meta's identifier.
        public var label: String { userDataKey?.rawValue ?? identifier?.rawValue ?? "?" }

        public static func == (lhs: KeyRow, rhs: KeyRow) -> Bool {
            lhs.identifier == rhs.identifier && lhs.userDataKey == rhs.userDataKey && lhs.metaCoverage == rhs.metaCoverage
                && lhs.localCoverage == rhs.localCoverage && lhs.rejections.map(\.reason) == rhs.rejections.map(\.reason)
                && lhs.rejections.map(\.share) == rhs.rejections.map(\.share)
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(identifier)
            hasher.combine(userDataKey)
            hasher.combine(metaCoverage)
            hasher.combine(localCoverage)
        }
    }

    /// One event name.
    public struct EventRow: Hashable, Sendable {
        /// The event name.
        public var eventName: String
        /// Meta's Event Match Quality score, 0–10.
        public var eventMatchQuality: Double?
        /// How many events of this name our store counted.
        public var localEvents: Int
        /// Meta's keys in Meta's order, then ours that Meta did not report.
        public var keys: [KeyRow]
        /// Meta's diagnostics for this event name, with its suggested fixes.
        public var diagnostics: [QualityDiagnostic]
    }

    /// Every event name Meta or our store knows, Meta's first in Meta's order.
    public var events: [EventRow]

    /// A comparison of these event rows (a part of another comparison, say).
    public init(events: [EventRow]) {
        self.events = events
    }

    /// Compares Meta's `report` with our `local` coverage counters of the same pixel.
    public init(meta report: DatasetQualityReport, local: MatchKeyCoverage) {
        var rows: [EventRow] = []
        var seen: Set<String> = []
        for quality in report.web where seen.insert(quality.eventName).inserted {
            rows.append(Self.row(eventName: quality.eventName, meta: quality, local: local))
        }
        for name in local.eventNames where !seen.contains(name.rawValue) {
            rows.append(Self.row(eventName: name.rawValue, meta: nil, local: local))
        }
        events = rows
    }

    static func row(eventName: String, meta: EventQuality?, local: MatchKeyCoverage) -> EventRow {
        let counters = local[EventName(rawValue: eventName)]
        func localShare(_ key: UserDataKey) -> Double? {
            counters.events > 0 ? counters.share(of: key) * 100 : nil
        }
        func rejections(_ key: UserDataKey) -> [(reason: String, share: Double)] {
            guard counters.events > 0 else { return [] }
            return (counters.rejections[key] ?? [:])
                .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { (reason: $0.key, share: Double($0.value) / Double(counters.events) * 100) }
        }
        var keys: [KeyRow] = []
        var reported: Set<UserDataKey> = []
        for feedback in meta?.eventMatchQuality?.matchKeyFeedback ?? [] {
            let key = feedback.identifier.userDataKey
            if let key { reported.insert(key) }
            keys.append(
                KeyRow(
                    identifier: feedback.identifier, userDataKey: key, metaCoverage: feedback.coverage,
                    localCoverage: key.flatMap(localShare), rejections: key.map(rejections) ?? []))
        }
        for key in UserDataKey.allCases where !reported.contains(key) {
            guard counters.count(of: key) > 0 || counters.rejectionCount(of: key) > 0 else { continue }
            keys.append(
                KeyRow(
                    identifier: nil, userDataKey: key, metaCoverage: nil, localCoverage: localShare(key),
                    rejections: rejections(key)))
        }
        return EventRow(
            eventName: eventName, eventMatchQuality: meta?.eventMatchQuality?.compositeScore, localEvents: counters.events,
            keys: keys, diagnostics: meta?.eventMatchQuality?.diagnostics ?? [])
    }
}
