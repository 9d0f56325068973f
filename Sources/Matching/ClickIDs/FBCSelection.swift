import CAPIModel

/// The rule that picks the fbc to send from the `_fbc` cookie and the app's stored click.
///
/// - No click: a valid cookie is sent as is; a malformed one is dropped.
/// - A click and a valid cookie for the same fbclid: the cookie (it may carry the pixel's
///   own creation time and appendix).
/// - A click and a valid cookie for another fbclid: the later of the two, by the cookie's
///   creationTime against the click's landing time. A click captured on this very request
///   is always the later one.
/// - Otherwise (no cookie, or a malformed one): synthesized from the click,
///   `fb.{subdomainIndex}.{landingMs}.{fbclid}`, so the click keeps its credit when the
///   browser blocked or purged the cookie.
public struct FBCSelection: Hashable, Sendable {
    /// Where the chosen value came from.
    public enum Origin: String, Hashable, Sendable, Codable {
        /// The `_fbc` cookie, passed through unchanged.
        case cookie
        /// Built from the stored click.
        case synthesized
    }

    /// The fbc to send, or `nil` when there is none.
    public var value: String?
    /// Where ``value`` came from.
    public var origin: Origin?
    /// Why the cookie was dropped, when it was malformed.
    public var cookieRejection: FacebookCookieError?
    /// A stable code saying why: `cookie`, `cookie_same_click`, `cookie_later_click`,
    /// `synthesized_no_cookie`, `synthesized_cookie_invalid`, `synthesized_newer_click`, `none`.
    public var reason: String

    /// Applies the rule.
    ///
    /// - Parameters:
    ///   - cookie: the raw `_fbc` cookie value, if the request had one.
    ///   - click: the latest click the app knows of.
    ///   - subdomainIndex: the index to synthesize with (see ``CookieDomain``).
    public init(cookie: String?, click: ClickRecord?, subdomainIndex: Int) {
        var parsed: FacebookCookie? = nil
        var rejection: FacebookCookieError? = nil
        if let cookie {
            do throws(FacebookCookieError) { parsed = try FacebookCookie(parsing: cookie, as: .fbc) } catch { rejection = error }
        }
        self.cookieRejection = rejection
        guard let click else {
            if let parsed {
                self.value = parsed.value
                self.origin = .cookie
                self.reason = "cookie"
            } else {
                self.value = nil
                self.origin = nil
                self.reason = "none"
            }
            return
        }
        if let parsed {
            if parsed.carries(fbclid: click.fbclid) {
                self.value = parsed.value
                self.origin = .cookie
                self.reason = "cookie_same_click"
                return
            }
            if parsed.creationTime > click.landedAt.milliseconds {
                self.value = parsed.value
                self.origin = .cookie
                self.reason = "cookie_later_click"
                return
            }
        }
        self.value = click.fbc(subdomainIndex: subdomainIndex)
        self.origin = .synthesized
        self.reason = parsed != nil ? "synthesized_newer_click" : (rejection != nil ? "synthesized_cookie_invalid" : "synthesized_no_cookie")
    }
}
