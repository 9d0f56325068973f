public import CAPIModel

/// Works out `fbc` and `fbp` for a browser request, and the cookies to set on the response.
///
/// Call it on requests from the browser (landing pages, checkout). It captures a new
/// click from the URL or `Referer`, applies ``FBCSelection``, keeps a valid `_fbp` and
/// mints one only when there is none, and explains every decision in ``Resolution/notes``.
///
/// ```swift
/// let resolver = ClickIDResolver()
/// var rng = SystemRandomNumberGenerator()
/// let result = resolver.resolve(
///     BrowserRequest(url: "https://shop.example.com/?fbclid=IwAR2F4-dbP0", fbcCookie: nil, fbpCookie: nil),
///     at: Timestamp(milliseconds: 1_712_345_678_901), using: &rng)
/// result.fbc            // "fb.1.1712345678901.IwAR2F4-dbP0"
/// result.cookiesToSet   // _fbc and _fbp on example.com, 90 days, Secure, SameSite=Lax
/// result.click          // store this with the session
/// ```
public struct ClickIDResolver: Sendable {
    /// The list the cookie domain is resolved with.
    public var publicSuffixList: PublicSuffixList
    /// A fixed cookie domain (for example `CookieDomain(domain: "example.com", subdomainIndex: 1, isHostOnly: false)`),
    /// used instead of resolving the request host.
    public var cookieDomain: CookieDomain?
    /// The lifetime of `_fbc` and `_fbp` cookies set, in seconds (90 days).
    public var cookieMaxAge: Int = SetCookie.facebookCookieMaxAge

    /// Creates a resolver using the shipped Public Suffix List.
    public init(publicSuffixList: PublicSuffixList = .shipped, cookieDomain: CookieDomain? = nil) {
        self.publicSuffixList = publicSuffixList
        self.cookieDomain = cookieDomain
    }

    /// One decision, for logs and the `capi click-ids` tool.
    public struct Note: Hashable, Sendable, CustomStringConvertible {
        /// What a note says happened. Compare with the static members and the initializers
        /// that carry another code through; new codes may be added.
        ///
        /// ``rawValue`` and ``description`` are the stable snake_case code. A note about a
        /// dropped value carries the rejection's own code (`FacebookCookieError.Code`,
        /// `ClickIDError.Code`), and the `fbc` decision carries the ``FBCSelection/Reason``,
        /// each with the same raw value.
        public struct Code: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
            /// A stable snake_case identifier, usable as a log field or metric label.
            public let rawValue: String

            /// The code `rawValue`. Prefer the static members and the typed initializers,
            /// which cannot be misspelt.
            public init(rawValue: String) { self.rawValue = rawValue }

            /// The code of the `fbc` decision: the selection's reason.
            public init(_ reason: FBCSelection.Reason) { self.rawValue = reason.rawValue }

            /// The code of a dropped `_fbc` or `_fbp` cookie: the rule it breaks.
            public init(cookieRejection code: FacebookCookieError.Code) { self.rawValue = code.rawValue }

            /// The code of an ignored fbclid: the rule it breaks.
            public init(clickIDRejection code: ClickIDError.Code) { self.rawValue = code.rawValue }

            public var description: String { rawValue }

            /// Neither the URL nor the `Host` header names a host, so no cookie is set (subject `url`).
            public static let noHost = Code(rawValue: "no_host")
            /// A new click id was captured from the request URL (subject `fbclid`).
            public static let capturedFromURL = Code(rawValue: "captured_url")
            /// A new click id was captured from the `Referer` (subject `fbclid`).
            public static let capturedFromReferer = Code(rawValue: "captured_referer")
            /// The request has no click id, so the stored click is used (subject `fbclid`).
            public static let storedClick = Code(rawValue: "stored_click")
            /// The valid `_fbp` cookie is kept unchanged (subject `fbp`; the `fbc` equivalent is
            /// ``FBCSelection/Reason/cookie``, with the same raw value).
            public static let cookie = Code(rawValue: "cookie")
            /// There was no valid `_fbp` cookie, so a new fbp was generated (subject `fbp`).
            public static let generated = Code(rawValue: "generated")
        }

