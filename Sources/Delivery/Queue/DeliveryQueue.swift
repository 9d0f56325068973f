public import CAPIModel
public import Matching
public import CoreMetrics
public import Logging
import Synchronization
public import Tracing
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The front door of the delivery engine: validates, encodes and durably stores events, and
/// lets operators inspect and replay parked ones.
///
/// ```swift
/// let queue = DeliveryQueue(store: store, logger: logger)
/// try await queue.enqueue(purchase, pixel: "1234567890")   // durable when it returns
/// ```
///
/// A ``DeliveryWorker`` created with the same queue delivers what was enqueued; an enqueue
/// wakes it at once.
public final class DeliveryQueue: Sendable {
    /// Settings for validation and encoding.
    public struct Configuration: Sendable {
        /// Age limits for `event_time`, checked before storing and again before sending.
        public var ageLimits = EventAgeLimits()
        /// Size limits checked before encoding (`event_id`, strings, content items, custom data
        /// nesting). They keep hostile or buggy input from costing unbounded time or memory.
        public var validationLimits = EventValidator.Limits()
        /// The largest encoded event (one element of the request's `data`) stored, in UTF-8
        /// bytes. Meta publishes no per-event limit; this is far above real events.
        public var maximumEncodedEventBytes = 256 * 1_024
        /// The encoder that turns events into stored JSON. ``FastServerEventEncoder`` writes
        /// the same bytes as ``FoundationServerEventEncoder`` more than twenty times faster.
        public var encoder: any ServerEventEncoder = FastServerEventEncoder()
        /// The pixels events may be enqueued for, besides those of the workers created with
        /// this queue; `nil` (the default) adds none. Set it in a process that enqueues while
        /// other processes deliver, so that a mistyped pixel is refused here too.
        public var acceptedPixels: Set<PixelID>?
        /// Where the `capi.enqueue` span of each enqueue goes (see ``DeliverySpanAttribute``);
        /// the bootstrapped `InstrumentationSystem.tracer` when `nil`.
        public var tracer: (any Tracer)?

        public init() {}
    }

    /// The store events are kept in.
    public let store: any EventStore
    public let configuration: Configuration
    let clock: any DeliveryClock
    let logger: Logger
    let metrics: DeliveryMetrics
    let wake = WakeSignal()
    /// The pixels of the destinations of the workers created with this queue.
    private let destinationPixels = Mutex<Set<PixelID>>([])

    /// Creates a queue over `store`.
    ///
    /// - Parameters:
    ///   - store: where events are kept until they are delivered or parked.
    ///   - configuration: age and size limits, the encoder and the accepted pixels.
    ///   - clock: the time source; tests inject a manual one.
    ///   - logger: receives debug logs of enqueues and replays; a no-op logger by default.
    ///   - metricsFactory: where counters go; the global `MetricsSystem.factory` by default.
    public init(
        store: any EventStore, configuration: Configuration = Configuration(),
        clock: any DeliveryClock = SystemDeliveryClock(),
        logger: Logger = Logger(label: "roasproof.delivery", factory: { _ in SwiftLogNoOpLogHandler() }),
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.metrics = DeliveryMetrics(factory: metricsFactory)
    }

    // MARK: Known pixels

    /// Called by each ``DeliveryWorker`` created with this queue.
    func addDestinations(_ pixels: some Sequence<PixelID>) {
        destinationPixels.withLock { $0.formUnion(pixels) }
    }

    /// Refuses `pixel` when the queue knows its pixels (from its workers' destinations or
    /// ``Configuration/acceptedPixels``) and `pixel` is not one of them: an event for a pixel
    /// nobody delivers to would stay queued forever without a word.
    func checkKnown(_ pixel: PixelID) throws(DeliveryError) {
        // A membership test under the lock on every enqueue; the set is only built for the error.
        let known = destinationPixels.withLock { registered -> Bool in
            guard let accepted = configuration.acceptedPixels else { return registered.isEmpty || registered.contains(pixel) }
            return accepted.contains(pixel) || registered.contains(pixel)
        }
        guard !known else { return }
        let configured = destinationPixels.withLock { $0.union(configuration.acceptedPixels ?? []) }
        throw DeliveryError(
            code: .unknownPixel,
            message:
                "no destination is configured for pixel \(pixel) (configured: \(configured.sorted().map(\.rawValue).joined(separator: ", "))); "
                + "check the pixel id, or add a PixelDestination for it to the worker "
                + "(or to DeliveryQueue.Configuration.acceptedPixels when another process delivers)")
    }

    // MARK: Enqueue

