#if Vapor
public import RoasProof
public import Vapor

/// Reads every request it sees for the Conversions API: recovers the click ids (`fbclid` in
/// the URL or `Referer`, the `_fbc` and `_fbp` cookies, the click remembered for the
/// visitor), keeps or mints the first-party visitor id, resolves the buyer's address behind
/// the client's trusted proxies and keeps the user agent. Routes after it read the result as
/// `request.capi`, and send a conversion with one call; the response gets the cookies the
/// visit needs (a synthesized `_fbc`, a new `_fbp`, the visitor cookie) on the site's domain.
///
/// ```swift
/// app.middleware.use(CAPIMiddleware(client: capi))
/// app.post("checkout") { request in
///     let sent = try await request.capi.send(
///         .purchase(orderID: order.id, value: order.total, currency: "EUR"),
///         customer: CustomerRecord(emails: [form.email]), consent: form.consent)
///     return thankYouPage(firing: sent.pixelSnippet)
/// }
/// ```
///
/// The buyer's address comes from the TCP peer, and from `Forwarded` / `X-Forwarded-For` only
/// when the peer is one of the client's trusted proxies (Vapor's own `peerAddress` believes
/// those headers from anyone, so it is not used).
public struct CAPIMiddleware: AsyncMiddleware {
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
    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let visit = await tracker.visit(PageRequest(request, configuration: tracker.configuration))
        request.storage[CAPIVisitKey.self] = CAPIVisit(visit: visit, client: client)
        let response = try await next.respond(to: request)
        for cookie in visit.cookiesToSet {
            response.headers.add(name: .setCookie, value: cookie.headerValue)
        }
        return response
    }
}

private enum CAPIVisitKey: StorageKey {
    typealias Value = CAPIVisit
}

extension Request {
    /// The request's visit and the client to send its conversions with:
    /// `try await request.capi.send(.purchase(…), customer: …, consent: …)`.
    ///
    /// - Throws: `CAPIClientError` with code `visitNotTracked` when ``CAPIMiddleware`` did
    ///   not run for this route.
    public var capi: CAPIVisit {
        get throws(CAPIClientError) {
            guard let visit = storage[CAPIVisitKey.self] else {
                throw .visitNotTracked(
                    framework: "Vapor",
                    fix: "add it with `app.middleware.use(CAPIMiddleware(client: capi))` or to the route's group")
            }
            return visit
        }
    }
}

extension PageRequest {
    /// What a Vapor request carries for `VisitTracker`.
    public init(_ request: Request, configuration: VisitTracker.Configuration) {
        self.init(
            url: PageRequest.absoluteURL(
                scheme: configuration.publicScheme, authority: request.headers.first(name: .host),
                target: request.url.string),
            referer: request.headers.first(name: .referer),
            fbcCookie: request.cookies["_fbc"]?.string,
            fbpCookie: request.cookies["_fbp"]?.string,
            visitorCookie: request.cookies[configuration.visitorCookieName]?.string,
            peerAddress: request.remoteAddress?.ipAddress,
            forwarded: request.headers[.forwarded],
            xForwardedFor: request.headers[.xForwardedFor],
            userAgent: request.headers.first(name: .userAgent))
    }
}
#endif
