import CAPIModel
import Identity

/// The shared secret an operator presents to use a console that is not only on loopback.
///
/// A request carries it as `Authorization: Bearer <token>`, or signs in once with the login
/// form, which sets an `HttpOnly`, `SameSite=Strict` session cookie. The cookie holds an HMAC
/// of the token under the console's per-process secret, never the token, so it stops working
/// when the process restarts or the token changes. Tokens are compared in constant time.
public struct ConsoleAccessToken: Sendable, CustomStringConvertible {
    /// The shortest token accepted: 16 bytes is about 96 bits of a random base64 string.
    public static let minimumLength = 16

    let bytes: [UInt8]

    /// Wraps `token`.
    ///
    /// - Parameter token: the token, at least ``minimumLength`` bytes without surrounding
    ///   whitespace (a trailing newline from a token file is removed).
    /// - Throws: ``ConsoleSetupError`` when the token is too short.
    public init(_ token: String) throws(ConsoleSetupError) {
        var text = Substring(token)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        guard text.utf8.count >= Self.minimumLength else {
            throw ConsoleSetupError(
                code: .accessTokenTooShort,
                message: "the console access token has \(text.utf8.count) bytes; use at least \(Self.minimumLength) "
                    + "random characters, for example the output of `openssl rand -base64 24`")
        }
        self.bytes = Array(text.utf8)
    }

    /// Never the token itself.
    public var description: String { "ConsoleAccessToken(redacted)" }

    /// True when `candidate` is the token; the time taken does not depend on where they differ.
    func matches(_ candidate: some Collection<UInt8>) -> Bool {
        ConstantTime.equal(bytes, Array(candidate))
    }
}

/// Comparisons whose time does not reveal where two secrets differ.
enum ConstantTime {
    /// True when `lhs` and `rhs` are equal. Both are hashed first, so the comparison always
    /// runs over 32 bytes and a length difference leaks nothing either.
    static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        let key: [UInt8] = Array("roasproof-console-compare".utf8)
        let left = HMACSHA256.authenticationCode(for: lhs, key: key).hexString.utf8
        let right = HMACSHA256.authenticationCode(for: rhs, key: key).hexString.utf8
        var difference: UInt8 = 0
        for (a, b) in zip(left, right) { difference |= a ^ b }
        return difference == 0
    }
}
