import CAPIModel
public import CoreMetrics
public import Logging
public import ServiceLifecycle
import Synchronization
public import Tracing

/// Delivers queued events to the Conversions API: a swift-service-lifecycle `Service`.
///
/// It leases due events per pixel in batches (up to 1,000, Meta's limit), sends them with
/// bounded concurrency, classifies each answer, and settles the events: delivered, retried
/// with capped full-jitter backoff, paused with the pixel on throttling, held while the pixel
/// is suspended (its credentials rejected, a wrong pixel id or a token without access to it,
/// a wrong Graph API version or path: ``SuspensionReason``), bisected on code 100 or a short
/// `events_received`, or parked.
///
/// Bisection is bounded: both halves of a split are sent before either is split again, and
/// when both fail with the same request-level answer the batch is settled as one. A batch of n
/// events costs at most 3 requests per round when the failure is the request's, and never
/// more than 2n − 1 (see ``AttemptPlanner``, "Bisection and its bound").
///
/// ```swift
/// let worker = DeliveryWorker(queue: queue, transport: transport, destinations: [destination], logger: logger)
/// let group = ServiceGroup(services: [worker], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
///
/// On graceful shutdown it stops leasing and lets in-flight requests finish and settle;
/// batches not yet sent are released back to the queue. When cancelled, in-flight leases are
/// released. Run one worker per queue.
///
/// Pauses and suspensions are kept in the store as ``PixelHold``s and read back before every
/// round of leasing, so all workers sharing a store (app instances on one PostgreSQL
/// database) honour one 429 or one rejected token together.
public final class DeliveryWorker: Service, Sendable {
    /// Worker settings.
    public struct Configuration: Sendable {
        /// Events per request, at most 1,000 (Meta's limit).
        public var batchSize: Int = EventRequest.maximumEventCount
        /// Requests in flight at once, over all pixels.
        public var maximumConcurrentRequests: Int = 4
        /// How long a leased batch is reserved; after a crash it becomes due again then. While a
        /// batch's requests go on (a bisection can take many), the worker renews the lease
        /// before any request that starts with less than twice ``requestTimeout`` of it left,
        /// so keep it well above that.
        public var leaseDuration: Duration = .seconds(300)
        /// The timeout of one request.
        public var requestTimeout: Duration = .seconds(30)
        /// The longest the worker sleeps when idle before looking at the store again.
        public var idlePollInterval: Duration = .seconds(5)
        /// Retry, pause and backoff rules.
        public var retryPolicy = RetryPolicy()
        /// Release leases left by a crashed worker at start. Keep it on when one worker
        /// owns the store (the usual case); turn it off when several share one database.
        /// Ignored for stores shared across processes (``EventStore/isSharedAcrossProcesses``):
        /// their leases may belong to live workers, and expire by themselves otherwise.
        public var releaseLeasesOnStart = true
        /// Where the `capi.delivery.attempt` span of each request goes (see
        /// ``DeliverySpanAttribute``); the bootstrapped `InstrumentationSystem.tracer` when `nil`.
        public var tracer: (any Tracer)?

        public init() {}
    }

    /// A pixel's delivery status.
    public struct PixelStatus: Sendable {
        /// Whether the pixel sends, is paused by throttling, or is suspended.
        public var gate: PixelGate.State
        /// The error that suspended the pixel, when it is suspended: its code tells the
        /// ``SuspensionReason`` and its message what to fix.
        public var error: DeliveryError?
    }

    private struct State {
        var pixels: PixelTable
        var inFlight = 0
        var shuttingDown = false
    }

    public let queue: DeliveryQueue
    public let configuration: Configuration
    let transport: any Transport
    let clock: any DeliveryClock
    let logger: Logger
    let metrics: DeliveryMetrics
    let planner: AttemptPlanner
    private let state: Mutex<State>

