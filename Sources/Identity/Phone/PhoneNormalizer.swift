import CAPIModel

/// Turns phone numbers into E.164 digits (country calling code and national significant
/// number, without `+`), the form Meta matches `ph` on.
///
/// Parsing follows libphonenumber (`PhoneNumberUtil.parse`) on every region it knows; see
/// ``PhoneParser``. On top of it, RoasProof rejects what libphonenumber would still turn
/// into a number but that can never match anyone: national numbers without a region, and
/// numbers whose length is impossible (or local-only) for their calling code.
enum PhoneNormalizer {
    static func normalize(
        _ input: UnsafeRawBufferPointer, region: RegionCode?, into sink: inout ByteSink
    )
        throws(NormalizationFailure)
    {
        sink.readAsInternational = try withParsedNumber(input, region: region) { result, international in
            var code: (UInt8, UInt8, UInt8) = (0, 0, 0)
            let codeLength = PhoneParser.digitsOf(result.callingCode, into: &code)
            withUnsafeBytes(of: code) { sink.append(contentsOf: $0[0..<codeLength]) }
            sink.append(contentsOf: result.national)
            return international
        }
    }

    /// Parses `input` and hands the result to `body` while the parser's buffers are alive,
    /// with whether the number was read as international although it had no `+`.
    ///
    /// The number's own `+` or international prefix wins; otherwise `region` (the explicit
    /// region, the event's country or the configured default, resolved by the caller). In order:
    /// 1. With a region, a national reading that is a valid number there (libphonenumber's answer).
    /// 2. The digits read as an international number, as if written with `+` (after a leading
    ///    `00` or `011` when there is no region), when that is a valid number: Meta prints
    ///    normalized phones as bare E.164 digits (`16505551212`) and many CRMs export them so.
    /// 3. Otherwise libphonenumber's reading as written, with the same checks as before: with no
    ///    region a number without `+` is rejected (`00` is the international prefix of most
    ///    regions but not all, so a number that is not valid after it is not guessed).
    ///
    /// A region that is no ISO code but names a country (`UK`) is read as that country (`GB`).
    static func withParsedNumber<R>(
        _ input: UnsafeRawBufferPointer, region requested: RegionCode?, _ body: (PhoneParseResult, Bool) -> R
    ) throws(NormalizationFailure) -> R {
        let md = PhoneMetadata.shared
        var region = requested
        var entity = region.flatMap(md.entityIndex(for:))
        if let requested, entity == nil, let alias = RegionCode(country: requested.rawValue),
            let aliasEntity = md.entityIndex(for: alias)
        {
            region = alias
            entity = aliasEntity
        }
        if entity != nil,
            let value = try? asWritten(input, region: region, entity: entity, validOnly: true, md, { body($0, false) })
        {
            return value
        }
        if let value = asInternational(input, stripInternationalPrefix: region == nil, md, { body($0, true) }) {
            return value
        }
        return try asWritten(input, region: region, entity: entity, validOnly: false, md) { body($0, false) }
    }

    /// Step 2 of ``withParsedNumber(_:region:_:)``: `+` and the digits, when they are a valid
    /// number; nil otherwise (and for input that has its own `+`, which step 1 or 3 reads).
    private static func asInternational<R>(
        _ input: UnsafeRawBufferPointer, stripInternationalPrefix: Bool, _ md: PhoneMetadata,
        _ body: (PhoneParseResult) -> R
    ) -> R? {
        var start = 0
        while start < input.count, input[start].isASCIIWhitespace || input[start] == UInt8(ascii: "(") { start &+= 1 }
        guard start < input.count, (input[start] &- UInt8(ascii: "0")) < 10 else { return nil }
        if stripInternationalPrefix {
            let rest = UnsafeRawBufferPointer(rebasing: input[start...])
            if rest.starts(with: "011".utf8) {
                start &+= 3
            } else if rest.starts(with: "00".utf8) {
                start &+= 2
            }
        }
        let digits = UnsafeRawBufferPointer(rebasing: input[start...])
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: digits.count &+ 1) { buffer -> R? in
            buffer[0] = UInt8(ascii: "+")
            _ = UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[1...]).initializeMemory(
                as: UInt8.self, fromContentsOf: digits)
            return try? asWritten(UnsafeRawBufferPointer(buffer), region: nil, entity: nil, validOnly: true, md, body)
        }
    }

    /// libphonenumber's reading of `input` as written, with RoasProof's length and leading-zero
    /// checks; with `validOnly`, a number that is not valid for its own region is refused too.
    /// `md` is the shared tables, read once per number by the caller.
    private static func asWritten<R>(
        _ input: UnsafeRawBufferPointer, region: RegionCode?, entity: Int?, validOnly: Bool, _ md: PhoneMetadata,
        _ body: (PhoneParseResult) -> R
    ) throws(NormalizationFailure) -> R {
        let outcome: ParseOutcome<R>
        do throws(PhoneParseFailure) {
            outcome = try PhoneParser.withParser(input, metadata: md) { parser throws(PhoneParseFailure) -> ParseOutcome<R> in
                var result = try parser.parse(region: entity)
                if validOnly {
                    guard parser.md.validEntity(forCallingCode: result.callingCode, national: result.national) != nil
                    else { return .notValid }
                    return .parsed(body(result))
                }
                let main = parser.md.mainEntity(forCallingCode: result.callingCode)
                var check = parser.md.testNumberLength(result.national.count, entity: main)
                if check != .possible {
                    // The main region's lengths decide (as libphonenumber's is_possible_number),
                    // but a number valid in its own region is kept: Canada's 310-xxxx numbers
                    // are 7 digits long, a local-only length for the US.
                    if parser.md.validEntity(forCallingCode: result.callingCode, national: result.national) != nil {
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
                if result.national.first == UInt8(ascii: "0"),
                    parser.md.validEntity(forCallingCode: result.callingCode, national: result.national) == nil
                {
                    return .leadingZero
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
        case .notValid: throw NormalizationFailure(.phone, .phoneNotANumber)  // only with validOnly, never surfaced
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
    /// Parsed, but not a valid number of its region (only asked for by the first two readings).
    case notValid
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
