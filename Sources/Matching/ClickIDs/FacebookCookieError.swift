/// An `_fbc` or `_fbp` value that was dropped because it is malformed.
///
/// Meta cannot use a malformed click or browser id, and a malformed value sent anyway can
/// make Meta discard the event's other keys, so such values are never sent. The message
/// says what is wrong; it never repeats the value.
public struct FacebookCookieError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Which rule the value breaks. Compare with the static members; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A stable snake_case identifier, usable as a metric label.
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// The cookie is present but empty.
        public static let empty = Code("empty")
        /// The value is longer than ``FacebookCookie/maximumLength``.
        public static let tooLong = Code("too_long")
        /// The value has a character a cookie value cannot carry (space, quote, comma, semicolon, backslash, non-ASCII).
        public static let invalidCharacters = Code("invalid_characters")
        /// The value does not have four or five dot-separated parts.
        public static let wrongPartCount = Code("wrong_part_count")
        /// The first part is not `fb`.
        public static let badPrefix = Code("bad_prefix")
        /// The second part (subdomainIndex) is not a small number.
        public static let badSubdomainIndex = Code("bad_subdomain_index")
        /// The third part (creationTime) is not a number.
        public static let badCreationTime = Code("bad_creation_time")
        /// The fourth part (fbclid or random number) is empty.
        public static let emptyPayload = Code("empty_payload")
        /// The fifth part is neither a 2-character param-builder language token nor an 8-character appendix.
        public static let invalidAppendix = Code("invalid_appendix")

        public var description: String { rawValue }
    }

    /// The cookie the value came from.
    public let kind: FacebookCookie.Kind
    /// The rule it breaks.
    public let code: Code

    /// Creates an error.
    public init(kind: FacebookCookie.Kind, code: Code) {
        self.kind = kind
        self.code = code
    }

    /// What is wrong and how to fix it. Never contains the value.
    public var message: String {
        let name = kind.cookieName
        switch code {
        case .empty: return "\(name) is empty; leave it out when there is no value"
        case .tooLong: return "\(name) is longer than \(FacebookCookie.maximumLength) bytes; it is not a Meta cookie"
        case .invalidCharacters:
            return "\(name) has characters a cookie value cannot carry; pass the raw cookie value, not a decoded or quoted one"
        case .wrongPartCount:
            return "\(name) must be fb.{subdomainIndex}.{creationTime}.{payload}, optionally with one .{appendix}"
        case .badPrefix: return "\(name) must start with 'fb.'"
        case .badSubdomainIndex: return "\(name)'s second part (subdomainIndex) must be a number"
        case .badCreationTime: return "\(name)'s third part (creationTime in ms) must be a number"
        case .emptyPayload: return "\(name)'s fourth part (\(kind == .fbc ? "the fbclid" : "the random number")) is empty"
        case .invalidAppendix:
            return
                "\(name)'s fifth part must be a param-builder language token (AQ, Ag, Aw, BA, BQ, Bg) or an 8-character appendix"
        default: return "\(name) is malformed"
        }
    }

    public var description: String { "\(kind.rawValue) dropped (\(code.rawValue)): \(message)" }
}
