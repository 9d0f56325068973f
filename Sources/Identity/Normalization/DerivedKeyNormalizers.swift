package import CAPIModel

// The keys Meta's Business SDKs send beside fn, ln and db: f5first, f5last, fi, dobd, dobm
// and doby. Each is a part of its source key's normalized value, hashed:
//
// - f5first, f5last: the first five characters of the normalized first or last name;
// - fi: the first character of the normalized first name;
// - dobd, dobm, doby: the day (DD), month (MM) and year (YYYY) of the normalized date of
//   birth (YYYYMMDD).
//
// Characters are Unicode scalars, as Python's string slicing in Meta's Python SDK counts them
// (`normalize.py`: `data.lower().strip()[:5]`). The names are cut from the same normalized
// text as fn and ln, so `f5first` is always a prefix of what `fn` hashes; the SDK cuts the
// lowercased input instead, which differs only for names with punctuation or spaces in the
// first five characters (`Jean-Luc`: `jeanl` here, `jean-` there). See docs/Normalization.md.

/// The number of UTF-8 bytes the first `characters` Unicode scalars of `utf8` take.
@inline(__always)
func scalarPrefixLength(_ utf8: UnsafeRawBufferPointer, characters: Int) -> Int {
    var seen = 0
    var index = 0
    while index < utf8.count {
        if utf8[index] & 0xC0 != 0x80 {  // a lead byte starts a scalar
            if seen == characters { return index }
            seen &+= 1
        }
        index &+= 1
    }
    return utf8.count
}

/// The part of `normalized`, the normalized value of `key.derivedFrom`, that `key` hashes.
@inline(__always)
func derivedPart(of normalized: UnsafeRawBufferPointer, for key: HashedUserDataKey) -> UnsafeRawBufferPointer {
    @inline(__always) func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        // The date of birth normalizes to exactly 8 bytes; clamp anyway rather than trap.
        let clamped = range.clamped(to: 0..<normalized.count)
        return UnsafeRawBufferPointer(rebasing: normalized[clamped])
    }
    switch key {
    case .firstNamePrefix, .lastNamePrefix: return slice(0..<scalarPrefixLength(normalized, characters: 5))
    case .firstInitial: return slice(0..<scalarPrefixLength(normalized, characters: 1))
    case .dayOfBirth: return slice(6..<8)
    case .monthOfBirth: return slice(4..<6)
    case .yearOfBirth: return slice(0..<4)
    default: return normalized
    }
}

// MARK: - f5first, f5last, fi given on their own

enum NamePrefixNormalizer {
    /// The name normalized as for fn and ln, then cut to its first five characters (`f5first`,
    /// `f5last`) or its first character (`fi`).
    static func normalize(
        _ input: UnsafeRawBufferPointer, key: HashedUserDataKey, into sink: inout ByteSink
    )
        throws(NormalizationFailure)
    {
        // Lowercasing can grow UTF-8 text; as in IdentityNormalizer.withNormalizedBytes.
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: input.count &* 4 &+ 64) {
            buffer throws(NormalizationFailure) in
            var name = ByteSink(buffer)
            try NameNormalizer.normalize(input, key: key, into: &name)
            sink.append(contentsOf: derivedPart(of: name.bytes, for: key))
        }
    }
}

// MARK: - dobd, dobm, doby given on their own

/// One part of a date of birth, with the rule it must follow.
enum BirthDatePart {
    case day
    case month
    case year(latestYear: Int)

    init(_ key: HashedUserDataKey, latestYear: Int) {
        switch key {
        case .dayOfBirth: self = .day
        case .monthOfBirth: self = .month
        default: self = .year(latestYear: latestYear)
        }
    }

    /// What a valid value looks like, for ``NormalizationFailure/Reason/invalidBirthDatePart(_:)``.
    var rule: String {
        switch self {
        case .day: "a day of birth (dobd) is one or two digits from 1 to 31, such as 07"
        case .month: "a month of birth (dobm) is one or two digits from 1 to 12, such as 03"
        case .year(let latestYear): "a year of birth (doby) is four digits from 1900 to \(latestYear), such as 1990"
        }
    }
}

