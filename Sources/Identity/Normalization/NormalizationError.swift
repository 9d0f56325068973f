public import CAPIModel

/// A customer-information value that could not be normalized, so it was not hashed.
///
/// The error names the key and the reason, and says how to fix the input. It never
/// contains the value itself: descriptions and messages end up in logs.
public struct NormalizationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Why a value was rejected. Compare with the static members; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A stable snake_case identifier, usable as a metric label or a JSON field.
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// Nothing was left after normalization (empty, whitespace or punctuation only).
        public static let empty = Code("empty")
        /// The input is longer than any real value of this key.
        public static let tooLong = Code("too_long")
        /// The email address does not have the shape `local@domain.tld`.
        public static let invalidEmail = Code("invalid_email")
        /// The gender is not one of the recognized words for female or male.
        public static let unknownGender = Code("unknown_gender")
        /// No day, month and year could be read from the date of birth.
        public static let invalidDate = Code("invalid_date")
        /// The date of birth names a day that does not exist, or a year outside 1900 to this year.
        public static let impossibleDate = Code("impossible_date")
        /// The city does not start with a letter.
        public static let invalidCity = Code("invalid_city")
        /// The country is not an ISO 3166-1 code or a known country name.
        public static let unknownCountry = Code("unknown_country")
        /// The zip or postal code has characters other than letters and digits, or is too short.
        public static let invalidZipCode = Code("invalid_zip_code")
        /// The phone number has no digits, or characters a phone number cannot have.
        public static let invalidPhone = Code("invalid_phone")
        /// The phone number is national (no `+` or international prefix) and no region was given.
        public static let missingPhoneRegion = Code("missing_region")
        /// The phone number has a length no number of its region can have.
        public static let impossiblePhoneLength = Code("impossible_length")
        /// The country calling code or region is not assigned.
        public static let unknownPhoneRegion = Code("unknown_region")

        public var description: String { rawValue }
    }

    /// The `user_data` key whose value was rejected.
    public let key: HashedUserDataKey
    /// Why it was rejected.
    public let code: Code
    /// What was wrong and how to fix it. Never contains the rejected value.
    public let message: String

    /// Creates an error. `message` must not contain the rejected value.
    public init(key: HashedUserDataKey, code: Code, message: String) {
        self.key = key
        self.code = code
        self.message = message
    }

    public var description: String { "\(key.rawValue) rejected (\(code.rawValue)): \(message)" }
}

extension NormalizationError {
    static func empty(_ key: HashedUserDataKey) -> Self {
        .init(key: key, code: .empty,
              message: "nothing is left after normalization; leave the key out instead of sending an empty value")
    }

    static func tooLong(_ key: HashedUserDataKey, limit: Int) -> Self {
        .init(key: key, code: .tooLong,
              message: "the value is longer than \(limit) bytes; pass the single value, not a document")
    }
}
