public import CAPIModel

/// Where one `user_data` value came from, or why a value the data had was not sent.
public struct KeyProvenance: Hashable, Sendable, CustomStringConvertible {
    /// The kinds of provenance. Compare with the static members; new ones may be added.
    public struct Origin: Hashable, Sendable, CustomStringConvertible {
        // A small code rather than a string: provenance is recorded for every value of every event.
        private let code: UInt8
        private init(_ code: UInt8) { self.code = code }

        /// A raw value was normalized and SHA-256 hashed here.
        public static let hashed = Origin(0)
        /// A value was sent as received: an existing hash, a valid cookie, an IP or user agent.
        public static let passedThrough = Origin(1)
        /// A value was built here (an fbc from a stored click).
        public static let synthesized = Origin(2)
        /// A value was dropped because it is invalid; see ``KeyProvenance/reason``.
        public static let rejected = Origin(3)
        /// A value was left out because the consent policy withholds the key.
        public static let withheldByConsent = Origin(4)

        /// A stable snake_case identifier: `hashed`, `passed_through`, `synthesized`,
        /// `rejected` or `withheld_by_consent`.
        public var rawValue: String {
            switch code {
            case 0: "hashed"
            case 1: "passed_through"
            case 2: "synthesized"
            case 3: "rejected"
            default: "withheld_by_consent"
            }
        }

        public var description: String { rawValue }
    }

    /// The key.
    public let key: UserDataKey
    /// What happened to the value.
    public let origin: Origin
    /// For rejections: a stable code such as `invalid_email` or `bad_prefix`. For a few
    /// accepted values, how they were read: `read_as_international` for a phone number
    /// written without `+` that was read as an international number.
    public let reason: String?
    /// For rejections: what was wrong and how to fix it; for accepted values with a
    /// ``reason``, what it means. Never contains the value.
    public let message: String?

    /// Creates an entry.
    public init(key: UserDataKey, origin: Origin, reason: String? = nil, message: String? = nil) {
        self.key = key
        self.origin = origin
        self.reason = reason
        self.message = message
    }

    /// A phone number without `+` that was no valid national number, read as an
    /// international one (`16505551212`), then hashed.
    public static let readAsInternational = KeyProvenance(
        key: .phone, origin: .hashed, reason: "read_as_international",
        message: "written without + and no valid national number, so its digits were read as an international number")

    public var description: String {
        var text = "\(key.rawValue): \(origin.rawValue)"
        if let reason { text += " (\(reason))" }
        if let message { text += ": \(message)" }
        return text
    }
}
