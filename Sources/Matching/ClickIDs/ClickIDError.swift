/// A click id (`fbclid`) or click record that cannot be used.
public struct ClickIDError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Which rule was broken. Compare with the static members; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A stable snake_case identifier, usable as a metric label.
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// The `fbclid` parameter is present but empty.
        public static let empty = Code("empty_fbclid")
        /// The `fbclid` is longer than ``ClickIDError/maximumLength``.
        public static let tooLong = Code("fbclid_too_long")
        /// The `fbclid` has a character an fbc cookie cannot carry (a dot, space, quote, comma,
        /// semicolon, backslash or non-ASCII), or a malformed percent escape.
        public static let invalidCharacters = Code("invalid_fbclid_characters")
        /// The landing time is negative.
        public static let invalidLandingTime = Code("invalid_landing_time")

        public var description: String { rawValue }
    }

    /// The longest click id accepted, in bytes. Real ones are around 60 to 200.
    public static let maximumLength = 512

    /// The rule that was broken.
    public let code: Code

    /// Creates an error.
    public init(code: Code) { self.code = code }

    /// What is wrong and how to fix it. Never contains the click id.
    public var message: String {
        switch code {
        case .empty: "the fbclid parameter is empty; there is no click to record"
        case .tooLong: "the fbclid is longer than \(Self.maximumLength) bytes; it is not a Meta click id"
        case .invalidCharacters:
            "the fbclid has characters an fbc value cannot carry (dot, space, quote, comma, semicolon, backslash or non-ASCII); pass it exactly as it appeared in the URL"
        case .invalidLandingTime: "landing_ms must be Unix milliseconds, not negative"
        default: "the click id is unusable"
        }
    }

    public var description: String { "fbclid rejected (\(code.rawValue)): \(message)" }

    /// Checks that `fbclid` can be the fourth part of an fbc value and a cookie value.
    static func check(fbclid: String) throws(ClickIDError) {
        let utf8 = fbclid.utf8
        guard !utf8.isEmpty else { throw ClickIDError(code: .empty) }
        guard utf8.count <= maximumLength else { throw ClickIDError(code: .tooLong) }
        guard utf8.allSatisfy({ $0.isCookieOctet && $0 != UInt8(ascii: ".") }) else {
            throw ClickIDError(code: .invalidCharacters)
        }
    }
}
