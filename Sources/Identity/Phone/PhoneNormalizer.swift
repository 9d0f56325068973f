import CAPIModel

/// Turns phone numbers into E.164 digits (country calling code and national significant
/// number, without `+`), the form Meta matches `ph` on.
///
/// Parsing follows libphonenumber (`PhoneNumberUtil.parse`) on every region it knows; see
/// ``PhoneParser``. On top of it, RoasProof rejects what libphonenumber would still turn
/// into a number but that can never match anyone: national numbers without a region, and
/// numbers whose length is impossible (or local-only) for their calling code.
enum PhoneNormalizer {
    static func normalize(_ input: UnsafeRawBufferPointer, region: RegionCode?, into sink: inout ByteSink)
        throws(NormalizationError)
    {
        try withParsedNumber(input, region: region) { result in
            var code: (UInt8, UInt8, UInt8) = (0, 0, 0)
            let codeLength = PhoneParser.digitsOf(result.callingCode, into: &code)
            withUnsafeBytes(of: code) { sink.append(contentsOf: $0[0..<codeLength]) }
            sink.append(contentsOf: result.national)
        }
    }

    /// Parses `input` and hands the result to `body` while the parser's buffers are alive.
    ///
    /// The number's own `+` or international prefix wins; otherwise `region` (the explicit
    /// region, the event's country or the configured default, resolved by the caller).
    /// With no region, a number without `+` is rejected: `00` is the international prefix of
    /// most regions but not all (`011`, `0011`, `010`, `8~10`), so it is not guessed.
    static func withParsedNumber<R>(
        _ input: UnsafeRawBufferPointer, region: RegionCode?, _ body: (PhoneParseResult) -> R
    ) throws(NormalizationError) -> R {
        let entity = region.flatMap(PhoneMetadata.shared.entityIndex(for:))
        let outcome: ParseOutcome<R>
        do throws(PhoneParseFailure) {
            outcome = try PhoneParser.withParser(input) { parser throws(PhoneParseFailure) -> ParseOutcome<R> in
                var result = try parser.parse(region: entity)
                let main = parser.md.mainEntity(forCallingCode: result.callingCode)
                var check = parser.md.testNumberLength(result.national.count, entity: main)
                if check != .possible {
                    // The main region's lengths decide (as libphonenumber's is_possible_number),
                    // but a number valid in its own region is kept: Canada's 310-xxxx numbers
                    // are 7 digits long, a local-only length for the US.
                    if let own = parser.md.entity(forCallingCode: result.callingCode, national: result.national),
                        parser.md.isValidNumber(result.national, entity: own)
                    {
                        check = .possible
                    } else if let legacy = parser.mexicanLegacyForm(result) {
                        result.national = legacy
                        check = .possible
                    }
                }
                guard check == .possible else {
                    return .impossible(
                        PhoneMetadata.LengthCheck(
                            result: check, length: result.national.count, callingCode: result.callingCode,
                            region: parser.md.region(ofEntity: main)))
                }
                // A national number that starts with 0 and is valid nowhere is an artifact of a
                // doubled trunk or international prefix (`+49 0 0151…`): libphonenumber keeps
                // such zeros, and does not even read its own output back to the same number.
                if result.national.first == UInt8(ascii: "0") {
                    let own = parser.md.entity(forCallingCode: result.callingCode, national: result.national)
                    if !(own.map { parser.md.isValidNumber(result.national, entity: $0) } ?? false) {
                        return .leadingZero
                    }
                }
                return .parsed(body(result))
            }
        } catch {
            throw Self.error(for: error, region: region, knownRegion: entity != nil)
        }
        switch outcome {
        case .parsed(let value): return value
        case .impossible(let check): throw Self.error(for: check)
        case .leadingZero:
            throw NormalizationError(
                key: .phone, code: .invalidPhone,
                message: "the number after the country code starts with 0 and is no valid number; "
                    + "remove a repeated trunk 0 or international prefix")
        }
    }

    static func error(for failure: PhoneParseFailure, region: RegionCode?, knownRegion: Bool) -> NormalizationError {
        switch failure {
        case .notANumber:
            return NormalizationError(
                key: .phone, code: .invalidPhone,
                message: "the value does not look like a phone number; it needs at least three digits, "
                    + "with only spaces, dashes, dots, slashes or brackets between them")
        case .missingRegion:
            if let region, !knownRegion {
                return unknownRegion(region)
            }
            return NormalizationError(
                key: .phone, code: .missingPhoneRegion,
                message: "a national number needs its country: write it with + and the country calling code, "
                    + "pass the customer's country as region, or configure a default phone region")
        case .invalidCountryCode:
            return NormalizationError(
                key: .phone, code: .unknownPhoneRegion,
                message: "the digits after + or the international prefix are no assigned country calling code; "
                    + "check the country code")
        case .tooShortAfterInternationalPrefix:
            return NormalizationError(
                key: .phone, code: .impossiblePhoneLength,
                message: "too few digits follow the international prefix; check for missing digits")
        case .tooShortNationalNumber:
            return NormalizationError(
                key: .phone, code: .impossiblePhoneLength,
                message: "the national number has fewer than two digits; check for missing digits")
        case .tooLong:
            return NormalizationError(
                key: .phone, code: .impossiblePhoneLength,
                message: "the value is too long for a phone number (more than 17 digits, or more than "
                    + "\(PhoneParser.maximumInputLength) characters); pass a single number")
        }
    }

    static func unknownRegion(_ region: RegionCode) -> NormalizationError {
        NormalizationError(
            key: .phone, code: .unknownPhoneRegion,
            message: "region \(region.rawValue) has no telephone numbering plan; pass an ISO 3166-1 alpha-2 code "
                + "such as GB (not UK), or write the number with + and its country calling code")
    }

    static func error(for check: PhoneMetadata.LengthCheck) -> NormalizationError {
        let plan = "+\(check.callingCode)" + (check.region.map { " (\($0.rawValue))" } ?? "")
        if check.result == .possibleLocalOnly {
            return NormalizationError(
                key: .phone, code: .impossiblePhoneLength,
                message: "a \(check.length)-digit number in \(plan) is a local number without its area code; "
                    + "add the area code")
        }
        return NormalizationError(
            key: .phone, code: .impossiblePhoneLength,
            message: "no number in \(plan) has \(check.length) digits after the country code; "
                + "check for missing or extra digits, or for the wrong country")
    }
}

/// A parsed number handed to the caller, or the reason its length was refused.
enum ParseOutcome<R> {
    case parsed(R)
    case impossible(PhoneMetadata.LengthCheck)
    case leadingZero
}

extension PhoneMetadata {
    /// Why a parsed number's length was refused.
    struct LengthCheck {
        let result: PhoneParser.LengthResult
        let length: Int
        let callingCode: Int
        let region: RegionCode?
    }
}
