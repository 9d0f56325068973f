public import CAPIModel
public import Delivery

/// A pixel's dated quality snapshots read together: EMQ trends per event name, Meta's view
/// beside ours for the same window, and the dips between consecutive snapshots explained.
///
/// Our side of a window is the difference of the store's cumulative counters at its two ends,
/// so it counts exactly the events stored in between.
///
/// ```swift
/// let history = QualityHistory(pixelID: pixel, snapshots: try await store.qualitySnapshots(pixel: pixel, since: nil, limit: 120))
/// for dip in history.latestDips() { logger.warning("\(dip)") }
/// ```
public struct QualityHistory: Hashable, Sendable {
    /// One score of an event name.
    public struct Point: Hashable, Sendable {
        /// When the snapshot was taken.
        public var takenAt: Timestamp
        /// Meta's EMQ score then, 0–10; `nil` when Meta gave none.
        public var eventMatchQuality: Double?
    }

    /// The EMQ scores of one event name over time.
    public struct Trend: Hashable, Sendable {
        /// The event name.
        public var eventName: String
        /// One point per snapshot that has the event name, oldest first.
        public var points: [Point]
    }

    /// The pixel.
    public var pixelID: PixelID
    /// Its snapshots, oldest first.
    public var snapshots: [QualitySnapshot]

    /// Reads `snapshots` of `pixelID` (in any order).
    public init(pixelID: PixelID, snapshots: [QualitySnapshot]) {
        self.pixelID = pixelID
        self.snapshots = snapshots.filter { $0.pixelID == pixelID }.sorted { $0.takenAt < $1.takenAt }
    }

    /// The default window of our side of a comparison: Meta describes its coverage figures as
    /// 7-day averages.
    public static let defaultWindow: Duration = .seconds(7 * 86_400)

    /// Per event name with a score in at least one snapshot, its scores over time; event names
    /// sorted.
    public var trends: [Trend] {
        var points: [String: [Point]] = [:]
        for snapshot in snapshots {
            for entry in snapshot.entries where entry.metaJSON != nil {
                points[entry.eventName.rawValue, default: []].append(
                    Point(takenAt: snapshot.takenAt, eventMatchQuality: entry.eventMatchQuality))
            }
        }
        return points.filter { $0.value.contains { $0.eventMatchQuality != nil } }
            .map { Trend(eventName: $0.key, points: $0.value) }
            .sorted { $0.eventName < $1.eventName }
    }

    /// The events the store counted after snapshot `start` up to snapshot `end` (indexes into
    /// ``snapshots``); from the beginning when `start` is `nil`.
    public func localCoverage(after start: Int?, upTo end: Int) -> MatchKeyCoverage {
        let later = snapshots[end].localCoverage
        guard let start else { return later }
        let earlier = snapshots[start].localCoverage
        var window = MatchKeyCoverage()
        for name in later.eventNames {
            let counters = later[name].since(earlier[name])
            if counters.events > 0 || !counters.rejections.isEmpty { window.add(counters, for: name) }
        }
        return window
    }

    /// Meta's report of snapshot `index` beside our events of the `window` that ends then:
    /// those stored since the latest snapshot at least `window` older, or every stored event when
    /// no snapshot is that old (`since` is then `nil`).
    public func comparison(at index: Int, window: Duration = defaultWindow) -> (comparison: QualityComparison, since: Timestamp?)
    {
        let end = snapshots[index].takenAt
        let start = snapshots[..<index].lastIndex { $0.takenAt + window <= end }
        return (
            QualityComparison(meta: snapshots[index].report, local: localCoverage(after: start, upTo: index)),
            start.map { snapshots[$0].takenAt }
        )
    }

    /// The latest snapshot's comparison (see ``comparison(at:window:)``), if there is a snapshot.
    public func latestComparison(window: Duration = defaultWindow) -> (comparison: QualityComparison, since: Timestamp?)? {
        snapshots.isEmpty ? nil : comparison(at: snapshots.count - 1, window: window)
    }

    /// The dips from snapshot `index - 1` to snapshot `index`: Meta's figures at the two
    /// times, and ours for the events stored in each interval (before the earlier snapshot:
    /// since the one before it; after: since the earlier one), so that a key that stopped
    /// arriving shows at once instead of being averaged away.
    public func dips(at index: Int, emqDrop: Double = 0.5, coverageDrop: Double = 5) -> [QualityDip] {
        guard index >= 1, index < snapshots.count else { return [] }
        let before = QualityComparison(
            meta: snapshots[index - 1].report, local: localCoverage(after: index >= 2 ? index - 2 : nil, upTo: index - 1))
        let after = QualityComparison(meta: snapshots[index].report, local: localCoverage(after: index - 1, upTo: index))
        return QualityDip.find(from: before, to: after, emqDrop: emqDrop, coverageDrop: coverageDrop)
    }

    /// The dips between the two latest snapshots (see ``dips(at:emqDrop:coverageDrop:)``).
    public func latestDips(emqDrop: Double = 0.5, coverageDrop: Double = 5) -> [QualityDip] {
        dips(at: snapshots.count - 1, emqDrop: emqDrop, coverageDrop: coverageDrop)
    }
}

extension MatchKeyCoverage.Counters {
    /// What was counted after `earlier` (the same counters at an earlier time); a counter lower
    /// than before (the store was replaced) adds nothing.
    func since(_ earlier: Self) -> Self {
        var window = Self()
        window.events = max(0, events - earlier.events)
        for index in keyCounts.indices {
            window.keyCounts[index] = max(0, keyCounts[index] - (index < earlier.keyCounts.count ? earlier.keyCounts[index] : 0))
        }
        for (key, reasons) in rejections {
            for (reason, count) in reasons {
                let added = count - (earlier.rejections[key]?[reason] ?? 0)
                if added > 0 { window.rejections[key, default: [:]][reason] = added }
            }
        }
        return window
    }
}
