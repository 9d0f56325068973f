public import Matching

/// What ``VisitTracker`` learned from one page request: the visitor, the click ids, the
/// buyer's address and user agent, and the cookies the response must set.
///
/// ``session(consent:)`` turns it into the `SessionContext` a conversion is sent with.
public struct BrowserVisit: Hashable, Sendable {
    /// The first-party visitor id: the one in the visitor cookie, or a new one.
    public var visitorID: VisitorID
    /// Whether ``visitorID`` was minted for this request (no valid visitor cookie came with it).
    public var isNewVisitor: Bool
    /// The page's absolute URL, the default `event_source_url` of a conversion sent from it.
    public var pageURL: String
    /// The request's click ids as read (its `_fbc` cookie is what a conversion sends when valid).
    public var browserRequest: BrowserRequest
    /// fbc and fbp as resolved: the click captured now or remembered, the kept or new fbp.
    public var clickIDs: ClickIDResolver.Resolution
    /// The buyer's address: the TCP peer, or the nearest untrusted forwarded address when the
    /// peer is a trusted proxy. Empty when none could be read.
    public var clientIPAddresses: [IPAddress]
    /// The buyer's `User-Agent` header.
    public var userAgent: String?
    /// The `Set-Cookie` headers the response must carry: a synthesized `_fbc`, a new `_fbp`,
    /// and the visitor cookie for a new visitor (each on the site's cookie domain).
    public var cookiesToSet: [SetCookie]

    /// The fbc a conversion from this request sends, if any.
    public var fbc: String? { clickIDs.fbc }
    /// The fbp a conversion from this request sends.
    public var fbp: String? { clickIDs.fbp }

    /// The session a conversion from this request is sent with, under `consent` (from the
    /// app's consent banner; the destination's consent policy decides what it allows).
    public func session(consent: ConsentSignal) -> SessionContext {
        SessionContext(
            browserRequest, resolution: clickIDs, consent: consent, visitorID: visitorID,
            clientIPAddresses: clientIPAddresses, userAgent: userAgent)
    }
}

extension BrowserVisit: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Redacted: click ids, addresses and the user agent are personal data, so only which are
    /// present and how many cookies are set is shown.
    public var description: String {
        var fields: [String] = []
        if fbc != nil { fields.append("fbc") }
        if fbp != nil { fields.append("fbp") }
        if clickIDs.click != nil { fields.append("click") }
        if !clientIPAddresses.isEmpty { fields.append("ip") }
        if userAgent != nil { fields.append("user_agent") }
        return "BrowserVisit(\(isNewVisitor ? "new" : "returning") visitor, <redacted>: \(fields.joined(separator: ", ")), "
            + "cookies to set: \(cookiesToSet.map(\.name).joined(separator: ", ")))"
    }

    /// Redacted, like ``description``.
    public var debugDescription: String { description }

    /// Redacted, like ``description``: reflection (`dump`, `Mirror`) sees no fields.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