    /// Validates, encodes and durably stores one event for `pixel`.
    ///
    /// - Returns: what the store did; an event whose key is already stored is reported as a duplicate.
    /// - Throws: ``DeliveryError/Code/unknownPixel`` when `pixel` has no destination (see
    ///   ``Configuration/acceptedPixels``); ``DeliveryError/Code/invalidEvent`` with the issues when the event cannot be
    ///   sent (nothing is stored), or a store error.
    @discardableResult
    public func enqueue(_ event: ServerEvent, pixel: PixelID) async throws -> AppendResult {
        try await enqueue(contentsOf: [event], pixel: pixel)
    }

    /// Validates, encodes and durably stores a batch of events for `pixel`, in one commit.
    ///
    /// All or nothing: when any event fails validation, none is stored, and the error lists
    /// every invalid event. Once started, an enqueue runs to its end even if the calling task is
    /// cancelled (the stores do not let cancellation cut a commit short).
    @discardableResult
    public func enqueue(contentsOf events: [ServerEvent], pixel: PixelID) async throws -> AppendResult {
        guard !events.isEmpty else {
            throw DeliveryError(code: .emptyBatch, message: "enqueue(contentsOf:) needs at least one event")
        }
        let now = clock.now
        // One thread prepares the whole batch: a 1,000-event batch takes about 2.3 ms here, and
        // neither preparing on several tasks nor overlapping preparation with the insert
        // (both tried, see BENCHMARKS.md) measurably sped up a durable enqueue.
        let (pending, issues) = try prepareEvents(events, pixel: pixel, now: now)
        try throwIfInvalid(issues, total: events.count)
        return try await appendAndWake(pending, at: now)
    }

    /// Durably stores events prepared by ``prepareEach(_:pixel:)`` (or ``prepare(_:pixel:)``),
    /// in one commit, and wakes the worker.
    ///
    /// - Returns: what the store did; an event whose key is already stored is reported as a duplicate.
    @discardableResult
    public func enqueue(prepared events: [PendingEvent]) async throws -> AppendResult {
        guard !events.isEmpty else {
            throw DeliveryError(code: .emptyBatch, message: "enqueue(prepared:) needs at least one event")
        }
        for pixel in Set(events.map(\.key.pixelID)) { try checkKnown(pixel) }
        return try await appendAndWake(events, at: clock.now)
    }

    private func appendAndWake(_ pending: [PendingEvent], at now: Timestamp) async throws -> AppendResult {
        let result = try await withDeliverySpan("capi.enqueue", tracer: configuration.tracer) { span in
            // Attributes only for a tracer that records: with none bootstrapped (the no-op
            // tracer) an enqueue of 1,000 events pays nothing for them.
            if span.isRecording {
                let pixel = pending[0].key.pixelID
                if pending.allSatisfy({ $0.key.pixelID == pixel }) {
                    span.attributes[DeliverySpanAttribute.pixelID] = pixel.rawValue
                }
                span.attributes[DeliverySpanAttribute.eventCount] = pending.count
                if pending.count == 1 {
                    span.attributes[DeliverySpanAttribute.eventName] = pending[0].key.eventName.rawValue
                    span.attributes[DeliverySpanAttribute.eventID] = pending[0].key.eventID
                }
            }
            let result = try await store.append(pending, at: now)
            if span.isRecording {
                span.attributes[DeliverySpanAttribute.insertedCount] = result.insertedCount
                span.attributes[DeliverySpanAttribute.duplicateCount] = result.duplicates.count
            }
            return result
        }
        metrics.enqueued.increment(by: result.insertedCount)
        logger.debug(
            "enqueued events",
            metadata: [
                DeliveryLogKey.pixelID: "\(pending[0].key.pixelID)", DeliveryLogKey.eventCount: "\(result.insertedCount)",
                DeliveryLogKey.duplicateCount: "\(result.duplicates.count)",
            ])
        wake.signal()
        return result
    }

    /// Validates and encodes events without storing them.
    ///
    /// - Throws: ``DeliveryError/Code/invalidEvent`` listing every invalid event.
    public func prepare(_ events: [ServerEvent], pixel: PixelID) throws -> [PendingEvent] {
        let (pending, issues) = try prepareEvents(events, pixel: pixel, now: clock.now)
        try throwIfInvalid(issues, total: events.count)
        return pending
    }

    /// Events checked one by one: those that pass, ready to store, and the issues of the rest.
    public struct PreparedEvents: Sendable {
        /// The events that pass every check, in their order, for ``enqueue(prepared:)``.
        public var ready: [PendingEvent]
        /// The problems of the events that do not; each issue's `index` is the event's
        /// position in the batch given to ``prepareEach(_:pixel:)``.
        public var issues: [EventValidationIssue]
    }

    /// Applies every check ``enqueue(contentsOf:pixel:)`` applies (validation, size limits,
    /// the encoded size) to each event on its own, without storing any.
    ///
    /// Unlike ``prepare(_:pixel:)``, an invalid event does not fail the batch: importers keep
    /// the valid events of a file, store them with ``enqueue(prepared:)``, and report the rest
    /// one by one.
    ///
    /// - Throws: ``DeliveryError/Code/encodingFailed`` when an event cannot be encoded.
    public func prepareEach(_ events: [ServerEvent], pixel: PixelID) throws -> PreparedEvents {
        let (pending, issues) = try prepareEvents(events, pixel: pixel, now: clock.now)
        return PreparedEvents(ready: pending, issues: issues)
    }

