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
        throws(NormalizationFailure)
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
    ) throws(NormalizationFailure) -> R {
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
        case .leadingZero: throw NormalizationFailure(.phone, .phoneLeadingZero)
        }
    }

    static func error(for failure: PhoneParseFailure, region: RegionCode?, knownRegion: Bool) -> NormalizationFailure {
        switch failure {
        case .notANumber:
            return NormalizationFailure(.phone, .phoneNotANumber)
        case .missingRegion:
            if let region, !knownRegion {
                return unknownRegion(region)
            }
            return NormalizationFailure(.phone, .phoneMissingRegion)
        case .invalidCountryCode:
            return NormalizationFailure(.phone, .phoneUnknownCallingCode)
        case .tooShortAfterInternationalPrefix:
            return NormalizationFailure(.phone, .phoneTooShortAfterInternationalPrefix)
        case .tooShortNationalNumber:
            return NormalizationFailure(.phone, .phoneTooShortNationalNumber)
        case .tooLong:
            return NormalizationFailure(.phone, .phoneTooLong)
        }
    }

    static func unknownRegion(_ region: RegionCode) -> NormalizationFailure {
        NormalizationFailure(.phone, .phoneUnknownRegion(region))
    }

    static func error(for check: PhoneMetadata.LengthCheck) -> NormalizationFailure {
        if check.result == .possibleLocalOnly {
            return NormalizationFailure(
                .phone, .phoneLocalOnlyLength(length: check.length, callingCode: check.callingCode, region: check.region))
        }
        return NormalizationFailure(
            .phone, .phoneImpossibleLength(length: check.length, callingCode: check.callingCode, region: check.region))
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
