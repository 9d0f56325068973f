public import CAPIModel
internal import Identity

/// What keeps a pixel from sending, as the store records it for every worker that uses it.
///
/// A throttled pixel is paused until the time Meta gave (`estimated_time_to_regain_access`);
/// a pixel whose credentials Meta rejected is suspended until they are replaced. Both live in
/// the ``EventStore``, so with a shared store (PostgreSQL) one 429 pauses every app instance,
/// and with an embedded one (SQLite) a pause survives a restart.
public struct PixelHold: Hashable, Sendable, Codable {
    /// The end of a throttling pause; `nil` when the pixel is not paused.
    public var pausedUntil: Timestamp?
    /// The credential suspension; `nil` when no credentials are known to be rejected.
    public var suspension: PixelSuspension?

    public init(pausedUntil: Timestamp? = nil, suspension: PixelSuspension? = nil) {
        self.pausedUntil = pausedUntil
        self.suspension = suspension
    }

    /// True when nothing holds the pixel back (a store may then forget it).
    public var isEmpty: Bool { pausedUntil == nil && suspension == nil }

    /// The hold as it stands at `now`: a pause that has ended is dropped.
    public func inForce(at now: Timestamp) -> PixelHold {
        var hold = self
        if let until = hold.pausedUntil, until <= now { hold.pausedUntil = nil }
        return hold
    }

    /// True when a worker sending with `credentials` must not send at `now`.
    public func blocks(_ credentials: CredentialFingerprint, at now: Timestamp) -> Bool {
        if let suspension, suspension.rejectedCredentials.contains(credentials) { return true }
        if let pausedUntil, pausedUntil > now { return true }
        return false
    }
}

/// A pixel suspended because Meta refused what its requests were sent with: the credentials
/// (code 190 and friends), the token's access to the pixel (code 100, subcode 33) or the
/// Graph endpoint (code 3). ``reason`` says which and how to fix it.
///
/// The suspension names what was refused by ``CredentialFingerprint`` only, so a worker that
/// already has new credentials or another endpoint keeps sending while workers still sending
/// with the refused ones stay suspended.
public struct PixelSuspension: Hashable, Sendable, Codable {
    /// Meta's error (code, subcode, message, `fbtrace_id`); the latest one when several arrived.
    public var error: GraphError
    /// When the pixel was first suspended.
    public var since: Timestamp
    /// Fingerprints of every set of credentials Meta rejected that was not replaced since.
    public var rejectedCredentials: Set<CredentialFingerprint>

    public init(error: GraphError, since: Timestamp, rejectedCredentials: Set<CredentialFingerprint>) {
        self.error = error
        self.since = since
        self.rejectedCredentials = rejectedCredentials
    }
}

/// A short, one-way fingerprint of a pixel's access token, app secret and Graph endpoint.
///
/// It lets workers agree on *which* credentials Meta rejected without any of them storing or
/// logging the credentials: 64 bits of a SHA-256 over a domain label, the token, the secret
/// and, for a destination, its base URL and Graph API version. Tokens are long random strings,
/// so the fingerprint cannot be turned back into one, and it is useless for calling the Graph
/// API. The endpoint is part of it so that a worker restarted with a corrected version or base
/// URL is not held by a suspension for the wrong one (Graph code 3).
public struct CredentialFingerprint: RawRepresentable, Hashable, Sendable, Codable, Comparable,
    CustomStringConvertible
{
    /// 16 lowercase hex digits.
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// The fingerprint of `destination`'s token, app secret, base URL and Graph API version.
    public init(_ destination: PixelDestination) {
        self.init(
            accessToken: destination.accessToken, appSecret: destination.appSecret,
            endpoint: destination.baseURL + "/" + destination.graphVersion)
    }

    /// The fingerprint of a token, an optional app secret and an optional endpoint
    /// (`<baseURL>/<graphVersion>`, as ``init(_:)`` passes it).
    public init(accessToken: AccessToken, appSecret: AppSecret?, endpoint: String? = nil) {
        var bytes = Array("roasproof.credentials.v1".utf8)
        bytes.append(0)
        bytes += Array(accessToken.unredactedValue.utf8)
        bytes.append(0)
        if let appSecret { bytes += Array(appSecret.unredactedValue.utf8) }
        if let endpoint {
            bytes.append(0)
            bytes += Array(endpoint.utf8)
        }
        let word = SHA256.hash(bytes).words.0
        let hex = String(word, radix: 16)
        self.rawValue = String(repeating: "0", count: 16 - hex.count) + hex
    }

    public var description: String { rawValue }

    public static func < (lhs: CredentialFingerprint, rhs: CredentialFingerprint) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A change to a pixel's ``PixelHold``, applied atomically by
/// ``EventStore/updatePixelHold(_:_:at:)``.
///
/// Stores do not interpret changes themselves: they read the current hold, call
/// ``applied(to:at:)`` and write the result, in one transaction. New kinds of change can be
/// added without breaking stores.
public struct PixelHoldChange: Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case pause(until: Timestamp)
        case suspend(GraphError, credentials: CredentialFingerprint)
        case credentialsReplaced(CredentialFingerprint)
    }
    private let kind: Kind

    /// Meta throttled the pixel: pause it until `until`. Of two pauses the later end wins.
    public static func pause(until: Timestamp) -> PixelHoldChange { PixelHoldChange(kind: .pause(until: until)) }

    /// Meta refused the credentials (or endpoint) with fingerprint `credentials`: suspend the
    /// pixel for every worker that still sends with them. `error` says why
    /// (``PixelSuspension/reason``).
    public static func suspend(_ error: GraphError, credentials: CredentialFingerprint) -> PixelHoldChange {
        PixelHoldChange(kind: .suspend(error, credentials: credentials))
    }

    /// An operator installed the credentials with fingerprint `credentials` (new ones, or the
    /// same ones after fixing their permissions): they are no longer considered rejected.
    /// The suspension ends when no rejected credentials remain.
    public static func credentialsReplaced(with credentials: CredentialFingerprint) -> PixelHoldChange {
        PixelHoldChange(kind: .credentialsReplaced(credentials))
    }

    /// The hold after this change at `now`. A pause that ended before `now` is dropped.
    public func applied(to hold: PixelHold, at now: Timestamp) -> PixelHold {
        var hold = hold.inForce(at: now)
        switch kind {
        case .pause(let until):
            if until > now { hold.pausedUntil = max(hold.pausedUntil ?? until, until) }
        case .suspend(let error, let credentials):
            if var suspension = hold.suspension {
                suspension.error = error
                suspension.rejectedCredentials.insert(credentials)
                hold.suspension = suspension
            } else {
                hold.suspension = PixelSuspension(error: error, since: now, rejectedCredentials: [credentials])
            }
        case .credentialsReplaced(let credentials):
            if var suspension = hold.suspension {
                suspension.rejectedCredentials.remove(credentials)
                hold.suspension = suspension.rejectedCredentials.isEmpty ? nil : suspension
            }
        }
        return hold
    }

    public var description: String {
        switch kind {
        case .pause(let until): "pause(until: \(until))"
        case .suspend(let error, let credentials): "suspend(Graph \(error.code), credentials: \(credentials))"
        case .credentialsReplaced(let credentials): "credentialsReplaced(with: \(credentials))"
        }
    }
}
