import CAPIModel

// The place keys: st, country, zp.

/// Collects the lowercased letters (and optionally digits) of `input`, ASCII fast path first.
private func lowercasedAlphanumerics(_ input: UnsafeRawBufferPointer, keepDigits: Bool) -> String {
    var text = ""
    if isASCII(input) {
        // Collect into a stack buffer and make one String: short keys (state and country
        // names, codes) then fit a small string and nothing is allocated.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(input.count, 1)) { buffer in
            var count = 0
            for byte in input {
                let lower = asciiLowercase(byte)
                if (lower &- UInt8(ascii: "a")) < 26 || (keepDigits && (lower &- UInt8(ascii: "0")) < 10) {
                    buffer[count] = lower
                    count &+= 1
                }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<count]), as: UTF8.self)
        }
    } else {
        UnicodeText.forEachLowercasedScalar(input) { scalar in
            if scalar.isLetterOrMark || (keepDigits && scalar.isDecimalDigit) { text.unicodeScalars.append(scalar) }
        }
    }
    return text
}

// MARK: - st

enum StateNormalizer {
    /// US states, DC and territories and Canadian provinces and territories, by exact name
    /// or code, become their two-letter code (`California` → `ca`, `N.Y.` → `ny`). Any other
    /// value is a state or region elsewhere and is kept whole, lowercased, without spaces or
    /// punctuation (`New South Wales` → `newsouthwales`), never guessed from a substring or
    /// cut to two letters.
    static func normalize(_ input: UnsafeRawBufferPointer, into sink: inout ByteSink) throws(NormalizationFailure) {
        if isASCII(input) {
            // One pass: the letters (the lookup key) on the stack, letters and digits (the
            // value kept when the key is unknown) into the sink.
            var letters = ShortKey()
            var fits = true
            for byte in input {
                let lower = asciiLowercase(byte)
                if (lower &- UInt8(ascii: "a")) < 26 {
                    fits = fits && letters.append(lower)
                    sink.append(lower)
                } else if (lower &- UInt8(ascii: "0")) < 10 {
                    sink.append(lower)
                }
            }
            if fits {
                if let code = table.code(for: letters) {
                    sink.removeAll()
                    sink.append(UInt8(truncatingIfNeeded: code >> 8))
                    sink.append(UInt8(truncatingIfNeeded: code))
                } else if letters.count == 2 {
                    sink.removeAll()
                    letters.withBytes { sink.append(contentsOf: $0) }
                }
                return
            }
            sink.removeAll()  // a longer name: the general path below
        }
        let letters = lowercasedAlphanumerics(input, keepDigits: false)
        if let code = StateTable.codeByName[letters] {
            sink.append(contentsOf: code.utf8)
            return
        }
        let whole = letters.utf8.count == 2 ? letters : lowercasedAlphanumerics(input, keepDigits: true)
        sink.append(contentsOf: whole.utf8)
    }

    /// ``StateTable/codeByName`` for short ASCII names.
    static let table = PackedKeyTable(StateTable.codeByName)
}

// MARK: - country

enum CountryNormalizer {
    /// An ISO 3166-1 alpha-2 code (`uk` becomes `gb`), an alpha-3 code, or an English name
    /// or common alias, matched exactly after lowercasing and removing everything but
    /// letters. Anything else is rejected rather than cut to its first two letters.
    static func normalize(_ input: UnsafeRawBufferPointer, into sink: inout ByteSink) throws(NormalizationFailure) {
        if isASCII(input), let key = asciiLetters(input) {
            // The common case (a code or a short name): no String, no hashing.
            if key.count == 0 { throw .empty(.country) }
            guard let code = table.code(for: key) else { throw NormalizationFailure(.country, .unknownCountry) }
            sink.append(UInt8(truncatingIfNeeded: code >> 8))
            sink.append(UInt8(truncatingIfNeeded: code))
            return
        }
        let key = lowercasedAlphanumerics(input, keepDigits: false)
        if key.isEmpty { throw .empty(.country) }
        guard let code = CountryTable.byKey[key] else {
            throw NormalizationFailure(.country, .unknownCountry)
        }
        sink.append(contentsOf: code.utf8)
    }

    /// ``CountryTable/byKey`` for short ASCII keys.
    static let table = PackedKeyTable(CountryTable.byKey)

    /// The lowercased letters of ASCII `input`, or nil when there are more than a
    /// ``ShortKey`` holds.
    @inline(__always)
    private static func asciiLetters(_ input: UnsafeRawBufferPointer) -> ShortKey? {
        var key = ShortKey()
        for byte in input {
            let lower = asciiLowercase(byte)
            if (lower &- UInt8(ascii: "a")) < 26 {
                guard key.append(lower) else { return nil }
            }
        }
        return key
    }

    /// The alpha-2 code for a country value, or `nil` when it is not one.
    static func code(for value: String) -> String? {
        var copy = value
        return copy.withUTF8 { CountryTable.byKey[lowercasedAlphanumerics(UnsafeRawBufferPointer($0), keepDigits: false)] }
    }
}

// MARK: - zp

enum ZipCodeNormalizer {
    /// Lowercase, cut at the first `-`, remove whitespace; only letters and digits may
    /// remain, at least two of them. A US ZIP+4 becomes its five-digit ZIP, both as
    /// `12345-6789` and as nine bare digits when the region is the US or not given.
    static func normalize(_ input: UnsafeRawBufferPointer, region: RegionCode?, into sink: inout ByteSink)
        throws(NormalizationFailure)
    {
        var digitsOnly = true
        for byte in input {
            if byte == UInt8(ascii: "-") { break }
            if byte.isASCIIWhitespace { continue }
            let lower = asciiLowercase(byte)
            guard isASCIILowerAlnum(lower) else {
                throw NormalizationFailure(.zipCode, .zipCodeCharacters)
            }
            if lower >= UInt8(ascii: "a") { digitsOnly = false }
            sink.append(lower)
        }
        if sink.count == 0 { throw .empty(.zipCode) }
        guard sink.count >= 2 else {
            throw NormalizationFailure(.zipCode, .zipCodeTooShort)
        }
        if digitsOnly, sink.count == 9, region == nil || region == .unitedStates {
            // ZIP+4 written without its hyphen: Meta wants the five-digit ZIP.
            let five = Array(sink.bytes.prefix(5))
            sink.removeAll()
            sink.append(contentsOf: five)
        }
    }
}
