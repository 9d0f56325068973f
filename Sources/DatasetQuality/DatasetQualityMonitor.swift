import CAPIModel
public import CoreMetrics
public import Delivery
public import Logging
public import ServiceLifecycle

/// Takes dated snapshots of each pixel's match quality on an interval: Meta's Dataset Quality
/// answer beside the store's coverage counters, kept in the store. After each snapshot it
/// compares with the one before and reports every Event Match Quality dip (a warning log
/// line and the `capi.quality.dips` metric) with the keys whose coverage fell and the
/// rejection reasons that rose. A swift-service-lifecycle `Service`.
///
/// ```swift
/// let monitor = DatasetQualityMonitor(destinations: [destination], store: store, logger: logger)
/// let group = ServiceGroup(services: [store, worker, monitor], logger: logger)
/// try await group.run()
/// ```
///
/// Instances sharing one store (PostgreSQL) take turns: before fetching, each reads when the
/// pixel's latest snapshot was taken and waits for the interval from then.
///
/// Metrics (swift-metrics; dimensions carry event names and codes, never pixel ids):
/// - `capi.quality.fetches` (counter, dimension `outcome`: `ok` or a ``DatasetQualityError/Code``)
/// - `capi.quality.emq` (gauge, dimension `event_name`): the latest score
/// - `capi.quality.dips` (counter, dimension `event_name`)
///
/// When Meta throttles and says how long to wait (`estimated_time_to_regain_access`), the next
/// request waits at least that long, as the delivery worker's pauses do.
public final class DatasetQualityMonitor: Service, Sendable {
    /// How often and how patiently the monitor asks.
    public struct Configuration: Sendable, Hashable {
        /// The time between two snapshots of a pixel; at least ``minimumInterval``. Meta
        /// computes EMQ continuously but describes its coverage figures as 7-day averages,
        /// so a few snapshots a day show every change worth seeing.
        public var interval: Duration = .seconds(6 * 3_600) {
            didSet { interval = max(interval, Self.minimumInterval) }
        }
        /// The shortest interval accepted: one hour.
        public static let minimumInterval: Duration = .seconds(3_600)
        /// The first wait after a throttled, failed or unanswered request; each further failure
        /// doubles it, up to ``interval``.
        public var initialBackoff: Duration = .seconds(60)
        /// How many points of EMQ (of 10) a fall must reach to count as a dip.
        public var emqDrop: Double = 0.5
        /// How many points (of 100) a key's coverage must fall, or a rejection reason rise, to be
        /// named in a dip's explanation.
        public var coverageDrop: Double = 5
        /// Only events sent with this partner agent (see ``DatasetQualityQuery/agentName``).
        public var agentName: String?

        public init() {}
    }

    /// The result of one snapshot: what was stored, and the dips since the one before.
    public struct Reading: Sendable {
        /// The stored snapshot.
        public var snapshot: QualitySnapshot
        /// The latest snapshots up to and including it (the three latest).
        public var history: QualityHistory
        /// The dips from the previous snapshot to this one.
        public var dips: [QualityDip]
    }

    /// How many earlier snapshots a reading loads to compare with.
    static let historyLimit = 3

    private let destinations: [PixelDestination]
    private let store: any QualitySnapshotStore & EventStore
    private let client: DatasetQualityClient
    private let configuration: Configuration
    private let clock: any DeliveryClock
    private let logger: Logger
    private let metrics: any MetricsFactory

    /// Creates a monitor of `destinations` (one per pixel; their tokens need `ads_read` and
    /// `ads_management` or `business_management`) that keeps its snapshots in `store`.
    public init(
        destinations: [PixelDestination], store: any QualitySnapshotStore & EventStore,
        client: DatasetQualityClient = DatasetQualityClient(), configuration: Configuration = Configuration(),
        clock: any DeliveryClock = SystemDeliveryClock(), logger: Logger, metricsFactory: (any MetricsFactory)? = nil
    ) {
        var seen: Set<PixelID> = []
        self.destinations = destinations.filter { seen.insert($0.pixelID).inserted }
        self.store = store
        self.client = client
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.metrics = metricsFactory ?? MetricsSystem.factory
    }

    /// Fetches Meta's answer for `destination` now, stores the snapshot and reports the dips
    /// since the previous one (log line and metric), whatever the interval says.
    ///
    /// - Throws: ``DatasetQualityError`` when Meta did not answer with metrics; a store error
    ///   when the snapshot could not be kept.
    @discardableResult
    public func takeSnapshot(of destination: PixelDestination) async throws -> Reading {
        let pixel = destination.pixelID
        let fetched: (report: DatasetQualityReport, webSources: [String: JSONValue])
        do {
            fetched = try await client.fetchWithSources(
                DatasetQualityQuery(destination: destination, agentName: configuration.agentName))
        } catch {
            count(fetch: error.code.description)
            throw error
        }
        count(fetch: "ok")
        let local = try await store.coverage(pixel: pixel)
        let snapshot = QualitySnapshot(
            pixelID: pixel, takenAt: clock.now, report: fetched.report, webSources: fetched.webSources, local: local)
        try await store.recordQualitySnapshot(snapshot)
        let recent = try await store.qualitySnapshots(pixel: pixel, since: nil, limit: Self.historyLimit)
        let history = QualityHistory(pixelID: pixel, snapshots: recent.contains(snapshot) ? recent : recent + [snapshot])
        let dips = history.latestDips(emqDrop: configuration.emqDrop, coverageDrop: configuration.coverageDrop)
        report(snapshot: snapshot, dips: dips)
        return Reading(snapshot: snapshot, history: history, dips: dips)
    }

