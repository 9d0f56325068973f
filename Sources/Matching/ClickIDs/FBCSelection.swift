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

    /// Which rule of ``FBCSelection`` chose the value. Compare with the static members.
    ///
    /// ``rawValue`` and ``description`` are the stable snake_case code, which is also the
    /// code of `ClickIDResolver`'s `fbc` note. The set of reasons is closed:
    /// ``init(rawValue:)`` returns `nil` for any other text.
    public struct Reason: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        /// The rules, so that code inside the module can switch over them exhaustively.
        enum Rule: String, Sendable {
            case cookie
            case cookieSameClick = "cookie_same_click"
            case cookieLaterClick = "cookie_later_click"
            case synthesizedNoCookie = "synthesized_no_cookie"
            case synthesizedCookieInvalid = "synthesized_cookie_invalid"
            case synthesizedNewerClick = "synthesized_newer_click"
            case noValue = "none"
        }

        /// The rule, for exhaustive switches inside the module.
        let rule: Rule

        private init(_ rule: Rule) { self.rule = rule }

        /// The reason whose code is `rawValue`, or `nil` when no rule has that code.
        public init?(rawValue: String) {
            guard let rule = Rule(rawValue: rawValue) else { return nil }
            self.rule = rule
        }

        /// A stable snake_case identifier, usable as a log field or metric label.
        public var rawValue: String { rule.rawValue }

        public var description: String { rawValue }

        /// No click: the valid `_fbc` cookie is sent as is.
        public static let cookie = Reason(.cookie)
        /// A click, and a valid cookie carrying the same fbclid: the cookie is sent.
        public static let cookieSameClick = Reason(.cookieSameClick)
        /// A click, and a valid cookie for another fbclid created after the click landed: the cookie is sent.
        public static let cookieLaterClick = Reason(.cookieLaterClick)
        /// A click and no cookie: the value is synthesized from the click.
        public static let synthesizedNoCookie = Reason(.synthesizedNoCookie)
        /// A click and a malformed cookie: the value is synthesized from the click.
        public static let synthesizedCookieInvalid = Reason(.synthesizedCookieInvalid)
        /// A click newer than the valid cookie's: the value is synthesized from the click.
        public static let synthesizedNewerClick = Reason(.synthesizedNewerClick)
        /// No click and no valid cookie: there is no fbc to send (raw value `none`).
        public static let noValue = Reason(.noValue)
    }

    /// The fbc to send, or `nil` when there is none.
    public var value: String?
    /// Where ``value`` came from.
    public var origin: Origin?
    /// Why the cookie was dropped, when it was malformed.
    public var cookieRejection: FacebookCookieError?
    /// Which rule chose ``value``; its ``Reason/rawValue`` is a stable code: `cookie`,
    /// `cookie_same_click`, `cookie_later_click`, `synthesized_no_cookie`,
    /// `synthesized_cookie_invalid`, `synthesized_newer_click`, `none`.
    public var reason: Reason

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
                self.reason = .cookie
            } else {
                self.value = nil
                self.origin = nil
                self.reason = .noValue
            }
            return
        }
        if let parsed {
            if parsed.carries(fbclid: click.fbclid) {
                self.value = parsed.value
                self.origin = .cookie
                self.reason = .cookieSameClick
                return
            }
            if parsed.creationTime > click.landedAt.milliseconds {
                self.value = parsed.value
                self.origin = .cookie
                self.reason = .cookieLaterClick
                return
            }
        }
        self.value = click.fbc(subdomainIndex: subdomainIndex)
        self.origin = .synthesized
        self.reason =
            parsed != nil ? .synthesizedNewerClick : (rejection != nil ? .synthesizedCookieInvalid : .synthesizedNoCookie)
    }
}
