import CAPIModel
public import Configuration
public import DatasetQuality
public import Dedup
public import Delivery
public import DeliveryHTTP
import DeliveryPostgres
import DeliverySQLite
public import Logging
public import Matching
public import ServiceLifecycle
public import CoreMetrics
public import Tracing
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The Conversions API in one call: a `Service` that owns the store, the queue and the worker
/// for one or more pixels.
///
/// ```swift
/// let capi = try await CAPIClient()   // CAPI_PIXELS, CAPI_ACCESS_TOKEN, CAPI_STORE, ... from the environment
/// // Run it beside your HTTP server: ServiceGroup(services: [capi, server], ...)
/// let sent = try await capi.send(.purchase(orderID: "84213", value: 184.50, currency: "EUR", sourceURL: pageURL),
///                                customer: CustomerRecord(emails: [email], country: "France"),
///                                session: SessionContext(consent: .granted, fbcCookie: cookies["_fbc"],
///                                                        fbpCookie: cookies["_fbp"], userAgent: userAgent))
/// html += "<script>\(sent.pixelSnippet)</script>"   // the browser pixel, with the same event_id
/// ```
///
/// ``send(_:customer:session:to:)`` builds the complete `user_data` (hashed, with consent
/// applied for each destination), derives the deterministic `event_id`, and stores one event
/// per pixel durably, in one commit, before it returns. ``run()`` delivers them: batched,
/// retried, paused on rate limits, parked when refused, with a receipt for every attempt;
/// each pixel has its own receipts, pauses and suspensions. The lower-level types
/// (`UserDataAssembler`, `DeliveryQueue`, `DeliveryWorker`, the stores) stay available for
/// apps that need each step.
public final class CAPIClient: Service, Sendable {
    /// The pixels conversions are sent to, in order, with their consent policies.
    public let destinations: [Settings.Destination]
    /// The queue: for inspection and replays (`queue.store`), or to enqueue events built
    /// step by step.
    public let queue: DeliveryQueue
    let worker: DeliveryWorker
    /// The store as a service (both stores of the library are), run before the worker and
    /// stopped after it; `nil` for a store that needs no running (the in-memory store of tests).
    let storeService: (any Service)?
    /// Takes Dataset Quality snapshots beside delivery, when the client was asked to.
    public let qualityMonitor: DatasetQualityMonitor?
    let destinationsByPixel: [PixelID: Settings.Destination]
    let buyerAddressResolver: ClientIPResolver
    let logger: Logger
    let tracer: (any Tracer)?

    /// Creates a client over `store`: any `EventStore`, for example the in-memory store of
    /// `DeliveryTesting` in your tests. ``run()`` runs the store too when it is a `Service`.
    ///
    /// - Parameters:
    ///   - destinations: the pixels every conversion is sent to; the queue refuses others.
    ///   - store: where events wait for delivery, with their receipts.
    ///   - trustedProxies: see ``Settings/trustedProxies``.
    ///   - transport: sends requests; `AsyncHTTPClientTransport` by default.
    ///   - workerConfiguration: batch size, retry policy and the rest of the worker's settings.
    ///   - qualityMonitoring: when given, ``run()`` also runs a `DatasetQualityMonitor` for the
    ///     pixels (their tokens need `ads_read` and `ads_management` or `business_management`), keeping Meta's Event Match
    ///     Quality snapshots in the store for `capi status`, `capi quality` and the report. Needs
    ///     a store that keeps snapshots (every store of the library does); ignored otherwise.
    ///   - logger: the client's, the worker's and the store's background messages; no-op by default.
    ///   - metricsFactory: where the queue's and the worker's metrics go; the global factory by default.
    ///   - tracer: where the spans of sends, enqueues and delivery attempts go (see
    ///     `DeliverySpanAttribute`); the bootstrapped `InstrumentationSystem.tracer` when `nil`.
    public init(
        destinations: [Settings.Destination], store: any EventStore, trustedProxies: [IPAddressRange] = [],
        transport: any Transport = AsyncHTTPClientTransport(),
        workerConfiguration: DeliveryWorker.Configuration = DeliveryWorker.Configuration(),
        qualityMonitoring: DatasetQualityMonitor.Configuration? = nil,
        logger: Logger = Logger(label: "roasproof", factory: { _ in SwiftLogNoOpLogHandler() }),
        metricsFactory: any MetricsFactory = MetricsSystem.factory, tracer: (any Tracer)? = nil
    ) {
        self.destinations = destinations
        self.tracer = tracer
        var workerConfiguration = workerConfiguration
        if workerConfiguration.tracer == nil { workerConfiguration.tracer = tracer }
        self.storeService = store as? any Service
        self.logger = logger
        var queueConfiguration = DeliveryQueue.Configuration()
        queueConfiguration.acceptedPixels = Set(destinations.map(\.pixel.pixelID))
        queueConfiguration.tracer = tracer
        self.queue = DeliveryQueue(
            store: store, configuration: queueConfiguration, logger: logger, metricsFactory: metricsFactory)
        self.worker = DeliveryWorker(
            queue: queue, transport: transport, destinations: destinations.map(\.pixel),
            configuration: workerConfiguration, logger: logger, metricsFactory: metricsFactory)
        self.destinationsByPixel = Dictionary(
            destinations.map { ($0.pixel.pixelID, $0) }, uniquingKeysWith: { first, _ in first })
        self.buyerAddressResolver = ClientIPResolver(trustedProxies: trustedProxies)
        if let qualityMonitoring, let snapshots = store as? any QualitySnapshotStore & EventStore {
            self.qualityMonitor = DatasetQualityMonitor(
                destinations: destinations.map(\.pixel), store: snapshots, configuration: qualityMonitoring, logger: logger,
                metricsFactory: metricsFactory)
        } else {
            self.qualityMonitor = nil
        }
    }