    // MARK: Service

    /// Takes snapshots until graceful shutdown (or cancellation). Nothing that goes wrong
    /// ends it early, since a service that ends stops its whole `ServiceGroup`, delivery
    /// included: Meta's refusals and the store's failures are logged and retried later.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                if self.destinations.isEmpty {
                    try await gracefulShutdown()
                } else {
                    try await self.loop()
                }
            }
        } catch is CancellationError {
            return
        }
    }

    private func loop() async throws {
        var schedule = QualitySchedule(interval: configuration.interval, initialBackoff: configuration.initialBackoff)
        for destination in destinations {
            // A store that cannot answer yet: ask now, and let the snapshot's own failure back off.
            let last = try? await latestSnapshotTime(of: destination.pixelID)
            schedule.start(destination.pixelID, lastSnapshot: last, now: clock.now)
        }
        while let (pixel, due) = schedule.next, let destination = destinations.first(where: { $0.pixelID == pixel }) {
            try await clock.sleep(until: due)
            try Task.checkCancellation()
            // Another instance sharing the store may have taken one meanwhile.
            if let last = try? await latestSnapshotTime(of: pixel), last + configuration.interval > clock.now {
                schedule.start(pixel, lastSnapshot: last, now: clock.now)
                continue
            }
            do {
                try await takeSnapshot(of: destination)
                schedule.succeeded(pixel, at: clock.now)
            } catch let error as DatasetQualityError {
                let jitter = Double.random(in: 0..<1)
                let next = schedule.failed(
                    pixel, retryable: error.isRetryable, at: clock.now, jitter: jitter, regainAccessAfter: error.regainAccessAfter
                )
                let metadata: Logger.Metadata = [
                    DeliveryLogKey.pixelID: "\(pixel)", QualityLogKey.errorCode: "\(error.code)",
                    QualityLogKey.nextAttempt: "\(next.milliseconds)",
                ]
                if error.isRetryable {
                    logger.warning("Dataset Quality API did not answer; retrying later", metadata: metadata)
                } else {
                    logger.error("Dataset Quality API refused the request: \(error.description)", metadata: metadata)
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // The store could not read coverage or keep the snapshot: try again later.
                let next = schedule.failed(pixel, retryable: true, at: clock.now, jitter: Double.random(in: 0..<1))
                logger.error(
                    "could not keep a Dataset Quality snapshot: \(error)",
                    metadata: [DeliveryLogKey.pixelID: "\(pixel)", QualityLogKey.nextAttempt: "\(next.milliseconds)"])
            }
        }
    }

    private func latestSnapshotTime(of pixel: PixelID) async throws -> Timestamp? {
        try await store.qualitySnapshots(pixel: pixel, since: nil, limit: 1).last?.takenAt
    }

    private func count(fetch outcome: String) {
        Counter(label: QualityMetricLabel.fetches, dimensions: [("outcome", outcome)], factory: metrics).increment()
    }

    private func report(snapshot: QualitySnapshot, dips: [QualityDip]) {
        for entry in snapshot.entries {
            guard let score = entry.eventMatchQuality else { continue }
            Gauge(label: QualityMetricLabel.emq, dimensions: [("event_name", entry.eventName.rawValue)], factory: metrics)
                .record(score)
        }
        for dip in dips {
            Counter(label: QualityMetricLabel.dips, dimensions: [("event_name", dip.eventName)], factory: metrics).increment()
            logger.warning(
                "Event Match Quality dip: \(dip)",
                metadata: [
                    DeliveryLogKey.pixelID: "\(snapshot.pixelID)", QualityLogKey.eventName: "\(dip.eventName)",
                    QualityLogKey.emqBefore: "\(dip.emqBefore)", QualityLogKey.emqAfter: "\(dip.emqAfter)",
                ])
        }
    }
}

/// The metric labels of ``DatasetQualityMonitor``.
public enum QualityMetricLabel {
    public static let fetches = "capi.quality.fetches"
    public static let emq = "capi.quality.emq"
    public static let dips = "capi.quality.dips"
}

/// The log metadata keys of ``DatasetQualityMonitor`` (besides `capi.pixel_id`).
public enum QualityLogKey {
    public static let eventName = "capi.event_name"
    public static let emqBefore = "capi.quality.emq_before"
    public static let emqAfter = "capi.quality.emq_after"
    public static let errorCode = "capi.quality.error"
    /// When the next request is due, in Unix milliseconds.
    public static let nextAttempt = "capi.quality.next_attempt_ms"
}
