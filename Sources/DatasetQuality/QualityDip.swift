/// An event name whose Event Match Quality fell between two comparisons, with what explains
/// it: the keys whose coverage fell (Meta's or ours) and the rejection reasons that rose.
///
/// The comparisons are of the same pixel at two times; for "ours" to be the same window as
/// Meta's, the later comparison's local counters should count only the events stored since
/// the earlier one.
public struct QualityDip: Hashable, Sendable {
    /// A key's coverage at both times, 0–100.
    public struct KeyShift: Hashable, Sendable {
        /// The key's label (our `user_data` key, or Meta's identifier).
        public var label: String
        /// Before.
        public var before: Double
        /// After.
        public var after: Double
        /// How many points it fell.
        public var drop: Double { before - after }
    }

    /// A rejection reason of a key whose share of events rose.
    public struct RejectionRise: Hashable, Sendable {
        /// The key's label.
        public var label: String
        /// The rejection reason code (`missing_region`, …).
        public var reason: String
        /// Its share of the event name's events before (0 when it did not occur), 0–100.
        public var before: Double
        /// After, 0–100.
        public var after: Double
    }

    /// The event name.
    public var eventName: String
    /// Meta's EMQ score before.
    public var emqBefore: Double
    /// After.
    public var emqAfter: Double
    /// Keys whose coverage Meta saw fell by at least the threshold, largest fall first.
    public var metaCoverageFell: [KeyShift]
    /// Keys whose coverage in our events fell by at least the threshold, largest fall first.
    public var localCoverageFell: [KeyShift]
    /// Rejection reasons whose share rose by at least the threshold, largest rise first.
    public var rejectionsRose: [RejectionRise]

    /// How many points the score fell.
    public var emqDrop: Double { emqBefore - emqAfter }

    /// The dips from `earlier` to `later`: every event name whose EMQ score fell by at least
    /// `emqDrop` points (of 10), explained by the keys whose coverage fell and the rejection
    /// reasons that rose by at least `coverageDrop` points (of 100). An event name without a
    /// score at either time has no dip: a missing score is not a fall.
    public static func find(
        from earlier: QualityComparison, to later: QualityComparison, emqDrop: Double = 0.5, coverageDrop: Double = 5
    ) -> [QualityDip] {
        let before = Dictionary(earlier.events.map { ($0.eventName, $0) }, uniquingKeysWith: { first, _ in first })
        var dips: [QualityDip] = []
        for now in later.events {
            guard let then = before[now.eventName], let emqBefore = then.eventMatchQuality, let emqAfter = now.eventMatchQuality,
                emqBefore - emqAfter >= emqDrop
            else { continue }
            let keysBefore = Dictionary(then.keys.map { ($0.label, $0) }, uniquingKeysWith: { first, _ in first })
            var meta: [KeyShift] = []
            var local: [KeyShift] = []
            var rejections: [RejectionRise] = []
            for key in now.keys {
                let old = keysBefore[key.label]
                if let previous = old?.metaCoverage, let current = key.metaCoverage, previous - current >= coverageDrop {
                    meta.append(KeyShift(label: key.label, before: previous, after: current))
                }
                if let previous = old?.localCoverage, let current = key.localCoverage, previous - current >= coverageDrop {
                    local.append(KeyShift(label: key.label, before: previous, after: current))
                }
                let oldShares = Dictionary(
                    (old?.rejections ?? []).map { ($0.reason, $0.share) }, uniquingKeysWith: { first, _ in first })
                for rejection in key.rejections where rejection.share - (oldShares[rejection.reason] ?? 0) >= coverageDrop {
                    rejections.append(
                        RejectionRise(
                            label: key.label, reason: rejection.reason, before: oldShares[rejection.reason] ?? 0,
                            after: rejection.share))
                }
            }
            dips.append(
                QualityDip(
                    eventName: now.eventName, emqBefore: emqBefore, emqAfter: emqAfter,
                    metaCoverageFell: meta.sorted { $0.drop > $1.drop }, localCoverageFell: local.sorted { $0.drop > $1.drop },
                    rejectionsRose: rejections.sorted { $0.after - $0.before > $1.after - $1.before }))
        }
        return dips
    }
}

extension QualityDip: CustomStringConvertible {
    /// One line: `Purchase EMQ 7.2 → 5.1: Meta's ph coverage 62.0% → 31.0%; ours ph 58.0% →
    /// 30.0%; ph rejected missing_region 4.0% → 33.0%`.
    public var description: String {
        func percent(_ value: Double) -> String {
            let tenths = (value * 10).rounded() / 10
            return "\(tenths)%"
        }
        var parts: [String] = []
        parts += metaCoverageFell.map { "Meta's \($0.label) coverage \(percent($0.before)) → \(percent($0.after))" }
        parts += localCoverageFell.map { "ours \($0.label) \(percent($0.before)) → \(percent($0.after))" }
        parts += rejectionsRose.map { "\($0.label) rejected \($0.reason) \(percent($0.before)) → \(percent($0.after))" }
        let explanation =
            parts.isEmpty ? "no key's coverage fell and no rejection rose by the threshold" : parts.joined(separator: "; ")
        return "\(eventName) EMQ \(emqBefore) → \(emqAfter): \(explanation)"
    }
}
