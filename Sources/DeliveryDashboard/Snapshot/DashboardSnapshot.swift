public import CAPIModel
public import DatasetQuality
public import Delivery

/// Everything the dashboards show, read from a store in one go: counts and coverage per pixel,
/// pixel holds (throttling pauses and suspensions, with why), parked events, and the latest
/// failed requests.
///
/// ```swift
/// let snapshot = try await DashboardSnapshot.load(from: store, title: "shop.sqlite", now: clock.now)
/// let html = HTMLDashboard.render(snapshot)
/// ```
public struct DashboardSnapshot: Hashable, Sendable {
    /// One pixel's numbers.
    public struct Pixel: Hashable, Sendable {
        public var pixelID: PixelID
        public var counts: EventCounts
        public var coverage: MatchKeyCoverage

        public init(pixelID: PixelID, counts: EventCounts, coverage: MatchKeyCoverage) {
            self.pixelID = pixelID
            self.counts = counts
            self.coverage = coverage
        }
    }

    /// What the dashboard is about, such as the store's file name.
    public var title: String
    /// When the snapshot was taken.
    public var generatedAt: Timestamp
    public var pixels: [Pixel]
    /// The oldest parked events (up to the limit given to ``load(from:title:now:parkedLimit:failureLimit:qualityLimit:)``).
    public var parked: [EventStatusReport]
    /// The newest requests that did not deliver, newest first.
    public var recentFailures: [RecordedAttempt]
    /// What keeps pixels from sending at ``generatedAt``: pauses that have not ended and
    /// suspensions (`PixelSuspension.reason` says why).
    public var holds: [PixelID: PixelHold]
    /// Per pixel with Dataset Quality snapshots in the store, the latest of them (up to the
    /// limit given to ``load(from:title:now:parkedLimit:failureLimit:qualityLimit:)``).
    public var quality: [PixelID: QualityHistory]

    public init(
        title: String, generatedAt: Timestamp, pixels: [Pixel], parked: [EventStatusReport],
        recentFailures: [RecordedAttempt], holds: [PixelID: PixelHold] = [:], quality: [PixelID: QualityHistory] = [:]
    ) {
        self.title = title
        self.generatedAt = generatedAt
        self.pixels = pixels
        self.parked = parked
        self.recentFailures = recentFailures
        self.holds = holds
        self.quality = quality
    }

    /// The pixels among ``pixels`` with quality snapshots, in their order.
    public var qualityHistories: [QualityHistory] {
        pixels.compactMap { quality[$0.pixelID] }.filter { !$0.snapshots.isEmpty }
    }

    /// The suspended pixels among ``pixels``, in their order.
    public var suspensions: [(pixelID: PixelID, suspension: PixelSuspension)] {
        pixels.compactMap { pixel in holds[pixel.pixelID]?.suspension.map { (pixel.pixelID, $0) } }
    }

    /// The paused pixels among ``pixels``, in their order, with the end of each pause.
    public var pauses: [(pixelID: PixelID, until: Timestamp)] {
        pixels.compactMap { pixel in holds[pixel.pixelID]?.pausedUntil.map { (pixel.pixelID, $0) } }
    }

    /// Counts over every pixel.
    public var totals: EventCounts { EventCounts.sum(pixels.map(\.counts)) }

    /// Reads a snapshot of `store`.
    ///
    /// - Parameters:
    ///   - store: the store to read; nothing in it is changed.
    ///   - title: the snapshot's title, shown by the views (the store's file name, say).
    ///   - now: the time the snapshot is taken at, for ages and pause ends.
    ///   - parkedLimit: how many parked events to list (the counts cover all of them).
    ///   - failureLimit: how many failed requests to list.
    ///   - qualityLimit: how many Dataset Quality snapshots to read per pixel, when the store
    ///     keeps them (120 is a month at the monitor's default interval).
    public static func load(
        from store: some InspectableEventStore, title: String, now: Timestamp, parkedLimit: Int = 50,
        failureLimit: Int = 50, qualityLimit: Int = 120
    ) async throws -> DashboardSnapshot {
        var pixels: [Pixel] = []
        for pixel in try await store.pixelIDs() {
            pixels.append(
                Pixel(
                    pixelID: pixel, counts: try await store.counts(pixel: pixel),
                    coverage: try await store.coverage(pixel: pixel)))
        }
        let parked = try await store.events(matching: EventFilter(state: .parked), after: nil, limit: parkedLimit)
        let failures = try await store.recentAttempts(
            matching: AttemptFilter(failuresOnly: true), before: nil, limit: failureLimit)
        let holds = try await store.pixelHolds(at: now)
        var quality: [PixelID: QualityHistory] = [:]
        if let snapshots = store as? any QualitySnapshotStore {
            for pixel in pixels {
                let read = try await snapshots.qualitySnapshots(pixel: pixel.pixelID, since: nil, limit: qualityLimit)
                if !read.isEmpty { quality[pixel.pixelID] = QualityHistory(pixelID: pixel.pixelID, snapshots: read) }
            }
        }
        return DashboardSnapshot(
            title: title, generatedAt: now, pixels: pixels, parked: parked, recentFailures: failures, holds: holds,
            quality: quality)
    }
}

extension EventCounts {
    /// Every stored event.
    public var total: Int { pending + inFlight + delivered + parked }

    /// The state-by-state sum of `counts`.
    public static func sum(_ counts: [EventCounts]) -> EventCounts {
        counts.reduce(into: EventCounts()) { total, counts in
            total.pending += counts.pending
            total.inFlight += counts.inFlight
            total.delivered += counts.delivered
            total.parked += counts.parked
        }
    }
}