    private func throwIfInvalid(_ issues: [EventValidationIssue], total: Int) throws {
        guard !issues.isEmpty else { return }
        throw DeliveryError(
            code: .invalidEvent,
            message: "\(Set(issues.map(\.index)).count) of \(total) events cannot be sent to Meta; nothing was stored. "
                + "First problem: \(issues[0])",
            issues: issues)
    }

    // MARK: Inspection

    /// One event's state, by key.
    public func status(of key: EventKey) async throws -> EventStatusReport? {
        try await store.status(of: key)
    }

    /// One event's state, by id.
    public func status(of id: EventRecordID) async throws -> EventStatusReport? {
        try await store.status(of: id)
    }

    /// The receipts of every request that carried the event.
    public func history(of id: EventRecordID) async throws -> [RecordedAttempt] {
        try await store.attempts(for: id)
    }

    /// Parked events with their reasons, oldest first.
    public func parkedEvents(
        pixel: PixelID? = nil, after cursor: EventRecordID? = nil, limit: Int = 100
    ) async throws
        -> [EventStatusReport]
    {
        try await store.parkedEvents(pixel: pixel, after: cursor, limit: limit)
    }

    /// Coverage counters of one pixel.
    public func coverage(pixel: PixelID) async throws -> MatchKeyCoverage {
        try await store.coverage(pixel: pixel)
    }

    /// Deletes events delivered more than `retention` ago, and receipts no kept event uses.
    ///
    /// - Returns: how many events were deleted.
    @discardableResult
    public func pruneDelivered(olderThan retention: Duration) async throws -> Int {
        try await store.pruneDelivered(before: clock.now - retention)
    }

    /// Event counts by state.
    public func counts(pixel: PixelID? = nil) async throws -> EventCounts {
        try await store.counts(pixel: pixel)
    }

    // MARK: Replay

    /// The result of a replay.
    public struct ReplayResult: Sendable, Hashable {
        /// Events that are pending again (same event, same `event_id`).
        public var replayed: [EventRecordID]
        /// Events left parked because they no longer pass validation (for example expired).
        public var rejected: [EventValidationIssue]
        /// Ids that were not parked (already delivered, pending, or unknown); left alone.
        public var skipped: [EventRecordID]
    }

    /// Replays one parked event: validates it again and, if it passes, queues it again with
    /// a fresh retry budget and the same `event_id`.
    ///
    /// - Throws: ``DeliveryError/Code/replayRejected`` when validation fails,
    ///   ``DeliveryError/Code/eventNotFound`` when nothing parked has that id.
    public func replay(_ id: EventRecordID) async throws {
        let result = try await replay([id])
        if let issue = result.rejected.first {
            throw DeliveryError(
                code: .replayRejected, message: "event \(id) was not replayed: \(issue.rule): \(issue.message)",
                issues: result.rejected)
        }
        if result.replayed.isEmpty {
            throw DeliveryError(code: .eventNotFound, message: "no parked event has id \(id); list them with parkedEvents()")
        }
    }

    /// Replays many parked events in one call; each is validated again first.
    public func replay(_ ids: [EventRecordID]) async throws -> ReplayResult {
        let now = clock.now
        let validator = EventValidator.forDelivery(configuration.ageLimits, limits: configuration.validationLimits)
        var eligible: [EventRecordID] = []
        var rejected: [EventValidationIssue] = []
        var skipped: [EventRecordID] = []
        for (index, id) in ids.enumerated() {
            guard let report = try await store.status(of: id), report.state == .parked else {
                skipped.append(id)
                continue
            }
            guard let event = try? CAPIJSON.decode(ServerEvent.self, from: Data(report.json.utf8)) else {
                rejected.append(
                    .init(
                        index: index, eventID: report.key.eventID,
                        problem: EventValidationError(
                            field: "", code: .unreadableEvent,
                            message: "the stored event could not be decoded; inspect it with capi show")))
                continue
            }
            let issues = validator.issues(of: event, index: index, now: now)
            if issues.isEmpty {
                eligible.append(id)
            } else {
                rejected += issues
            }
        }
        let replayed = try await store.replay(eligible, at: now)
        skipped += eligible.filter { !replayed.contains($0) }
        logger.debug(
            "replayed parked events",
            metadata: [DeliveryLogKey.eventCount: "\(replayed.count)", "capi.rejected_count": "\(rejected.count)"])
        if !replayed.isEmpty { wake.signal() }
        return ReplayResult(replayed: replayed, rejected: rejected, skipped: skipped)
    }
}
