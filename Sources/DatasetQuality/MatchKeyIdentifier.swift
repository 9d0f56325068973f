public import CAPIModel

/// Meta's name of a match key in `match_key_feedback[].identifier` (`email`, `ip_address`, …),
/// kept as sent: an identifier Meta adds later is still shown, by its own name.
///
/// ``userDataKey`` maps the names Meta is known to use to our `user_data` keys. Meta publishes
/// no list of identifiers; the mapping holds the names in Meta's Dataset Quality examples
/// (`email`, `ip_address`, `user_agent`, `external_id`) and the ones clients report seeing
/// (`phone`, `fbc`, `fbp`). Others map to `nil`: compare them by hand.
public struct MatchKeyIdentifier: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The identifier as Meta sent it.
    public let rawValue: String

    /// Wraps an identifier.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// `email` → `em`.
    public static let email = MatchKeyIdentifier(rawValue: "email")
    /// `phone` → `ph`.
    public static let phone = MatchKeyIdentifier(rawValue: "phone")
    /// `ip_address` → `client_ip_address`.
    public static let ipAddress = MatchKeyIdentifier(rawValue: "ip_address")
    /// `user_agent` → `client_user_agent`.
    public static let userAgent = MatchKeyIdentifier(rawValue: "user_agent")
    /// `external_id` → `external_id`.
    public static let externalID = MatchKeyIdentifier(rawValue: "external_id")
    /// `fbc` → `fbc`.
    public static let fbc = MatchKeyIdentifier(rawValue: "fbc")
    /// `fbp` → `fbp`.
    public static let fbp = MatchKeyIdentifier(rawValue: "fbp")

    /// Every identifier with a known `user_data` key.
    public static let known: [MatchKeyIdentifier] = [.email, .phone, .ipAddress, .userAgent, .externalID, .fbc, .fbp]

    /// The `user_data` key this identifier counts, or `nil` for one without a known mapping.
    public var userDataKey: UserDataKey? {
        switch self {
        case .email: .email
        case .phone: .phone
        case .ipAddress: .clientIPAddress
        case .userAgent: .clientUserAgent
        case .externalID: .externalID
        case .fbc: .fbc
        case .fbp: .fbp
        default: nil
        }
    }

    /// The identifier as Meta sent it.
    public var description: String { rawValue }
}
