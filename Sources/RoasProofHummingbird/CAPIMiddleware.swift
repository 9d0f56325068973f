#if Hummingbird
import HTTPTypes
public import Hummingbird
public import RoasProof
import NIOCore

/// A Hummingbird request context the ``CAPIMiddleware`` can fill: it keeps the request's
/// `CAPIVisit` and knows the connection's peer address.
///
/// Add the two properties to your own context, or use ``CAPIBasicRequestContext``:
///
/// ```swift
/// struct AppRequestContext: CAPIRequestContext {
///     var coreContext: CoreRequestContextStorage
///     var capiVisit: CAPIVisit?
///     let remoteAddress: SocketAddress?
///
///     init(source: ApplicationRequestContextSource) {
///         coreContext = .init(source: source)
///         remoteAddress = source.channel.remoteAddress
///     }
/// }
/// ```
public protocol CAPIRequestContext: RemoteAddressRequestContext {
    /// The request's visit, set by ``CAPIMiddleware``; read it through ``capi``.
    var capiVisit: CAPIVisit? { get set }
}

extension CAPIRequestContext {
    /// The request's visit and the client to send its conversions with:
    /// `try await context.capi.send(.purchase(…), customer: …, consent: …)`.
    ///
    /// - Throws: `CAPIClientError` with code `visitNotTracked` when ``CAPIMiddleware`` did
    ///   not run for this route.
    public var capi: CAPIVisit {
        get throws(CAPIClientError) {
            guard let capiVisit else {
                throw .visitNotTracked(
                    framework: "Hummingbird",
                    fix: "add it with `router.add(middleware: CAPIMiddleware(client: capi))` before the route")
            }
            return capiVisit
        }
    }
}

/// The smallest ``CAPIRequestContext``: Hummingbird's basic context, the peer's address and
/// the visit.
public struct CAPIBasicRequestContext: CAPIRequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The request's visit, set by ``CAPIMiddleware``.
    public var capiVisit: CAPIVisit?
    /// The address of the connection's peer (a proxy, or the browser itself).
    public let remoteAddress: SocketAddress?

    /// Creates the context of a request arriving on `source`'s channel.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}

/// Reads every request it sees for the Conversions API: recovers the click ids (`fbclid` in
/// the URL or `Referer`, the `_fbc` and `_fbp` cookies, the click remembered for the
/// visitor), keeps or mints the first-party visitor id, resolves the buyer's address behind
/// the client's trusted proxies and keeps the user agent. Routes after it read the result as
/// `context.capi`, and send a conversion with one call; the response gets the cookies the
/// visit needs (a synthesized `_fbc`, a new `_fbp`, the visitor cookie) on the site's domain.
///
/// ```swift
/// let router = Router(context: CAPIBasicRequestContext.self)
/// router.add(middleware: CAPIMiddleware(client: capi))
/// router.post("/checkout") { request, context in
///     let sent = try await context.capi.send(
///         .purchase(orderID: order.id, value: order.total, currency: "EUR"),
///         customer: CustomerRecord(emails: [form.email]), consent: form.consent)
///     return thankYouPage(firing: sent.pixelSnippet)
/// }
/// ```
public struct CAPIMiddleware<Context: CAPIRequestContext>: RouterMiddleware {
    /// The client conversions are sent with.
    public let client: CAPIClient
    /// Reads each request; it trusts the client's proxies.
    public let tracker: VisitTracker

    /// Creates the middleware.
    ///
    /// - Parameters:
    ///   - client: the client conversions are sent with; its trusted proxies decide whose
    ///     forwarding headers are believed.
    ///   - configuration: cookie domain and name, and the public scheme of the site.
    ///   - memory: where each visitor's click and fbp are kept between requests; `nil` keeps
    ///     nothing on the server and relies on the cookies.
    public init(
        client: CAPIClient, configuration: VisitTracker.Configuration = VisitTracker.Configuration(),
        memory: (any VisitorMemory)? = nil
    ) {
        self.client = client
        self.tracker = client.visitTracker(configuration: configuration, memory: memory)
    }

    /// Tracks the visit, runs the route with it, and adds the visit's cookies to the response.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let visit = await tracker.visit(PageRequest(request, context: context, configuration: tracker.configuration))
        var context = context
        context.capiVisit = CAPIVisit(visit: visit, client: client)
        var response = try await next(request, context)
        for cookie in visit.cookiesToSet {
            response.headers.append(HTTPField(name: .setCookie, value: cookie.headerValue))
        }
        return response
    }
}

extension PageRequest {
    /// What a Hummingbird request carries for `VisitTracker`.
    public init(_ request: Request, context: some RemoteAddressRequestContext, configuration: VisitTracker.Configuration) {
        self.init(
            url: PageRequest.absoluteURL(
                scheme: configuration.publicScheme, authority: request.head.authority, target: request.uri.description),
            referer: request.headers[.referer],
            fbcCookie: request.cookies["_fbc"]?.value,
            fbpCookie: request.cookies["_fbp"]?.value,
            visitorCookie: request.cookies[configuration.visitorCookieName]?.value,
            peerAddress: context.remoteAddress?.ipAddress,
            forwarded: request.headers[values: .forwarded],
            xForwardedFor: request.headers[values: .xForwardedFor],
            userAgent: request.headers[.userAgent])
    }
}

// Valid header names, so the initializer cannot fail.
extension HTTPField.Name {
    fileprivate static let forwarded = HTTPField.Name("Forwarded")!
    fileprivate static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
#endif
