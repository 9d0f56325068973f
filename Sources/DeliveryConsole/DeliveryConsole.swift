import CAPIModel
public import Delivery
import DeliveryDashboard
public import Logging

/// A live operator console over an event store: what is delivered, pending and parked per
/// pixel, every event's payload and attempts, and replay of parked events.
///
/// The console is a function from ``ConsoleRequest`` to ``ConsoleResponse``, with no server of
/// its own: ``ConsoleServer`` serves it on loopback (`capi serve`), and the Hummingbird and
/// Vapor adapters mount it in an app behind the app's own authentication.
///
/// ```swift
/// let console = DeliveryConsole(store: store, queue: DeliveryQueue(store: store))
/// let response = await console.respond(to: ConsoleRequest(method: "GET", target: "/"))
/// ```
///
/// Safety: `GET` never changes anything; replay is a `POST` that must carry the CSRF field of
/// the page it came from (an HMAC of a per-process secret and the session). With an access
/// token configured, every page needs `Authorization: Bearer` or the session cookie of the
/// login form. Every response carries a strict `Content-Security-Policy`, `nosniff`,
/// `no-referrer` and `no-store`; every value from the store is HTML-escaped. Raw IP addresses
/// and user agents (in the payload) appear only on an event's own page.
public struct DeliveryConsole: Sendable {
    /// How the console behaves.
    public struct Configuration: Sendable {
        /// What the pages call the store (its file name, say).
        public var title = "event store"
        /// Events per page of the event list.
        public var pageSize = 50
        /// When set, every page except the login form needs this token (as a bearer token or
        /// through the login form's session cookie).
        public var accessToken: ConsoleAccessToken?
        /// The path the console is mounted under (`/admin/capi`), or empty for the root. Links
        /// and redirects carry it; requests must start with it.
        public var mountPath = "" {
            didSet { mountPath = Self.normalizedMountPath(mountPath) }
        }
        /// When true, requests whose `Host` is not a loopback name are refused, so that a
        /// page on another site cannot reach a loopback console through DNS rebinding.
        /// ``ConsoleServer`` sets it when it serves without an access token.
        public var requireLoopbackHost = false
        /// Receipts read for the last hour's throughput on the overview.
        public var throughputReceiptLimit = 1_000
        /// Events the list reads at most per page while a time filter skips events.
        public var timeFilterScanLimit = 10_000

        /// The default configuration: root mount path, 50 events per page, no access token.
        public init() {}

        static func normalizedMountPath(_ path: String) -> String {
            var path = path
            while path.hasSuffix("/") { path.removeLast() }
            if !path.isEmpty && !path.hasPrefix("/") { path = "/" + path }
            return path
        }
    }

    let store: any InspectableEventStore
    let queue: DeliveryQueue
    private(set) var configuration: Configuration
    let clock: any DeliveryClock
    let csrf: CSRFToken
    let session: ConsoleSession?
    let logger: Logger