enum BirthDatePartNormalizer {
    /// Reads the number alone (surrounding whitespace is ignored, digits of any script are
    /// read) and writes it as `DD`, `MM` or `YYYY`: Meta's SDKs pad a one-digit day or month
    /// with 0 and require four digits for the year. Unlike them, the value must be in range
    /// (the year as for `db`), and a day or month has at most two digits.
    static func normalize(
        _ input: UnsafeRawBufferPointer, key: HashedUserDataKey, latestYear: Int, into sink: inout ByteSink
    ) throws(NormalizationFailure) {
        let part = BirthDatePart(key, latestYear: latestYear)
        let invalid = NormalizationFailure(key, .invalidBirthDatePart(part))
        var value = 0
        var digits = 0
        var ended = false  // whitespace after the digits
        var decoder = UTF8()
        var bytes = input.makeIterator()
        decoding: while true {
            switch decoder.decode(&bytes) {
            case .scalarValue(let scalar):
                if scalar.isTrimmable {
                    if digits > 0 { ended = true }
                } else if !ended, scalar.properties.numericType == .decimal, let digit = scalar.properties.numericValue,
                    digits < 4
                {
                    value = value * 10 + Int(digit)
                    digits += 1
                } else {
                    throw invalid
                }
            case .emptyInput: break decoding
            case .error: throw invalid
            }
        }
        guard digits > 0 else { return }  // nothing but whitespace: the caller reports it empty
        switch part {
        case .day:
            guard digits <= 2, (1...31).contains(value) else { throw invalid }
            write(value, width: 2, into: &sink)
        case .month:
            guard digits <= 2, (1...12).contains(value) else { throw invalid }
            write(value, width: 2, into: &sink)
        case .year(let latestYear):
            guard digits == 4, value >= 1900, value <= latestYear else { throw invalid }
            write(value, width: 4, into: &sink)
        }
    }

    private static func write(_ value: Int, width: Int, into sink: inout ByteSink) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        while divisor > 0 {
            sink.append(UInt8(ascii: "0") &+ UInt8(value / divisor % 10))
            divisor /= 10
        }
    }
}

// MARK: - Deriving while assembling

/// The result of ``IdentityNormalizer/process(_:as:derivingWhere:into:)``.
package struct DerivingOutcome: Sendable {
    /// How the value itself was added: hashed here or passed through; `nil` when the user data
    /// held it already (and nothing was derived).
    package var origin: ProcessedIdentifier.Origin?
    /// Bit `i` set: `key.derivedKeys[i]` was added.
    package var derivedAdded: UInt8 = 0

    /// Whether the derived key at `index` of `key.derivedKeys` was added.
    package func addedDerivedKey(at index: Int) -> Bool { derivedAdded & (1 << UInt8(index)) != 0 }
}

extension IdentityNormalizer {
    /// ``process(_:as:region:into:)`` for `fn`, `ln` or `db`, adding as well the keys derived
    /// from the normalized value (``HashedUserDataKey/derivedKeys``) that `allows` accepts.
    ///
    /// The derived keys hash parts of the bytes the value was normalized into, so deriving
    /// them costs one short SHA-256 each and no allocation. A value that is already a hash is
    /// passed through with nothing derived: there is no name or date left to cut.
    package func process(
        _ value: String, as key: HashedUserDataKey, derivingWhere allows: (HashedUserDataKey) -> Bool,
        into userData: inout UserData
    ) throws(NormalizationError) -> DerivingOutcome {
        var outcome = DerivingOutcome()
        let failure: NormalizationFailure? = withUTF8(of: value) { raw -> NormalizationFailure? in
            let input = Self.trimmed(raw)
            if Self.alreadyHashed(input) != nil {
                if userData.append(passedThroughIdentifier(value), for: key) { outcome.origin = .passedThrough }
                return nil
            }
            guard input.count <= Self.maximumInputLength else {
                return .tooLong(key, limit: Self.maximumInputLength)
            }
            // As in normalizedDigest: at least two zeroed SHA-256 blocks, hashed in place.
            let capacity = max(input.count &* 4 &+ 64, 128)
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer -> NormalizationFailure? in
                buffer.baseAddress!.initialize(repeating: 0, count: 128)
                var sink = ByteSink(buffer)
                do throws(NormalizationFailure) {
                    try normalize(input, as: key, region: nil, into: &sink)
                } catch {
                    return error
                }
                let count = sink.count
                // Hashing in place pads after the value and leaves its bytes as they are, so
                // the derived parts are read from them afterwards.
                let digest = SHA256.hash(
                    paddingInPlace: UnsafeMutableRawBufferPointer(buffer), count: count,
                    zeroedFrom: max(count, sink.discardedEnd))
                guard userData.append(digest: digest, for: key) else { return nil }
                outcome.origin = .hashed
                let normalized = UnsafeRawBufferPointer(start: buffer.baseAddress, count: count)
                let derivedKeys = key.derivedKeys
                for index in derivedKeys.indices where allows(derivedKeys[index]) {
                    let part = derivedPart(of: normalized, for: derivedKeys[index])
                    if userData.append(digest: SHA256.hash(part), for: derivedKeys[index]) {
                        outcome.derivedAdded |= 1 << UInt8(index)
                    }
                }
                return nil
            }
        }
        if let failure { throw NormalizationError(failure) }
        return outcome
    }
}
