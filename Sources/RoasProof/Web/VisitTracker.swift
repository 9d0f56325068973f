public import CAPIModel
public import Matching

/// Reads a page request the way every framework adapter does: recovers the click ids
/// (`fbclid` in the URL or `Referer`, the `_fbc` and `_fbp` cookies, the click remembered for
/// the visitor), keeps or mints the first-party visitor id, resolves the buyer's address
/// behind trusted proxies and keeps the user agent.
///
/// ``visit(_:remembered:at:using:)`` is the pure part; ``visit(_:at:)`` adds the
/// ``VisitorMemory`` round trip. The Hummingbird and Vapor middlewares call the latter on
/// every request they see and set ``BrowserVisit/cookiesToSet`` on the response.
public struct VisitTracker: Sendable {
    /// How the site's cookies and URLs look.
    public struct Configuration: Sendable {
        /// The domain `_fbc`, `_fbp` and the visitor cookie are set on; `nil` works it out
        /// from each request's host with the Public Suffix List (`shop.example.co.uk` →
        /// `example.co.uk`), so the cookies are shared by the site's subdomains.
        public var cookieDomain: CookieDomain?
        /// The name of the first-party visitor cookie.
        public var visitorCookieName: String
        /// The scheme visitors use, for the page's absolute URL when TLS ends at a proxy and
        /// the app itself is reached over plain HTTP.
        public var publicScheme: String
        /// The list that decides where a registrable domain starts.
        public var publicSuffixList: PublicSuffixList

        /// Creates a configuration.
        public init(
            cookieDomain: CookieDomain? = nil, visitorCookieName: String = VisitorID.defaultCookieName,
            publicScheme: String = "https", publicSuffixList: PublicSuffixList = .shipped
        ) {
            self.cookieDomain = cookieDomain
            self.visitorCookieName = visitorCookieName
            self.publicScheme = publicScheme
            self.publicSuffixList = publicSuffixList
        }
    }

    /// The configuration.
    public let configuration: Configuration
    /// Resolves the buyer's address; it trusts forwarding headers only from its proxies.
    public let addressResolver: ClientIPResolver
    /// Where clicks and fbp values are kept per visitor; `nil` keeps nothing on the server.
    public let memory: (any VisitorMemory)?
    private let clickResolver: ClickIDResolver

    /// Creates a tracker.
    ///
    /// - Parameters:
    ///   - configuration: cookie domain and name, public scheme.
    ///   - trustedProxies: the proxies whose `Forwarded` / `X-Forwarded-For` headers are
    ///     believed (a `CAPIClient`'s ``CAPIClient/trustedProxies`` in the middlewares).
    ///   - memory: where to keep each visitor's click and fbp between requests.
    public init(
        configuration: Configuration = Configuration(), trustedProxies: [IPAddressRange] = [],
        memory: (any VisitorMemory)? = nil
    ) {
        self.configuration = configuration
        self.addressResolver = ClientIPResolver(trustedProxies: trustedProxies)
        self.memory = memory
        self.clickResolver = ClickIDResolver(
            publicSuffixList: configuration.publicSuffixList, cookieDomain: configuration.cookieDomain)
    }

    /// Reads `request`, consulting and updating ``memory``.
    public func visit(_ request: PageRequest, at now: Timestamp = .now) async -> BrowserVisit {
        var rng = SystemRandomNumberGenerator()
        let returning = VisitorID(cookieValue: request.visitorCookie)
        let remembered: RememberedVisit? = if let returning, let memory { await memory.recall(returning) } else { nil }
        let visit = visit(request, returning: returning, remembered: remembered, at: now, using: &rng)
        if let memory {
            let latest = RememberedVisit(click: visit.clickIDs.click, fbp: visit.clickIDs.fbp)
            if latest != remembered { await memory.remember(latest, for: visit.visitorID) }
        }
        return visit
    }

    /// Reads `request` given what was remembered for its visitor: no I/O.
    ///
    /// - Parameters:
    ///   - request: the request's URL, headers and cookies.
    ///   - remembered: the visitor's remembered click and fbp, used when the request has none.
    ///   - now: the landing time of a new click and the creation time of a new fbp.
    ///   - rng: the source of a new visitor id and a new fbp.
    public func visit(
        _ request: PageRequest, remembered: RememberedVisit?, at now: Timestamp,
        using rng: inout some RandomNumberGenerator
    ) -> BrowserVisit {
        visit(request, returning: VisitorID(cookieValue: request.visitorCookie), remembered: remembered, at: now, using: &rng)
    }

    /// The pure part, given the visitor cookie already read (`nil`: none, or not a valid id).
    private func visit(
        _ request: PageRequest, returning: VisitorID?, remembered: RememberedVisit?, at now: Timestamp,
        using rng: inout some RandomNumberGenerator
    ) -> BrowserVisit {
        let visitor = returning ?? VisitorID.mint(using: &rng)
        let browserRequest = BrowserRequest(
            url: request.url, referer: request.referer, fbcCookie: request.fbcCookie,
            // A browser that lost `_fbp` keeps the one remembered rather than getting a new one.
            fbpCookie: request.fbpCookie ?? remembered?.fbp, storedClick: remembered?.click)
        let clickIDs = clickResolver.resolve(browserRequest, at: now, using: &rng)
        var cookies = clickIDs.cookiesToSet
        if request.fbpCookie == nil, !clickIDs.fbpIsNew, let fbp = clickIDs.fbp, let domain = clickIDs.cookieDomain {
            // The remembered fbp goes back into the browser.
            cookies.append(SetCookie(name: "_fbp", value: fbp, domain: domain, maxAge: clickResolver.cookieMaxAge))
        }
        if returning == nil, let domain = clickIDs.cookieDomain {
            cookies.append(visitor.cookie(on: domain, name: configuration.visitorCookieName))
        }
        let address = addressResolver.resolve(
            peerAddress: request.peerAddress, forwarded: request.forwarded, xForwardedFor: request.xForwardedFor
        ).address
        return BrowserVisit(
            visitorID: visitor, isNewVisitor: returning == nil, pageURL: request.url, browserRequest: browserRequest,
            clickIDs: clickIDs, clientIPAddresses: address.map { [$0] } ?? [], userAgent: request.userAgent,
            cookiesToSet: cookies)
    }
}