    /// Creates a client from `settings` and opens its store: a SQLite file is opened (created
    /// when missing) here; a PostgreSQL store connects when ``run()`` starts.
    ///
    /// - Throws: a `DeliveryError` when the store cannot be opened (a file that is not a
    ///   RoasProof store is refused and left as it was) or the `postgres://` URL is malformed.
    public convenience init(
        settings: Settings, transport: any Transport = AsyncHTTPClientTransport(),
        workerConfiguration: DeliveryWorker.Configuration = DeliveryWorker.Configuration(),
        logger: Logger = Logger(label: "roasproof", factory: { _ in SwiftLogNoOpLogHandler() }),
        metricsFactory: any MetricsFactory = MetricsSystem.factory, tracer: (any Tracer)? = nil
    ) async throws {
        let store: any EventStore
        switch settings.store {
        case .sqlite(let path):
            store = try await SQLiteEventStore.open(path: path, logger: logger)
        case .postgres(let url):
            store = PostgresEventStore(clientConfiguration: try PostgresEventStore.clientConfiguration(url: url), logger: logger)
        }
        let qualityMonitoring = settings.qualityInterval.map { interval in
            var configuration = DatasetQualityMonitor.Configuration()
            configuration.interval = interval
            return configuration
        }
        self.init(
            destinations: settings.destinations, store: store, trustedProxies: settings.trustedProxies, transport: transport,
            workerConfiguration: workerConfiguration, qualityMonitoring: qualityMonitoring, logger: logger,
            metricsFactory: metricsFactory, tracer: tracer)
    }