    /// Creates a console.
    ///
    /// - Parameters:
    ///   - store: the store the app delivers from.
    ///   - queue: a queue over the same store; replay goes through `DeliveryQueue.replay(_:)` exactly as
    ///     `capi replay` does, which validates each event again.
    ///   - configuration: page size, access token and mount path.
    ///   - clock: the time source for ages and the last hour; the system clock by default.
    ///   - secret: the key of CSRF tokens and session cookies; 32 random bytes per process by
    ///     default. Pass the same value to every instance behind one load balancer.
    ///   - logger: receives a line per replay (ids and counts only).
    public init(
        store: any InspectableEventStore, queue: DeliveryQueue, configuration: Configuration = Configuration(),
        clock: any DeliveryClock = SystemDeliveryClock(), secret: [UInt8]? = nil,
        logger: Logger = Logger(label: "roasproof.console", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.store = store
        self.queue = queue
        var configuration = configuration
        configuration.mountPath = Configuration.normalizedMountPath(configuration.mountPath)
        self.configuration = configuration
        self.clock = clock
        let key = secret ?? Self.randomSecret()
        self.csrf = CSRFToken(secret: key)
        self.session = configuration.accessToken.map { ConsoleSession(secret: key, accessToken: $0) }
        self.logger = logger
    }

    mutating func configurationOverride(_ change: (inout Configuration) -> Void) { change(&configuration) }

    static func randomSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// Answers `request`. Never throws: a store failure becomes a 500 page that says what
    /// failed, and every response carries the security headers.
    ///
    /// - Parameter request: the request, with the mount path still in its path.
    /// - Returns: the response to send.
    public func respond(to request: ConsoleRequest) async -> ConsoleResponse {
        let response: ConsoleResponse
        do {
            response = try await route(request)
        } catch {
            logger.warning("console request failed", metadata: ["error": "\(error)"])
            response = .html(
                500,
                ConsolePage.layout(
                    title: "Store error", links: links, session: nil,
                    body: "<h1>The store could not be read</h1><p class=\"note\">\(e(String(describing: error)))</p>"))
        }
        var final = SecurityHeaders.applied(to: response)
        if request.method == "HEAD" { final.body = [] }
        return final
    }

    var links: ConsoleLinks { ConsoleLinks(mountPath: configuration.mountPath) }

    private func route(_ request: ConsoleRequest) async throws -> ConsoleResponse {
        if configuration.requireLoopbackHost, !Self.isLoopbackHost(request.header("Host")) {
            return forbidden("This console only answers requests addressed to 127.0.0.1, localhost or [::1].")
        }
        guard let relative = relativePath(request.path) else { return notFound() }
        let route = ConsoleRoute.match(method: request.method, path: relative)
        let sessionID = session?.session(of: request)
        if session != nil, sessionID == nil, !route.isPublic {
            return .html(403, ConsolePage.loginPage(links: links, csrf: csrf.token(session: nil), failed: false))
        }
        if route.changesState {
            // A browser marks a request another site started; refuse it even before the token check.
            if request.header("Sec-Fetch-Site")?.lowercased() == "cross-site" {
                return forbidden("Cross-site requests cannot change the console's store.")
            }
            guard csrf.isValid(request.formValue(CSRFToken.fieldName), session: sessionID) else {
                return forbidden("The form's CSRF token is missing or wrong; reload the page and try again. Nothing was changed.")
            }
        }
        let context = PageContext(links: links, csrf: csrf.token(session: sessionID), title: configuration.title)
        switch route {
        case .overview: return try await overview(request, context: context)
        case .eventList: return try await eventList(request, context: context)
        case .event(let id): return try await eventPage(id, request: request, context: context)
        case .eventState(let id): return try await eventState(id)
        case .replayEvent(let id): return try await replayEvent(id, context: context)
        case .replayParked: return try await replayParked(request, context: context)
        case .login:
            return .html(200, ConsolePage.loginPage(links: links, csrf: csrf.token(session: nil), failed: false))
        case .signIn: return signIn(request)
        case .stylesheet:
            return ConsoleResponse(
                status: 200, headers: [("Content-Type", "text/css; charset=utf-8")], body: Array(ConsoleAssets.stylesheet.utf8))
        case .script:
            return ConsoleResponse(
                status: 200, headers: [("Content-Type", "text/javascript; charset=utf-8")], body: Array(ConsoleAssets.script.utf8)
            )
        case .icon:
            return ConsoleResponse(
                status: 200, headers: [("Content-Type", "image/svg+xml")], body: Array(ConsoleAssets.icon.utf8))
        case .notFound: return notFound()
        case .methodNotAllowed(let allowed):
            var response = ConsoleResponse.html(
                405,
                ConsolePage.layout(
                    title: "Method not allowed", links: links, session: nil,
                    body: "<h1>Method not allowed</h1><p class=\"note\">This address answers \(e(allowed)) only.</p>"))
            response.headers.append(("Allow", allowed))
            return response
        }
    }

    /// The path below the mount path, or `nil` when `path` is outside it.
    func relativePath(_ path: String) -> String? {
        let mount = configuration.mountPath
        guard !mount.isEmpty else { return path }
        if path == mount { return "/" }
        guard path.hasPrefix(mount + "/") else { return nil }
        return String(path.dropFirst(mount.count))
    }

    static func isLoopbackHost(_ host: String?) -> Bool {
        guard let host = host?.lowercased() else { return false }
        let name: Substring
        if host.hasPrefix("[") {
            name = host.split(separator: "]").first.map { $0.dropFirst() } ?? ""
            return name == "::1"
        }
        name = host.split(separator: ":").first ?? ""
        return name == "localhost" || name == "127.0.0.1"
    }

    private func signIn(_ request: ConsoleRequest) -> ConsoleResponse {
        guard let session else { return .redirect(to: links.overview) }
        guard csrf.isValid(request.formValue(CSRFToken.fieldName), session: nil),
            let presented = request.formValue("token"), session.accessToken.matches(Array(presented.utf8))
        else {
            return .html(403, ConsolePage.loginPage(links: links, csrf: csrf.token(session: nil), failed: true))
        }
        var response = ConsoleResponse.redirect(to: links.overview)
        response.headers.append(("Set-Cookie", session.cookie(path: configuration.mountPath)))
        return response
    }

    func forbidden(_ message: String) -> ConsoleResponse {
        .html(
            403,
            ConsolePage.layout(
                title: "Forbidden", links: links, session: nil,
                body: "<h1>Forbidden</h1><p class=\"note\">\(e(message))</p>"))
    }

    func notFound(_ message: String = "There is no such page in the console.") -> ConsoleResponse {
        .html(
            404,
            ConsolePage.layout(
                title: "Not found", links: links, session: nil,
                body: "<h1>Not found</h1><p class=\"note\">\(e(message))</p><p><a href=\"\(e(links.overview))\">Overview</a></p>")
        )
    }
}

/// What every page needs besides its data.
struct PageContext {
    var links: ConsoleLinks
    /// The CSRF token for the request's session, for the forms on the page.
    var csrf: String
    var title: String
}

func e(_ text: String) -> String { HTMLText.escape(text) }
