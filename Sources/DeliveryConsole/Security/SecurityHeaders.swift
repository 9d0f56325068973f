/// The headers every console response carries.
enum SecurityHeaders {
    /// Only the console's own stylesheet and script may load; no inline script or style, no
    /// frames, forms post only to the console, requests only to the console.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static let all: [(name: String, value: String)] = [
        ("Content-Security-Policy", contentSecurityPolicy),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
    ]

    /// `response` with the security headers added (replacing any of the same name).
    static func applied(to response: ConsoleResponse) -> ConsoleResponse {
        var response = response
        let names = Set(all.map { $0.name.lowercased() })
        response.headers.removeAll { names.contains($0.name.lowercased()) }
        response.headers += all
        return response
    }
}