    /// Creates a client from the settings in `config` (see ``Settings/init(config:)`` for the
    /// keys), for example `ConfigReader(provider: EnvironmentVariablesProvider())`.
    ///
    /// - Throws: ``CAPIClientError`` naming a missing or malformed setting (never its value);
    ///   then the errors of ``init(settings:transport:workerConfiguration:logger:metricsFactory:tracer:)``.
    public convenience init(
        config: ConfigReader, transport: any Transport = AsyncHTTPClientTransport(),
        logger: Logger = Logger(label: "roasproof", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws {
        try await self.init(settings: Settings(config: config), transport: transport, logger: logger)
    }

    /// Creates a client from environment variables (`CAPI_PIXELS`, `CAPI_ACCESS_TOKEN`,
    /// `CAPI_STORE`, ...; see ``Settings/init(config:)``): the process's own by default.
    ///
    /// - Throws: ``CAPIClientError`` naming a missing or malformed variable (never its value);
    ///   then the errors of ``init(settings:transport:workerConfiguration:logger:metricsFactory:tracer:)``.
    public convenience init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: any Transport = AsyncHTTPClientTransport(),
        logger: Logger = Logger(label: "roasproof", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws {
        try await self.init(
            config: ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: environment)),
            transport: transport, logger: logger)
    }

    // MARK: Sending

    /// Builds the event and stores it durably for each destination before returning.
    ///
    /// For each destination (or each of `pixels`): `user_data` is assembled from `customer`
    /// and `session` with that destination's consent policy; an event the policy drops is not
    /// stored for it. Every stored event has the same `event_id`, derived from the
    /// conversion's key. All of them are stored in one commit: either every destination has
    /// the event, or (when this throws) none does.
    ///
    /// Sending the same conversion again stores nothing new (the store reports it as a
    /// duplicate), so a retried request handler cannot double-count.
    ///
    /// - Parameters:
    ///   - conversion: what happened: the event name, its business key and custom data.
    ///   - customer: the customer's raw identifiers; they are normalized and hashed here.
    ///   - session: the browser request's consent signal, cookies, addresses and user agent.
    ///   - pixels: the pixels to send to; every configured pixel when `nil`.
    /// - Returns: the `event_id`, the browser pixel's hand-off and, per pixel, what was stored
    ///   and the provenance of every key.
    /// - Throws: ``CAPIClientError/Code/unknownPixel`` for a pixel without a destination;
    ///   `EventIDError` for an unusable order id or key; `DeliveryError` with
    ///   `invalidEvent` when the event cannot be sent (nothing is stored), or a store error.
    @discardableResult
    public func send(
        _ conversion: Conversion, customer: CustomerRecord, session: SessionContext, to pixels: [PixelID]? = nil
    ) async throws -> SentConversion {
        try await withDeliverySpan("capi.send", tracer: tracer) { span in
            span.attributes[DeliverySpanAttribute.eventName] = conversion.eventName.rawValue
            let targets = try targets(pixels)
            let eventID = try EventID.make(eventName: conversion.eventName, businessKey: conversion.key)
            span.attributes[DeliverySpanAttribute.eventID] = eventID.rawValue
            span.attributes[DeliverySpanAttribute.pixelCount] = targets.count
            let template = ServerEvent(
                eventName: conversion.eventName, eventTime: conversion.eventTime, actionSource: conversion.actionSource,
                customData: conversion.customData, eventID: eventID, eventSourceURL: conversion.sourceURL)

            // One assembly, validation and encoding per distinct consent policy (hashing and
            // encoding are the costly part); pixels with the same policy store the same JSON.
            var built: [ConsentPolicy: (event: BuiltEvent, prepared: PendingEvent?)] = [:]
            var pending: [PendingEvent] = []
            var outcomes: [SentConversion.Destination] = []
            for destination in targets {
                let pixel = destination.pixel.pixelID
                let done: (event: BuiltEvent, prepared: PendingEvent?)
                if let earlier = built[destination.consentPolicy] {
                    done = earlier
                } else {
                    let event = UserDataAssembler(consentPolicy: destination.consentPolicy)
                        .makeEvent(template, customer: customer, session: session)
                    done = (event, try event.event.map { try queue.prepare([$0], pixel: pixel)[0] })
                    built[destination.consentPolicy] = done
                }
                if var prepared = done.prepared {
                    prepared.key.pixelID = pixel
                    pending.append(prepared)
                    outcomes.append(.init(pixelID: pixel, status: .queued, assembled: done.event.assembled))
                } else {
                    outcomes.append(.init(pixelID: pixel, status: .droppedByConsent, assembled: done.event.assembled))
                }
            }
            if !pending.isEmpty {
                let result = try await queue.enqueue(prepared: pending)
                span.attributes[DeliverySpanAttribute.insertedCount] = result.insertedCount
                let duplicates = Set(result.duplicates.map(\.pixelID))
                for index in outcomes.indices where duplicates.contains(outcomes[index].pixelID) {
                    outcomes[index].status = .alreadyQueued
                }
            }
            let sent = outcomes.contains { $0.status != .droppedByConsent }
            let handoff =
                sent
                ? try PixelHandoff(eventName: conversion.eventName, eventID: eventID, customData: conversion.customData) : nil
            return SentConversion(eventID: eventID, pixelHandoff: handoff, destinations: outcomes)
        }
    }

    private func targets(_ pixels: [PixelID]?) throws(CAPIClientError) -> [Settings.Destination] {
        guard let pixels else { return destinations }
        var targets: [Settings.Destination] = []
        for pixel in pixels {
            guard let destination = destinationsByPixel[pixel] else {
                throw CAPIClientError(
                    code: .unknownPixel,
                    message: "no destination is configured for pixel \(pixel) (configured: "
                        + "\(destinations.map(\.pixel.pixelID.rawValue).joined(separator: ", "))); "
                        + "check the pixel id or add it to capi.pixels (CAPI_PIXELS)")
            }
            if !targets.contains(where: { $0.pixel.pixelID == pixel }) { targets.append(destination) }
        }
        return targets
    }

    /// The buyer's addresses for `SessionContext.clientIPAddresses`: the TCP peer, or the
    /// nearest untrusted address in the `Forwarded` / `X-Forwarded-For` headers when the peer
    /// is one of ``Settings/trustedProxies``.
    public func buyerAddresses(peerAddress: String?, forwarded: [String] = [], xForwardedFor: [String] = []) -> [IPAddress] {
        let resolution = buyerAddressResolver.resolve(
            peerAddress: peerAddress, forwarded: forwarded, xForwardedFor: xForwardedFor)
        return resolution.address.map { [$0] } ?? []
    }

    /// The proxies whose `Forwarded` / `X-Forwarded-For` headers are believed.
    public var trustedProxies: [IPAddressRange] { buyerAddressResolver.trustedProxies }

    /// A tracker for page requests that trusts the same proxies as this client.
    ///
    /// - Parameters:
    ///   - configuration: cookie domain and name, public scheme.
    ///   - memory: where each visitor's click and fbp are kept between requests.
    public func visitTracker(
        configuration: VisitTracker.Configuration = VisitTracker.Configuration(), memory: (any VisitorMemory)? = nil
    ) -> VisitTracker {
        VisitTracker(configuration: configuration, trustedProxies: trustedProxies, memory: memory)
    }

    // MARK: Service

    /// Runs the store and delivers until graceful shutdown (or cancellation); then the
    /// worker settles its last batch before the store closes.
    public func run() async throws {
        let services: [any Service] = (storeService.map { [$0] } ?? []) + [worker] + (qualityMonitor.map { [$0] } ?? [])
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: services.map { .init(service: $0) }, logger: logger))
        try await withGracefulShutdownHandler {
            try await group.run()
        } onGracefulShutdown: {
            Task { await group.triggerGracefulShutdown() }
        }
    }
}

