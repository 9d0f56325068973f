import CAPIModel
import Identity

/// The console's defence against cross-site request forgery: a signed form field.
///
/// Every form that changes state carries a hidden `csrf` field whose value is an HMAC, under
/// the console's per-process secret, of the session: the signed-in session when an access
/// token is configured, a fixed value otherwise. The console recomputes it for the request
/// and compares in constant time; a page on another site cannot read the value (the
/// same-origin policy keeps it from reading console pages), so it cannot forge the field.
/// No cookie is needed for this, which is why a signed field was chosen over a double-submit
/// cookie; the session cookie is `SameSite=Strict` as a second line.
struct CSRFToken {
    /// The name of the form field.
    static let fieldName = "csrf"

    let secret: [UInt8]

    /// The token for `session` (`nil` when the console has no access token).
    func token(session: String?) -> String {
        HMACSHA256.authenticationCode(for: Array(("csrf\n" + (session ?? "open")).utf8), key: secret).hexString
    }

    /// True when `candidate` is the token of `session`.
    func isValid(_ candidate: String?, session: String?) -> Bool {
        guard let candidate else { return false }
        return ConstantTime.equal(Array(candidate.utf8), Array(token(session: session).utf8))
    }
}

/// The session a request belongs to when the console has an access token.
struct ConsoleSession {
    /// The name of the session cookie the login form sets.
    static let cookieName = "capi_console_session"

    let secret: [UInt8]
    let accessToken: ConsoleAccessToken

    /// The session id: an HMAC of the access token, so the cookie never holds the token.
    var id: String {
        HMACSHA256.authenticationCode(for: Array("session\n".utf8) + accessToken.bytes, key: secret).hexString
    }

    /// The session of `request`: a valid bearer token or session cookie; `nil` otherwise.
    func session(of request: ConsoleRequest) -> String? {
        if let authorization = request.header("Authorization"), authorization.lowercased().hasPrefix("bearer ") {
            let presented = authorization.dropFirst("bearer ".count).trimmingSpaces
            return accessToken.matches(Array(presented.utf8)) ? id : nil
        }
        if let cookie = request.cookie(Self.cookieName), ConstantTime.equal(Array(cookie.utf8), Array(id.utf8)) {
            return id
        }
        return nil
    }

    /// The `Set-Cookie` value of a signed-in session, scoped to `path`.
    func cookie(path: String) -> String {
        "\(Self.cookieName)=\(id); Path=\(path.isEmpty ? "/" : path); HttpOnly; SameSite=Strict"
    }
}