    /// Creates a worker.
    ///
    /// - Parameters:
    ///   - queue: the queue whose store it drains; enqueues wake it.
    ///   - transport: sends requests (`AsyncHTTPClientTransport` in `DeliveryHTTP`).
    ///   - destinations: one per pixel. From now on `queue` refuses events for other pixels
    ///     with ``DeliveryError/Code/unknownPixel``, unless another worker created with it, or
    ///     its ``DeliveryQueue/Configuration/acceptedPixels``, has them. Events of other
    ///     pixels already stored stay queued (`capi status` lists them).
    ///   - configuration: batch size, concurrency, timeouts and the retry policy.
    ///   - clock: the time source; tests inject a manual one.
    ///   - logger: background activity is logged here (info and below, plus one error when
    ///     a pixel's credentials are rejected); no-op by default.
    ///   - metricsFactory: where metrics go; the global factory by default.
    public init(
        queue: DeliveryQueue, transport: any Transport, destinations: [PixelDestination],
        configuration: Configuration = Configuration(), clock: any DeliveryClock = SystemDeliveryClock(),
        logger: Logger = Logger(label: "roasproof.delivery", factory: { _ in SwiftLogNoOpLogHandler() }),
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.queue = queue
        self.transport = transport
        var configuration = configuration
        configuration.batchSize = min(max(1, configuration.batchSize), EventRequest.maximumEventCount)
        configuration.maximumConcurrentRequests = max(1, configuration.maximumConcurrentRequests)
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.metrics = DeliveryMetrics(factory: metricsFactory)
        self.planner = AttemptPlanner(retryPolicy: configuration.retryPolicy, ageLimits: queue.configuration.ageLimits)
        let pixels = PixelTable(destinations: destinations)
        queue.addDestinations(pixels.order)
        self.state = Mutex(State(pixels: pixels))
    }

    // MARK: Control

    /// Replaces a pixel's credentials and resumes it if it was suspended: by a rejected token,
    /// or by a token without access to the pixel (the same token may be passed again once its
    /// access is fixed). A suspension for a wrong Graph API version or path ends when a worker
    /// is started with a corrected ``PixelDestination``. On a store this worker owns (see
    /// ``Configuration/releaseLeasesOnStart``), a suspension of credentials or an endpoint it
    /// no longer sends with is lifted here and at start, since it would hold nobody.
    ///
    /// The store learns that these credentials are no longer considered rejected, so other
    /// workers sharing the store that use the same credentials resume too (for example after
    /// the token's permissions were fixed). Workers still holding credentials Meta rejected
    /// stay suspended until theirs are replaced as well.
    ///
    /// - Throws: ``DeliveryError/Code/unknownPixel`` when no destination has that pixel; a
    ///   store error when the shared state could not be updated (nothing changed then; call
    ///   again).
    public func replaceCredentials(for pixel: PixelID, accessToken: AccessToken, appSecret: AppSecret?) async throws {
        let replacing = state.withLock { $0.pixels.replacing(pixel, accessToken: accessToken, appSecret: appSecret) }
        guard let (destination, previous) = replacing else {
            throw DeliveryError(code: .unknownPixel, message: "no destination is configured for pixel \(pixel)")
        }
        let credentials = CredentialFingerprint(destination)
        let now = clock.now
        var hold = try await queue.store.updatePixelHold(pixel, .credentialsReplaced(with: credentials), at: now)
        if ownsStore && previous != credentials {
            // Nobody else sends with the replaced ones: a suspension of them would hold nobody.
            hold = try await queue.store.updatePixelHold(pixel, .credentialsReplaced(with: previous), at: now)
        }
        state.withLock { $0.pixels.credentialsReplaced(pixel, with: destination, hold: hold, at: now) }
        logger.info("credentials replaced; pixel resumed", metadata: [DeliveryLogKey.pixelID: "\(pixel)"])
        queue.wake.signal()
    }

    /// The delivery status of `pixel`, or `nil` when it is not configured.
    public func status(of pixel: PixelID) -> PixelStatus? {
        state.withLock { state in
            state.pixels[pixel].map { PixelStatus(gate: $0.gate.state, error: $0.suspensionError) }
        }
    }

    // MARK: Service