/// What ``CAPIClient/send(_:customer:session:to:)`` did.
public struct SentConversion: Sendable {
    /// What happened at one destination.
    public struct Destination: Sendable {
        /// Whether an event was stored for the pixel.
        public enum Status: String, Sendable, Hashable {
            /// Stored now; the worker delivers it.
            case queued
            /// The same event (pixel, event name and `event_id`) was stored before; nothing new.
            case alreadyQueued = "already_queued"
            /// The destination's consent policy drops the event for this session's signal.
            case droppedByConsent = "dropped_by_consent"
        }

        /// The pixel.
        public var pixelID: PixelID
        /// What was done for it.
        public var status: Status
        /// The `user_data` sent to it, with the provenance of every key (hashed, passed
        /// through, synthesized, rejected with the reason, withheld by consent).
        public var assembled: AssembledUserData
    }

    /// The `event_id` of every stored copy and of the browser pixel's.
    public var eventID: EventID
    /// The browser pixel's call with the same `event_id`; `nil` when no destination got the
    /// event (consent), so the page should not fire the pixel either.
    public var pixelHandoff: PixelHandoff?
    /// One entry per destination, in the order of the settings.
    public var destinations: [Destination]

    /// ``pixelHandoff``'s `fbq(…)` statement, safe inside `<script>`; empty when there is none.
    public var pixelSnippet: String { pixelHandoff?.scriptSnippet ?? "" }
}
