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
    }
    // The scalars' UTF-8 into a stack buffer, then one String: appending to a String scalar by
    // scalar cost more than the rest of a state or country lookup. The String path remains for
    // text whose lowercase mapping would outgrow the buffer.
    let capacity = input.count &* 4 &+ 64
    let collected: String? = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
        var count = 0
        var fits = true
        UnicodeText.forEachLowercasedScalar(input) { scalar in
            guard fits, scalar.isLetterOrMark || (keepDigits && scalar.isDecimalDigit) else { return }
            let width = UTF8.width(scalar)
            guard count &+ width <= capacity else {
                fits = false
                return
            }
            for unit in UTF8.encode(scalar)! {
                buffer[count] = unit
                count &+= 1
            }
        }
        return fits ? String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<count]), as: UTF8.self) : nil
    }
    if let collected { return collected }
    UnicodeText.forEachLowercasedScalar(input) { scalar in
        if scalar.isLetterOrMark || (keepDigits && scalar.isDecimalDigit) { text.unicodeScalars.append(scalar) }
    }
    return text
}

// MARK: - st

enum StateNormalizer {
    /// US states, DC and territories and Canadian provinces and territories, by exact name
    /// or code, become their two-letter code (`California` → `ca`, `N.Y.` → `ny`). Any other
    /// value is a state or region elsewhere and is kept whole, lowercased, without spaces or
    /// punctuation (`New South Wales` → `newsouthwales`), never guessed from a substring or
    /// cut to two letters. A value without any letter (`94105`, `1`) is no state: it is
    /// rejected (`invalid_state`), as capi-param-builder rejects it.
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
                if letters.count == 0 { try rejectWithoutLetters(hasDigits: sink.count > 0) }
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
        if letters.isEmpty { try rejectWithoutLetters(hasDigits: !lowercasedAlphanumerics(input, keepDigits: true).isEmpty) }
        if let code = StateTable.codeByName[letters] {
            sink.append(contentsOf: code.utf8)
            return
        }
        let whole = letters.utf8.count == 2 ? letters : lowercasedAlphanumerics(input, keepDigits: true)
        sink.append(contentsOf: whole.utf8)
    }

    /// ``StateTable/codeByName`` for short ASCII names.
    static let table = PackedKeyTable(StateTable.codeByName)

    /// A value without letters: digits only is no state (a zip code in the wrong field),
    /// nothing at all is empty.
    private static func rejectWithoutLetters(hasDigits: Bool) throws(NormalizationFailure) {
        throw hasDigits ? NormalizationFailure(.state, .invalidState) : .empty(.state)
    }
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
    /// Lowercase, cut at the first dash, remove whitespace; only letters and digits may
    /// remain, at least two of them. A US ZIP+4 becomes its five-digit ZIP, both as
    /// `12345-6789` and as nine bare digits when the region is the US or not given.
    ///
    /// Postal codes typed on phones and exported from spreadsheets are folded first:
    /// full-width forms become ASCII as NFKC maps them (`９４１０５`), digits of any script
    /// their ASCII digit, every Unicode dash and the minus sign count as `-` (`94105–1234`),
    /// every Unicode space is removed, and the Japanese postal mark `〒` is dropped.
    static func normalize(
        _ input: UnsafeRawBufferPointer, region: RegionCode?, into sink: inout ByteSink
    )
        throws(NormalizationFailure)
    {
        var digitsOnly = true
        /// Takes one folded ASCII byte; false at the dash that ends the code.
        @inline(__always) func take(_ byte: UInt8) throws(NormalizationFailure) -> Bool {
            if byte == UInt8(ascii: "-") { return false }
            if byte.isASCIIWhitespace { return true }
            let lower = asciiLowercase(byte)
            guard isASCIILowerAlnum(lower) else {
                throw NormalizationFailure(.zipCode, .zipCodeCharacters)
            }
            if lower >= UInt8(ascii: "a") { digitsOnly = false }
            sink.append(lower)
            return true
        }
        if isASCII(input) {
            for byte in input {
                if try !take(byte) { break }
            }
        } else {
            var decoder = UTF8()
            var iterator = input.makeIterator()
            decoding: while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar):
                    guard let folded = fold(scalar) else { continue decoding }
                    if try !take(folded) { break decoding }
                case .emptyInput:
                    break decoding
                case .error:
                    throw NormalizationFailure(.zipCode, .zipCodeCharacters)
                }
            }
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

    /// One scalar of a postal code as the ASCII byte it stands for, nil for one that is
    /// dropped (spaces, the postal mark), or 0 (refused by the caller) for anything else.
    static func fold(_ scalar: Unicode.Scalar) -> UInt8? {
        let value = scalar.value
        if value < 0x80 { return UInt8(truncatingIfNeeded: value) }
        // Full-width ASCII (U+FF01–U+FF5E) is ASCII shifted by 0xFEE0, as NFKC folds it.
        if value >= 0xFF01 && value <= 0xFF5E { return UInt8(truncatingIfNeeded: value &- 0xFEE0) }
        // 〒, 〠 and 〶: the postal mark (and its decorated forms) written before Japanese codes.
        if value == 0x3012 || value == 0x3020 || value == 0x3036 { return nil }
        if scalar.isTrimmable { return nil }
        if value == 0x2212 || scalar.properties.generalCategory == .dashPunctuation { return UInt8(ascii: "-") }
        if scalar.isDecimalDigit, let digit = scalar.properties.numericValue, digit >= 0, digit <= 9 {
            return UInt8(ascii: "0") &+ UInt8(digit)
        }
        return 0
    }
}