    public func run() async throws {
        if ownsStore {
            let released = try await queue.store.releaseAllLeases(at: clock.now)
            if released > 0 {
                logger.info("released leases left by an earlier run", metadata: [DeliveryLogKey.eventCount: "\(released)"])
            }
            try await forgetStaleSuspensions()
        }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                await self.schedule(group: &group)
            }
        } onGracefulShutdown: {
            self.state.withLock { $0.shuttingDown = true }
            self.queue.wake.signal()
        }
    }

    /// True when this worker is the only one using the store (an embedded store, with
    /// ``Configuration/releaseLeasesOnStart`` on): what it does not send with, nobody does.
    private var ownsStore: Bool { configuration.releaseLeasesOnStart && !queue.store.isSharedAcrossProcesses }

    /// Lifts the stored suspensions of this worker's pixels that name only credentials or
    /// endpoints it no longer sends with (replaced before a restart, such as a corrected
    /// Graph API version). On a store this worker owns they hold nobody, and left in place
    /// `capi status` would show the pixel suspended while it delivers. A suspension of what it
    /// does send with stays, and holds it.
    private func forgetStaleSuspensions() async throws {
        let now = clock.now
        let holds = try await queue.store.pixelHolds(at: now)
        let current = state.withLock { $0.pixels.credentialsByPixel }
        for (pixel, credentials) in current {
            guard let suspension = holds[pixel]?.suspension else { continue }
            let stale = suspension.rejectedCredentials.subtracting([credentials]).sorted()
            for fingerprint in stale {
                _ = try await queue.store.updatePixelHold(pixel, .credentialsReplaced(with: fingerprint), at: now)
            }
            if !stale.isEmpty {
                logger.info(
                    "lifted a suspension of credentials or an endpoint this worker no longer sends with",
                    metadata: [DeliveryLogKey.pixelID: "\(pixel)", DeliveryLogKey.suspensionReason: "\(suspension.reason)"])
            }
        }
    }

    private func schedule(group: inout DiscardingTaskGroup) async {
        while !Task.isCancelled {
            if state.withLock({ $0.shuttingDown }) { return }
            await refreshHolds()
            let now = clock.now
            var launched = false
            var failed = false
            for pixel in runnablePixels(at: now) {
                guard state.withLock({ $0.inFlight < configuration.maximumConcurrentRequests && !$0.shuttingDown }) else {
                    break
                }
                let batch: [LeasedEvent]
                // Read before leasing, so the lease is never thought to last longer than it does.
                let lease = BatchLease(start: clock.monotonic, duration: configuration.leaseDuration)
                do {
                    batch = try await queue.store.lease(
                        pixel: pixel, now: now, limit: configuration.batchSize, leaseDuration: configuration.leaseDuration)
                } catch {
                    failed = true
                    logger.error(
                        "leasing events failed; will retry",
                        metadata: [DeliveryLogKey.pixelID: "\(pixel)", DeliveryLogKey.error: "\(error)"])
                    continue
                }
                guard !batch.isEmpty else { continue }
                lease.hold(batch)
                state.withLock { $0.inFlight += 1 }
                launched = true
                group.addTask {
                    await self.deliver(batch, pixel: pixel, lease: lease)
                    self.state.withLock { $0.inFlight -= 1 }
                    self.queue.wake.signal()
                }
            }
            if launched, state.withLock({ $0.inFlight < configuration.maximumConcurrentRequests }) {
                continue  // more may be due; keep filling the pipeline
            }
            await waitForWork(now: now, afterFailure: failed)
        }
    }

    /// Reads the holds every worker sharing the store honours, and adopts them.
    private func refreshHolds() async {
        let version = state.withLock { $0.pixels.holdVersion }
        let holds: [PixelID: PixelHold]
        do {
            holds = try await queue.store.pixelHolds(at: clock.now)
        } catch {
            // Keep the local view; leasing will report a store that keeps failing.
            logger.debug("reading pixel holds failed", metadata: [DeliveryLogKey.error: "\(error)"])
            return
        }
        let now = clock.now
        let notices = state.withLock { $0.pixels.adoptStoredHolds(holds, readAtVersion: version, now: now) }
        for notice in notices { report(notice) }
    }

    /// Pixels that may send now, rotated so every pixel gets a turn.
    private func runnablePixels(at now: Timestamp) -> [PixelID] {
        state.withLock { $0.pixels.runnablePixels(at: now) }
    }

    private func waitForWork(now: Timestamp, afterFailure: Bool) async {
        var deadline = now + (afterFailure ? min(configuration.idlePollInterval, .seconds(1)) : configuration.idlePollInterval)
        let (atCapacity, wakeups) = state.withLock { state in
            (state.inFlight >= configuration.maximumConcurrentRequests, state.pixels.wakeups)
        }
        if !atCapacity && !afterFailure {
            for pixel in wakeups.openPixels {
                if let due = try? await queue.store.nextDueTime(pixel: pixel) { deadline = min(deadline, due) }
            }
            for reopening in wakeups.reopenings { deadline = min(deadline, reopening) }
            // Something became due while this round ran: go round again at once.
            if deadline <= clock.now { return }
        }
        let clock = self.clock
        let wake = queue.wake
        let wakeAt = deadline
        await withTaskGroup(of: Void.self) { group in
            if !atCapacity { group.addTask { try? await clock.sleep(until: wakeAt) } }
            group.addTask { await wake.wait() }
            await group.next()
            group.cancelAll()
        }
    }

    // MARK: Delivery of one batch

    /// Parks `events` (already settled by the planner) without a request, and says so.
    private func parkBeforeSending(
        _ events: [EventSettlement], pixel: PixelID, lease: BatchLease, reason: ParkReason.Code, _ message: Logger.Message
    ) async {
        guard !events.isEmpty else { return }
        let unsettled = await settle(Settlement(attempt: nil, events: events), pixel: pixel, lease: lease)
        let parked = events.count(where: { !unsettled.contains($0.id) })
        guard parked > 0 else { return }
        metrics.parked(parked, reason: reason)
        logger.info(message, metadata: [DeliveryLogKey.pixelID: "\(pixel)", DeliveryLogKey.eventCount: "\(parked)"])
    }

    private func deliver(_ batch: [LeasedEvent], pixel: PixelID, lease: BatchLease) async {
        let (readable, unreadable) = planner.partitionUnreadable(batch)
        // Quarantined before any request, so the rest of the batch flows.
        await parkBeforeSending(unreadable, pixel: pixel, lease: lease, reason: .unreadable, "parked unreadable stored events")
        let (send, expired) = planner.partitionExpired(readable, now: clock.now)
        await parkBeforeSending(expired, pixel: pixel, lease: lease, reason: .expired, "parked expired events")
        guard !send.isEmpty else { return }
        await sendAndSettle(send, pixel: pixel, batchCount: send.count, lease: lease)
    }

    /// One request's answer, not yet settled.
    private struct Answer {
        var events: [LeasedEvent]
        /// The destination the request was sent to (its credentials may be replaced meanwhile).
        var destination: PixelDestination
        var classification: Classification
        var receipt: AttemptReceipt
        var elapsed: Duration
    }

    /// Sends `events` (part of a leased batch of `batchCount`) and settles them.
    private func sendAndSettle(_ events: [LeasedEvent], pixel: PixelID, batchCount: Int, lease: BatchLease) async {
        guard let answer = await request(events, pixel: pixel, batchCount: batchCount, lease: lease) else { return }
        await settleAnswer(answer, pixel: pixel, batchCount: batchCount, lease: lease)
    }

    /// Settles one answer as the planner says. A split sends both halves before settling
    /// either: when both fail with the same request-level answer, the failure is the
    /// request's, and the batch is settled as one instead of being split further. That bounds
    /// the requests per batch per round (``AttemptPlanner``, "Bisection and its bound").
    private func settleAnswer(_ answer: Answer, pixel: PixelID, batchCount: Int, lease: BatchLease) async {
        var random = SystemRandomNumberGenerator()
        let plan = planner.plan(answer.classification, batch: answer.events, now: clock.now, using: &random)
        await commit(answer, plan, pixel: pixel, lease: lease)
        guard plan.resend.count == 2 else {
            for part in plan.resend { await sendAndSettle(part, pixel: pixel, batchCount: batchCount, lease: lease) }
            return
        }
        let (first, second) = (plan.resend[0], plan.resend[1])
        guard let firstAnswer = await request(first, pixel: pixel, batchCount: batchCount, lease: lease) else {
            await sendAndSettle(second, pixel: pixel, batchCount: batchCount, lease: lease)  // released: the pixel stopped
            return
        }
        let firstCause = AttemptPlanner.splitCause(of: firstAnswer.classification, eventCount: first.count)
        guard firstCause != nil else {
            // Delivered, or an answer that settles the half by itself (a pause or suspension
            // must be recorded before the other half is sent).
            await settleAnswer(firstAnswer, pixel: pixel, batchCount: batchCount, lease: lease)
            await sendAndSettle(second, pixel: pixel, batchCount: batchCount, lease: lease)
            return
        }
        guard let secondAnswer = await request(second, pixel: pixel, batchCount: batchCount, lease: lease) else {
            await settleAnswer(firstAnswer, pixel: pixel, batchCount: batchCount, lease: lease)
            return
        }
        let parentCause = AttemptPlanner.splitCause(of: answer.classification, eventCount: answer.events.count)
        let secondCause = AttemptPlanner.splitCause(of: secondAnswer.classification, eventCount: second.count)
        guard AttemptPlanner.failsAsOne(parentCause, first: firstCause, second: secondCause) else {
            await settleAnswer(firstAnswer, pixel: pixel, batchCount: batchCount, lease: lease)
            await settleAnswer(secondAnswer, pixel: pixel, batchCount: batchCount, lease: lease)
            return
        }
        // The halves' events, not the parent's: a renewal before either request may have given
        // them a new lease token.
        let whole = planner.planAsOne(
            secondAnswer.classification, batch: firstAnswer.events + secondAnswer.events, now: clock.now, using: &random)
        let firstIDs = Set(first.map(\.id))
        // Each receipt settles the events its request carried.
        await commit(
            firstAnswer, AttemptPlan(events: whole.events.filter { firstIDs.contains($0.id) }), pixel: pixel, lease: lease)
        await commit(
            secondAnswer,
            AttemptPlan(events: whole.events.filter { !firstIDs.contains($0.id) }, pixelAction: whole.pixelAction),
            pixel: pixel, lease: lease)
    }

    /// Sends one request for `events`, part of a leased batch of `batchCount`. Returns `nil`
    /// after releasing the events without counting an attempt when the pixel was paused or
    /// suspended meanwhile, the worker is stopping in the middle of a bisection, or the task
    /// was cancelled mid-request (the request may or may not have reached Meta; a resend is
    /// deduplicated by `event_id`).
    private func request(_ events: [LeasedEvent], pixel: PixelID, batchCount: Int, lease: BatchLease) async -> Answer? {
        let (sending, shuttingDown) = state.withLock { state in
            (state.pixels.sending(pixel, at: clock.now), state.shuttingDown)
        }
        guard let sending, sending.gateOpen, !Task.isCancelled, !(shuttingDown && events.count < batchCount) else {
            let due = sending?.reopensAt ?? clock.now
            await settle(
                Settlement(attempt: nil, events: events.map { .init($0, disposition: .release(at: due)) }),
                pixel: pixel, lease: lease)
            return nil
        }
        let destination = sending.destination
        let events = await keepLeased(events, pixel: pixel, lease: lease)
        guard !events.isEmpty else { return nil }
        return await withDeliverySpan("capi.delivery.attempt", tracer: configuration.tracer, ofKind: .client) { span in
            span.attributes[DeliverySpanAttribute.pixelID] = pixel.rawValue
            span.attributes[DeliverySpanAttribute.batchSize] = events.count
            let answer = await send(events, destination: destination, pixel: pixel, lease: lease)
            if let receipt = answer?.receipt {
                span.attributes[DeliverySpanAttribute.outcome] = receipt.outcome.rawValue
                if let status = receipt.httpStatus { span.attributes[DeliverySpanAttribute.httpStatus] = status }
                if let trace = receipt.fbtraceID { span.attributes[DeliverySpanAttribute.fbtraceID] = trace }
                if let code = receipt.errorCode { span.attributes[DeliverySpanAttribute.graphErrorCode] = code }
                if let subcode = receipt.errorSubcode { span.attributes[DeliverySpanAttribute.graphErrorSubcode] = subcode }
                if receipt.outcome != .delivered {
                    span.setStatus(SpanStatus(code: .error, message: receipt.outcome.rawValue))
                }
            } else {
                span.attributes[DeliverySpanAttribute.outcome] = "cancelled"
            }
            return answer
        }
    }

    /// The request itself: sends, classifies and makes the receipt; `nil` (the events
    /// released) when the task was cancelled mid-request.
    private func send(
        _ events: [LeasedEvent], destination: PixelDestination, pixel: PixelID, lease: BatchLease
    ) async -> Answer? {
        let body = RequestBody.make(events: events, destination: destination)
        let request = TransportRequest(destination: destination, body: body, timeout: configuration.requestTimeout)
        let startedAt = clock.now
        let started = ContinuousClock.now
        let classification: Classification
        var response: TransportResponse?
        var transportError: (any Error)?
        do {
            let received = try await transport.send(request)
            response = received
            classification = ResponseClassifier.classify(received)
        } catch {
            transportError = error
            classification = ResponseClassifier.classify(transportError: error)
        }
        let elapsed = ContinuousClock.now - started

        if transportError != nil, Task.isCancelled {
            await settle(
                Settlement(attempt: nil, events: events.map { .init($0, disposition: .release(at: clock.now)) }),
                pixel: pixel, lease: lease)
            return nil
        }
        let receipt = AttemptReceipt(
            pixel: pixel, startedAt: startedAt, elapsed: elapsed, body: body, eventCount: events.count,
            response: response, transportError: transportError, classification: classification)
        return Answer(
            events: events, destination: destination, classification: classification, receipt: receipt, elapsed: elapsed)
    }

    /// Before a request that could outlive the batch's lease: renews the lease of every event
    /// of the batch still held (fenced), or lets them all go (released, no attempt counted)
    /// when the store cannot renew it, so that none is sent while another worker may lease it.
    /// Returns the events of `events` to send, with their current tokens (none after letting go).
    private func keepLeased(_ events: [LeasedEvent], pixel: PixelID, lease: BatchLease) async -> [LeasedEvent] {
        let started = clock.monotonic
        guard lease.needsRenewal(at: started, requestTimeout: configuration.requestTimeout) else {
            return lease.current(events)
        }
        let held = lease.heldEvents
        let store = queue.store
        let now = clock.now
        let duration = configuration.leaseDuration
        do {
            let renewed = try await Task { try await store.renewLeases(held, now: now, leaseDuration: duration) }.value
            lease.renewed(renewed, start: started, duration: duration)
            reportLostLeases(held.count - renewed.count, pixel: pixel, "a lease ran out before it was renewed")
        } catch {
            logger.warning(
                "renewing a lease failed; the batch's events are released instead of being sent past their lease",
                metadata: [DeliveryLogKey.pixelID: "\(pixel)", DeliveryLogKey.error: "\(error)"])
            await settle(
                Settlement(attempt: nil, events: held.map { .init($0, disposition: .release(at: now)) }),
                pixel: pixel, lease: lease)
        }
        return lease.current(events)
    }

    /// Records an answer: the pixel hold it calls for, then its receipt with `plan`'s
    /// settlements (events being resent stay leased, linked to the receipt).
    private func commit(_ answer: Answer, _ plan: AttemptPlan, pixel: PixelID, lease: BatchLease) async {
        var settled = plan.events
        if !plan.resend.isEmpty {
            settled += answer.events.map { .init($0, disposition: .stillLeased) }
        }
        // The hold goes to the store first: once the events are released, other workers may
        // lease them, and they must already see the pause or suspension when they do.
        let credentials = CredentialFingerprint(answer.destination)
        let hold = await recordHold(for: plan.pixelAction, pixel: pixel, credentials: credentials)
        let unsettled = await settle(Settlement(attempt: answer.receipt, events: settled), pixel: pixel, lease: lease)
        record(
            plan: plan, classification: answer.classification, receipt: answer.receipt, elapsed: answer.elapsed,
            unsettled: unsettled)
        applyPixelAction(plan.pixelAction, pixel: pixel, credentials: credentials, recorded: hold)
    }

    /// Records an attempt's pixel action in the store, for every worker, and returns the
    /// resulting hold; `nil` when there is nothing to record or the store failed.
    /// `credentials` are those the request was sent with.
    private func recordHold(for action: PixelAction, pixel: PixelID, credentials: CredentialFingerprint) async -> PixelHold? {
        let change: PixelHoldChange
        switch action {
        case .none: return nil
        case .pause(let until): change = .pause(until: until)
        case .suspendForCredentials(let graphError): change = .suspend(graphError, credentials: credentials)
        }
        state.withLock { $0.pixels.holdWriteBegan(pixel) }
        let store = queue.store
        let now = clock.now
        do {
            // Outside this task's cancellation, like settlements: other workers must learn of it.
            return try await Task { try await store.updatePixelHold(pixel, change, at: now) }.value
        } catch {
            logger.info(
                "recording the pixel hold in the store failed; other workers will not see it",
                metadata: [DeliveryLogKey.pixelID: "\(pixel)", DeliveryLogKey.error: "\(error)"])
            return nil
        }
    }

    /// Applies an attempt's pixel action to this worker's view, together with the hold the
    /// store returned for it (which may carry other workers' pauses and suspensions). Ends the
    /// write begun by ``recordHold(for:pixel:credentials:)``.
    private func applyPixelAction(
        _ action: PixelAction, pixel: PixelID, credentials: CredentialFingerprint, recorded hold: PixelHold?
    ) {
        let now = clock.now
        let notice = state.withLock { state in
            state.pixels.holdWriteEnded(pixel, action: action, sentWith: credentials, recorded: hold, at: now)
        }
        if let notice { report(notice) }
    }

    /// ``settle(_:pixel:)`` for events of a leased batch: with their current lease tokens, and
    /// no longer held by the batch once settled for good. Returns the events the settle did
    /// not change (see ``settle(_:pixel:)``).
    @discardableResult
    private func settle(_ settlement: Settlement, pixel: PixelID, lease: BatchLease) async -> Set<EventRecordID> {
        await settle(Settlement(attempt: settlement.attempt, events: lease.settling(settlement.events)), pixel: pixel)
    }

    /// Writes a settlement; on failure the events keep their leases and become due again
    /// when the leases expire, so nothing is lost (at worst sent twice, deduplicated by Meta).
    ///
    /// - Returns: the events whose state the settle did not change: those whose lease another
    ///   worker had taken over, or every event when the store failed. The worker's counters
    ///   leave them out, so `capi.delivery.events.delivered` counts what the store recorded.
    private func settle(_ settlement: Settlement, pixel: PixelID) async -> Set<EventRecordID> {
        let store = queue.store
        let now = clock.now
        do {
            // Run outside this task's cancellation, so a shutdown cannot cut a receipt short.
            let result = try await Task { try await store.settle(settlement, at: now) }.value
            // Another worker leased these events after this lease ran out: its settle wins.
            reportLostLeases(result.lostLeases.count, pixel: pixel, "a settle found its lease taken over")
            return Set(result.lostLeases)
        } catch {
            logger.error(
                "settling events failed; they will be retried when their leases expire",
                metadata: [DeliveryLogKey.pixelID: "\(pixel)", DeliveryLogKey.error: "\(error)"])
            return Set(settlement.events.map(\.id))
        }
    }
}