        /// The value the note is about: `fbc`, `fbp`, `fbclid` or `url`.
        public var subject: String
        /// What happened, as a stable code.
        public var code: Code
        /// The explanation.
        public var message: String
        public var description: String { "\(subject): \(message)" }
    }

    /// The outcome for one request.
    public struct Resolution: Hashable, Sendable {
        /// The fbc to send, or `nil`.
        public var fbc: String?
        /// How ``fbc`` was chosen.
        public var fbcSelection: FBCSelection
        /// The fbp to send: the cookie's, or a new one.
        public var fbp: String?
        /// True when ``fbp`` was minted on this request.
        public var fbpIsNew: Bool
        /// The latest click: captured now, or the stored one. Store it with the session.
        public var click: ClickRecord?
        /// The cookie domain used (nil when the URL has no host).
        public var cookieDomain: CookieDomain?
        /// Cookies to set on the response.
        public var cookiesToSet: [SetCookie]
        /// Why each value was kept, synthesized or dropped.
        public var notes: [Note]
    }

    /// Resolves fbc and fbp for one browser request at `nowMs`, Unix milliseconds.
    @available(*, deprecated, renamed: "resolve(_:at:using:)", message: "pass Timestamp(milliseconds: nowMs)")
    public func resolve(_ request: BrowserRequest, nowMs: Int64, using rng: inout some RandomNumberGenerator) -> Resolution {
        resolve(request, at: Timestamp(milliseconds: nowMs), using: &rng)
    }

    /// Resolves fbc and fbp for one browser request.
    ///
    /// - Parameters:
    ///   - request: the request's URL, `Referer` and Meta cookies, and the click stored earlier.
    ///   - now: the current time (the landing time of a new click and the creation time of a
    ///     new fbp, both written in Unix milliseconds).
    ///   - rng: the source of a new fbp's random number.
    public func resolve(_ request: BrowserRequest, at now: Timestamp, using rng: inout some RandomNumberGenerator) -> Resolution {
        let nowMs = now.milliseconds
        var notes: [Note] = []
        // The URL's authority, else the Host header: never a URL inside the path or query.
        let domain =
            cookieDomain ?? CookieDomain(host: request.url, publicSuffixList: publicSuffixList)
            ?? request.host.flatMap { CookieDomain(host: $0, publicSuffixList: publicSuffixList) }
        // Meta: use 1 for values generated server-side without a cookie domain.
        let subdomainIndex = domain?.subdomainIndex ?? 1
        if domain == nil {
            notes.append(
                Note(
                    subject: "url", code: .noHost,
                    message:
                        "neither the URL nor the Host header names a host, so no cookie domain; new values use subdomainIndex 1 and no cookie is set"
                ))
        }

        // The click: a new one in the URL or Referer wins over the stored one.
        let captured = ClickCapture.capture(url: request.url, referer: request.referer, at: now)
        if let rejection = captured.rejection {
            notes.append(
                Note(
                    subject: "fbclid", code: Note.Code(clickIDRejection: rejection.code),
                    message: "ignored the fbclid in the \(captured.rejectedSource?.rawValue ?? "url"): \(rejection.message)"))
        }
        var click = request.storedClick
        if let new = captured.click {
            click = new
            notes.append(
                Note(
                    subject: "fbclid", code: captured.source == .referer ? .capturedFromReferer : .capturedFromURL,
                    message:
                        "captured the click id from the \(captured.source == .referer ? "Referer" : "URL"), landing at \(nowMs) ms; store the click record"
                ))
        } else if click != nil {
            notes.append(
                Note(
                    subject: "fbclid", code: .storedClick,
                    message: "no click id in the request; using the stored click from \(click!.landedAt.milliseconds) ms"))
        }

        var cookies: [SetCookie] = []
        let selection = FBCSelection(cookie: request.fbcCookie, click: click, subdomainIndex: subdomainIndex)
        if let rejection = selection.cookieRejection {
            notes.append(
                Note(
                    subject: "fbc", code: Note.Code(cookieRejection: rejection.code),
                    message: "dropped the _fbc cookie: \(rejection.message)"))
        }
        notes.append(Note(subject: "fbc", code: Note.Code(selection.reason), message: Self.explain(selection)))
        if selection.origin == .synthesized, let value = selection.value, let domain {
            cookies.append(SetCookie(name: "_fbc", value: value, domain: domain, maxAge: cookieMaxAge))
        }

        // fbp: never replace a valid one.
        var fbp: String? = nil
        var fbpIsNew = false
        if let raw = request.fbpCookie {
            do throws(FacebookCookieError) {
                fbp = try FacebookCookie(parsing: raw, as: .fbp).value
                notes.append(Note(subject: "fbp", code: .cookie, message: "kept the valid _fbp cookie unchanged"))
            } catch {
                notes.append(
                    Note(
                        subject: "fbp", code: Note.Code(cookieRejection: error.code),
                        message: "dropped the _fbp cookie: \(error.message)"))
            }
        }
        if fbp == nil {
            let random = UInt32.random(in: 0...UInt32(Int32.max), using: &rng)
            let value = "fb.\(subdomainIndex).\(nowMs).\(random)"
            fbp = value
            fbpIsNew = true
            if let domain {
                cookies.append(SetCookie(name: "_fbp", value: value, domain: domain, maxAge: cookieMaxAge))
                notes.append(
                    Note(
                        subject: "fbp", code: .generated,
                        message:
                            "no valid _fbp cookie; generated one and set it on \(domain.domain) for \(cookieMaxAge / 86_400) days"
                    ))
            } else {
                notes.append(
                    Note(
                        subject: "fbp", code: .generated,
                        message: "no valid _fbp cookie; generated one (no cookie domain to set it on)"))
            }
        }
        return Resolution(
            fbc: selection.value, fbcSelection: selection, fbp: fbp, fbpIsNew: fbpIsNew, click: click,
            cookieDomain: domain, cookiesToSet: cookies, notes: notes)
    }

    static func explain(_ selection: FBCSelection) -> String {
        switch selection.reason.rule {
        case .cookie: "kept the valid _fbc cookie unchanged (no click id in the request or stored)"
        case .cookieSameClick: "kept the valid _fbc cookie unchanged; it carries the same fbclid as the click"
        case .cookieLaterClick: "kept the valid _fbc cookie; it is for a later click than the stored one"
        case .synthesizedNoCookie:
            "no _fbc cookie; synthesized fb.{subdomainIndex}.{landing_ms}.{fbclid} from the click and set the cookie"
        case .synthesizedCookieInvalid:
            "synthesized fb.{subdomainIndex}.{landing_ms}.{fbclid} from the click in place of the malformed cookie"
        case .synthesizedNewerClick:
            "the _fbc cookie is for an older click; synthesized fb.{subdomainIndex}.{landing_ms}.{fbclid} from the newer click"
        case .noValue: "no click id and no valid _fbc cookie; fbc is left out"
        }
    }
}

