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
        /// No day, month and year could be read from the date of birth, or a day, month or
        /// year of birth (`dobd`, `dobm`, `doby`) is not a number in its range.
        public static let invalidDate = Code("invalid_date")
        /// The date of birth names a day that does not exist, or a year outside 1900 to this year.
        public static let impossibleDate = Code("impossible_date")
        /// The city does not start with a letter.
        public static let invalidCity = Code("invalid_city")
        /// The state has no letter (digits only, such as a zip code in the wrong field).
        public static let invalidState = Code("invalid_state")
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
    /// The public error for a failure: the same key, code and message the normalizers used
    /// to throw directly.
    init(_ failure: NormalizationFailure) {
        self.init(key: failure.key, code: failure.reason.code, message: failure.reason.message)
    }
}

/// Why a value was rejected, as plain values: what the normalizers throw.
///
/// Nothing in it is reference counted, so the layers between the public API and the
/// per-key normalizers (closures over the input bytes, typed throws) move it as a few
/// words, and a value that is accepted costs nothing for the error path. The text of
/// ``NormalizationError/message`` is built from it only when a value is rejected.
struct NormalizationFailure: Error {
    let key: HashedUserDataKey
    let reason: Reason

    init(_ key: HashedUserDataKey, _ reason: Reason) {
        self.key = key
        self.reason = reason
    }

    enum Reason {
        case empty
        case tooLong(limit: Int)
        case invalidEmail
        case unknownGender
        case invalidDate
        case impossibleDate(latestYear: Int)
        case invalidBirthDatePart(BirthDatePart)
        case invalidCity
        case invalidState
        case unknownCountry
        case zipCodeCharacters
        case zipCodeTooShort
        case phoneNotANumber
        case phoneMissingRegion
        case phoneUnknownCallingCode
        case phoneTooShortAfterInternationalPrefix
        case phoneTooShortNationalNumber
        case phoneTooLong
        case phoneLeadingZero
        case phoneUnknownRegion(RegionCode)
        case phoneLocalOnlyLength(length: Int, callingCode: Int, region: RegionCode?)
        case phoneImpossibleLength(length: Int, callingCode: Int, region: RegionCode?)

        var code: NormalizationError.Code {
            switch self {
            case .empty: .empty
            case .tooLong: .tooLong
            case .invalidEmail: .invalidEmail
            case .unknownGender: .unknownGender
            case .invalidDate: .invalidDate
            case .impossibleDate: .impossibleDate
            case .invalidBirthDatePart: .invalidDate
            case .invalidCity: .invalidCity
            case .invalidState: .invalidState
            case .unknownCountry: .unknownCountry
            case .zipCodeCharacters, .zipCodeTooShort: .invalidZipCode
            case .phoneNotANumber, .phoneLeadingZero: .invalidPhone
            case .phoneMissingRegion: .missingPhoneRegion
            case .phoneUnknownCallingCode, .phoneUnknownRegion: .unknownPhoneRegion
            case .phoneTooShortAfterInternationalPrefix, .phoneTooShortNationalNumber, .phoneTooLong,
                .phoneLocalOnlyLength, .phoneImpossibleLength:
                .impossiblePhoneLength
            }
        }

        /// What was wrong and how to fix it. Never contains the rejected value.
        var message: String {
            switch self {
            case .empty:
                return "nothing is left after normalization; leave the key out instead of sending an empty value"
            case .tooLong(let limit):
                return "the value is longer than \(limit) bytes; pass the single value, not a document"
            case .invalidEmail:
                return "not an email address of the form local@domain.tld; check for typos, spaces or a missing @"
            case .unknownGender:
                return "not a recognized word for female or male; send f or m, or leave the key out"
            case .invalidDate:
                return "no day, month and year could be read; send the date as YYYYMMDD"
            case .impossibleDate(let latestYear):
                return "the date does not exist or its year is not between 1900 and \(latestYear); check the day, month and year"
            case .invalidBirthDatePart(let part):
                return part.rule + "; send only that number, or the whole date of birth as db"
            case .invalidCity:
                return "a city name must start with a letter; check that the field holds the city, not a street or zip code"
            case .invalidState:
                return "a state or province has letters; check that the field holds the state (such as CA), not a zip code"
            case .unknownCountry:
                return "not an ISO 3166-1 country code or a known country name; send the two-letter code, such as de or us"
            case .zipCodeCharacters:
                return "a zip or postal code holds only letters and digits; remove other characters"
            case .zipCodeTooShort:
                return "a zip or postal code has at least two characters"
            case .phoneNotANumber:
                return "the value does not look like a phone number; it needs at least three digits, "
                    + "with only spaces, dashes, dots, slashes or brackets between them"
            case .phoneMissingRegion:
                return "a national number needs its country: write it with + and the country calling code, "
                    + "pass the customer's country as region, or configure a default phone region"
            case .phoneUnknownCallingCode:
                return "the digits after + or the international prefix are no assigned country calling code; "
                    + "check the country code"
            case .phoneTooShortAfterInternationalPrefix:
                return "too few digits follow the international prefix; check for missing digits"
            case .phoneTooShortNationalNumber:
                return "the national number has fewer than two digits; check for missing digits"
            case .phoneTooLong:
                return "the value is too long for a phone number (more than 17 digits, or more than "
                    + "\(PhoneParser.maximumInputLength) characters); pass a single number"
            case .phoneLeadingZero:
                return "the number after the country code starts with 0 and is no valid number; "
                    + "remove a repeated trunk 0 or international prefix"
            case .phoneUnknownRegion(let region):
                return "region \(region.rawValue) has no telephone numbering plan and names no country; "
                    + "pass a country code such as GB, or write the number with + and its country calling code"
            case .phoneLocalOnlyLength(let length, let callingCode, let region):
                return "a \(length)-digit number in \(Self.plan(callingCode, region)) is a local number without its area code; "
                    + "add the area code"
            case .phoneImpossibleLength(let length, let callingCode, let region):
                return "no number in \(Self.plan(callingCode, region)) has \(length) digits after the country code; "
                    + "check for missing or extra digits, or for the wrong country"
            }
        }

        private static func plan(_ callingCode: Int, _ region: RegionCode?) -> String {
            "+\(callingCode)" + (region.map { " (\($0.rawValue))" } ?? "")
        }
    }

    static func empty(_ key: HashedUserDataKey) -> Self { Self(key, .empty) }

    static func tooLong(_ key: HashedUserDataKey, limit: Int) -> Self { Self(key, .tooLong(limit: limit)) }
}
