/// A cookie the app should set on its response, such as a newly minted `_fbp`.
///
/// The defaults are those of Meta's pixel and capi-param-builder: path `/`, 90 days,
/// `Secure`, `SameSite=Lax`, and readable by JavaScript (not `HttpOnly`) so the pixel
/// sends the same value from the browser.
public struct SetCookie: Hashable, Sendable {
    /// The 90-day lifetime of `_fbc` and `_fbp`, in seconds.
    public static let facebookCookieMaxAge = 90 * 24 * 3_600

    /// The cookie name, such as `_fbp`.
    public var name: String
    /// The cookie value.
    public var value: String
    /// The domain it is set on (an eTLD+1, or the host for host-only cookies).
    public var domain: String
    /// True when the `Domain` attribute must be left out (IP addresses, `localhost`).
    public var isHostOnly: Bool
    /// `Max-Age` in seconds.
    public var maxAge: Int
    /// `Path`.
    public var path: String = "/"
    /// `Secure`.
    public var secure: Bool = true
    /// `HttpOnly`. False for Meta's cookies, which the pixel reads.
    public var httpOnly: Bool = false
    /// `SameSite`.
    public var sameSite: String = "Lax"

    /// Creates a cookie on `domain`.
    public init(name: String, value: String, domain: CookieDomain, maxAge: Int = SetCookie.facebookCookieMaxAge) {
        self.name = name
        self.value = value
        self.domain = domain.domain
        self.isHostOnly = domain.isHostOnly
        self.maxAge = maxAge
    }

    /// The `Set-Cookie` header value, such as
    /// `_fbp=fb.1.1712345678901.1234567890; Domain=example.com; Path=/; Max-Age=7776000; Secure; SameSite=Lax`.
    public var headerValue: String {
        var header = "\(name)=\(value)"
        if !isHostOnly { header += "; Domain=\(domain)" }
        header += "; Path=\(path); Max-Age=\(maxAge)"
        if secure { header += "; Secure" }
        if httpOnly { header += "; HttpOnly" }
        header += "; SameSite=\(sameSite)"
        return header
    }
}
