import CAPIModel
import CoreMetrics

/// The metrics the engine reports through swift-metrics.
///
/// Labels are dot-namespaced and dimensions are low-cardinality (outcome and reason codes,
/// never pixel ids, event ids or messages):
/// - `capi.delivery.events.enqueued` (counter)
/// - `capi.delivery.events.delivered` (counter)
/// - `capi.delivery.events.retried` (counter)
/// - `capi.delivery.events.parked` (counter, dimension `reason`)
/// - `capi.delivery.requests` (counter, dimension `outcome`)
/// - `capi.delivery.request.duration` (timer, dimension `outcome`)
/// - `capi.delivery.pixels.suspended` (counter, dimension `reason`: `credentials_rejected`,
///   `pixel_not_accessible` or `unsupported_endpoint`): a request of this worker got a pixel
///   suspended. Alert on any increase: the pixel delivers nothing until someone fixes it.
/// - `capi.delivery.settles.lost_lease` (counter): events whose settle found their lease taken
///   over by another worker (the work outlived the lease); the settle changed nothing for them.
///   A steady rise means leases are too short for the requests (see
///   `DeliveryWorker.Configuration.leaseDuration`).
public enum DeliveryMetricLabel {
    public static let enqueued = "capi.delivery.events.enqueued"
    public static let delivered = "capi.delivery.events.delivered"
    public static let retried = "capi.delivery.events.retried"
    public static let parked = "capi.delivery.events.parked"
    public static let requests = "capi.delivery.requests"
    public static let requestDuration = "capi.delivery.request.duration"
    public static let suspended = "capi.delivery.pixels.suspended"
    public static let lostLeases = "capi.delivery.settles.lost_lease"
}

/// Cached metric primitives for one factory.
struct DeliveryMetrics: Sendable {
    let factory: any MetricsFactory
    let enqueued: Counter
    let delivered: Counter
    let retried: Counter
    let lostLeases: Counter

    init(factory: any MetricsFactory) {
        self.factory = factory
        self.enqueued = Counter(label: DeliveryMetricLabel.enqueued, factory: factory)
        self.delivered = Counter(label: DeliveryMetricLabel.delivered, factory: factory)
        self.retried = Counter(label: DeliveryMetricLabel.retried, factory: factory)
        self.lostLeases = Counter(label: DeliveryMetricLabel.lostLeases, factory: factory)
    }

    func parked(_ count: Int, reason: ParkReason.Code) {
        guard count > 0 else { return }
        Counter(label: DeliveryMetricLabel.parked, dimensions: [("reason", reason.rawValue)], factory: factory)
            .increment(by: count)
    }

    func suspended(reason: DeliveryError.Code) {
        Counter(label: DeliveryMetricLabel.suspended, dimensions: [("reason", reason.description)], factory: factory)
            .increment()
    }

    func request(outcome: AttemptOutcome, duration: Duration) {
        Counter(label: DeliveryMetricLabel.requests, dimensions: [("outcome", outcome.rawValue)], factory: factory)
            .increment()
        Timer(label: DeliveryMetricLabel.requestDuration, dimensions: [("outcome", outcome.rawValue)], factory: factory)
            .recordNanoseconds(duration.wholeMilliseconds &* 1_000_000)
    }
}

/// Logger metadata keys used by the engine. Values are ids, counts and codes only.
public enum DeliveryLogKey {
    public static let pixelID = "capi.pixel_id"
    public static let eventCount = "capi.event_count"
    public static let httpStatus = "capi.http.status"
    public static let outcome = "capi.attempt.outcome"
    public static let graphCode = "capi.graph.code"
    public static let graphSubcode = "capi.graph.subcode"
    public static let fbtraceID = "capi.fbtrace_id"
    public static let durationMilliseconds = "capi.duration_ms"
    public static let pauseUntil = "capi.pause_until_ms"
    public static let parkReason = "capi.park.reason"
    /// How many events of a request were parked.
    public static let parkedCount = "capi.parked_count"
    /// How many events of an enqueue were already stored.
    public static let duplicateCount = "capi.duplicate_count"
    /// Why a pixel is suspended: a ``SuspensionReason`` code.
    public static let suspensionReason = "capi.suspension.reason"
    public static let error = "capi.error"
}
