/// What the app knows about the browser session that produced a conversion: the other
/// input of ``UserDataAssembler``.
///
/// Fill it from the request that converted, or from what was stored with the cart or order
/// when the conversion is reported later (a webhook, a back-office job): never from the
/// server's own address or user agent.
public struct SessionContext: Hashable, Sendable {
    /// The consent the visitor gave. Required: the ``ConsentPolicy`` decides from it.
    public var consent: ConsentSignal
    /// The raw `_fbc` cookie value.
    public var fbcCookie: String?
    /// The raw `_fbp` cookie value (or the fbp stored from ``ClickIDResolver``).
    public var fbpCookie: String?
    /// The latest Meta ad click the app stored for this visitor.
    public var click: ClickRecord?
    /// The cookie domain of the site, for an fbc synthesized from ``click``.
    /// When `nil`, a synthesized fbc uses subdomainIndex 1.
    public var cookieDomain: CookieDomain?
    /// The first-party visitor id, sent hashed as `external_id` when the customer has no user id.
    public var visitorID: VisitorID?
    /// The buyer's addresses, from ``ClientIPResolver`` (one per protocol the app saw).
    /// The first public IPv6 address is sent, else the first public IPv4 address.
    public var clientIPAddresses: [IPAddress]
    /// The buyer's `User-Agent` header.
    public var userAgent: String?

    /// Creates a context.
    public init(
        consent: ConsentSignal, fbcCookie: String? = nil, fbpCookie: String? = nil, click: ClickRecord? = nil,
        cookieDomain: CookieDomain? = nil, visitorID: VisitorID? = nil, clientIPAddresses: [IPAddress] = [],
        userAgent: String? = nil
    ) {
        self.consent = consent
        self.fbcCookie = fbcCookie
        self.fbpCookie = fbpCookie
        self.click = click
        self.cookieDomain = cookieDomain
        self.visitorID = visitorID
        self.clientIPAddresses = clientIPAddresses
        self.userAgent = userAgent
    }
}

extension SessionContext {
    /// The context of a request whose click ids ``ClickIDResolver`` resolved: the `_fbc`
    /// cookie is taken from `request` and the stored click, `_fbp` value and cookie domain
    /// from `resolution`, so nothing is passed twice.
    ///
    /// ```swift
    /// let request = BrowserRequest(url: url, host: host, referer: referer, fbcCookie: cookies["_fbc"],
    ///                              fbpCookie: cookies["_fbp"], storedClick: session.click)
    /// let ids = ClickIDResolver().resolve(request, at: .now, using: &rng)
    /// let context = SessionContext(request, resolution: ids, consent: .granted,
    ///                              clientIPAddresses: [buyerIP], userAgent: userAgent)
    /// ```
    public init(
        _ request: BrowserRequest, resolution: ClickIDResolver.Resolution, consent: ConsentSignal,
        visitorID: VisitorID? = nil, clientIPAddresses: [IPAddress] = [], userAgent: String? = nil
    ) {
        self.init(
            consent: consent, fbcCookie: request.fbcCookie, fbpCookie: resolution.fbp, click: resolution.click,
            cookieDomain: resolution.cookieDomain, visitorID: visitorID, clientIPAddresses: clientIPAddresses,
            userAgent: userAgent)
    }
}

extension SessionContext: CustomStringConvertible, CustomDebugStringConvertible {
    /// Redacted: the buyer's address, user agent and cookie values are personal data, so only
    /// the consent and which fields are filled are shown.
    public var description: String {
        var fields: [String] = []
        if fbcCookie != nil { fields.append("fbc") }
        if fbpCookie != nil { fields.append("fbp") }
        if click != nil { fields.append("click") }
        if visitorID != nil { fields.append("visitor_id") }
        if !clientIPAddresses.isEmpty { fields.append("ip×\(clientIPAddresses.count)") }
        if userAgent != nil { fields.append("user_agent") }
        return
            "SessionContext(consent: \(consent.status.rawValue)\(consent.limitedDataUse != nil ? "+LDU" : ""), <redacted>: \(fields.joined(separator: ", ")))"
    }

    /// Redacted, like ``description``.
    public var debugDescription: String { description }
}