/// What ``ClickIDResolver`` reads from a browser request.
public struct BrowserRequest: Hashable, Sendable {
    /// The request URL: absolute (scheme, host, path and query), or the request target as
    /// the server saw it (`/landing?fbclid=…`) together with ``host``.
    public var url: String
    /// The `Host` header, for the cookie domain when ``url`` has no authority. A host is never
    /// read from a path or query.
    public var host: String?
    /// The `Referer` header.
    public var referer: String?
    /// The raw `_fbc` cookie value.
    public var fbcCookie: String?
    /// The raw `_fbp` cookie value.
    public var fbpCookie: String?
    /// The click the app stored for this visitor earlier.
    public var storedClick: ClickRecord?

    /// Creates a request.
    public init(
        url: String, host: String? = nil, referer: String? = nil, fbcCookie: String? = nil,
        fbpCookie: String? = nil, storedClick: ClickRecord? = nil
    ) {
        self.url = url
        self.host = host
        self.referer = referer
        self.fbcCookie = fbcCookie
        self.fbpCookie = fbpCookie
        self.storedClick = storedClick
    }
}

extension BrowserRequest: CustomStringConvertible, CustomDebugStringConvertible {
    /// Redacted: URLs can carry personal data in their query, and cookies identify the
    /// browser, so only which fields are filled is shown.
    public var description: String {
        var fields = ["url"]
        if host != nil { fields.append("host") }
        if referer != nil { fields.append("referer") }
        if fbcCookie != nil { fields.append("fbc") }
        if fbpCookie != nil { fields.append("fbp") }
        if storedClick != nil { fields.append("stored_click") }
        return "BrowserRequest(<redacted>: \(fields.joined(separator: ", ")))"
    }

    /// Redacted, like ``description``.
    public var debugDescription: String { description }
}
