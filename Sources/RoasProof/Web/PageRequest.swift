/// What a web framework adapter reads from one HTTP request for ``VisitTracker``: the page's
/// URL, the `Referer`, Meta's cookies and the visitor cookie, the TCP peer with the forwarding
/// headers, and the user agent.
///
/// `RoasProofHummingbird` and `RoasProofVapor` fill it from their request types; an app on
/// another framework fills it the same way.
public struct PageRequest: Sendable {
    /// The page's absolute URL as the visitor sees it (scheme, host, path and query).
    public var url: String
    /// The `Referer` header, where a click id can also arrive.
    public var referer: String?
    /// The raw `_fbc` cookie value.
    public var fbcCookie: String?
    /// The raw `_fbp` cookie value.
    public var fbpCookie: String?
    /// The raw value of the first-party visitor cookie (``VisitTracker/Configuration/visitorCookieName``).
    public var visitorCookie: String?
    /// The address of the connection's peer: a proxy, or the browser itself.
    public var peerAddress: String?
    /// Every `Forwarded` header, in order; believed only from a trusted proxy.
    public var forwarded: [String]
    /// Every `X-Forwarded-For` header, in order; believed only from a trusted proxy.
    public var xForwardedFor: [String]
    /// The `User-Agent` header.
    public var userAgent: String?

    /// Creates a request description; every field but the URL is optional.
    public init(
        url: String, referer: String? = nil, fbcCookie: String? = nil, fbpCookie: String? = nil,
        visitorCookie: String? = nil, peerAddress: String? = nil, forwarded: [String] = [],
        xForwardedFor: [String] = [], userAgent: String? = nil
    ) {
        self.url = url
        self.referer = referer
        self.fbcCookie = fbcCookie
        self.fbpCookie = fbpCookie
        self.visitorCookie = visitorCookie
        self.peerAddress = peerAddress
        self.forwarded = forwarded
        self.xForwardedFor = xForwardedFor
        self.userAgent = userAgent
    }

    /// The absolute URL of a request behind `authority` (the `Host`), with its request target
    /// (`/path?query`), on `scheme`: what adapters pass as ``url``.
    public static func absoluteURL(scheme: String, authority: String?, target: String) -> String {
        "\(scheme)://\(authority ?? "localhost")\(target.hasPrefix("/") ? target : "/" + target)"
    }
}

extension PageRequest: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Redacted: URLs, cookies, addresses and the user agent are personal data, so only which
    /// fields are filled is shown.
    public var description: String {
        var fields = ["url"]
        if referer != nil { fields.append("referer") }
        if fbcCookie != nil { fields.append("fbc") }
        if fbpCookie != nil { fields.append("fbp") }
        if visitorCookie != nil { fields.append("visitor") }
        if peerAddress != nil { fields.append("peer") }
        if !forwarded.isEmpty || !xForwardedFor.isEmpty { fields.append("forwarded") }
        if userAgent != nil { fields.append("user_agent") }
        return "PageRequest(<redacted>: \(fields.joined(separator: ", ")))"
    }

    /// Redacted, like ``description``.
    public var debugDescription: String { description }

    /// Redacted, like ``description``: reflection (`dump`, `Mirror`) sees no fields.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
