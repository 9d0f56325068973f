import CAPIModel

/// The Unicode steps shared by the text normalizers: NFC, then the full lowercase mapping,
/// exactly as Python's `unicodedata.normalize("NFC", s).lower()` does.
///
/// Swift's `lowercased()` applies the unconditional mappings (`İ` → `i̇`) but not the
/// Final_Sigma rule (`ΟΔΟΣ` → `οδος`), and Meta hashes Greek surnames the way Python
/// lowercases them, so the sigma rule is applied here by hand.
enum UnicodeText {
    /// NFC-normalizes and lowercases `utf8`, calling `body` with each resulting scalar.
    static func forEachLowercasedScalar(_ utf8: UnsafeRawBufferPointer, _ body: (Unicode.Scalar) -> Void) {
        // Text already in NFC is lowercased as it is decoded, without a String or an array.
        if forEachLowercasedScalarQuickly(utf8, body) { return }
        let text = String(decoding: utf8, as: UTF8.self)
        // `_nfcCodeUnits` is the standard library's own NFC normalizer (the one String
        // comparison uses). It is public but underscored; tests pin its behaviour.
        let nfc = text._nfcCodeUnits
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(nfc.count)
        var decoder = UTF8()
        var iterator = nfc.makeIterator()
        while case .scalarValue(let scalar) = decoder.decode(&iterator) { scalars.append(scalar) }

        for (index, scalar) in scalars.enumerated() {
            if scalar.isASCII {
                body(scalar.value >= 0x41 && scalar.value <= 0x5A ? Unicode.Scalar(scalar.value | 0x20)! : scalar)
            } else if scalar == "\u{03A3}" {
                body(isFinalSigma(at: index, in: scalars) ? "\u{03C2}" : "\u{03C3}")
            } else if scalar.properties.changesWhenLowercased {
                for lower in scalar.properties.lowercaseMapping.unicodeScalars { body(lower) }
            } else {
                body(scalar)
            }
        }
    }

    /// Unicode's Final_Sigma condition: a cased letter before (skipping case-ignorable
    /// characters) and no cased letter after (skipping case-ignorable characters).
    static func isFinalSigma(at index: Int, in scalars: [Unicode.Scalar]) -> Bool {
        var before = index - 1
        while before >= 0, scalars[before].properties.isCaseIgnorable { before -= 1 }
        guard before >= 0, scalars[before].properties.isCased else { return false }
        var after = index + 1
        while after < scalars.count, scalars[after].properties.isCaseIgnorable { after += 1 }
        return !(after < scalars.count && scalars[after].properties.isCased)
    }
}

extension Unicode.Scalar {
    /// Letters (L*) and combining marks (M*).
    @inline(__always)
    var isLetterOrMark: Bool {
        if value < ScalarTable.limit { return ScalarTable.entries[Int(value)] & ScalarTable.letterOrMark != 0 }
        return ScalarTable.isInertCaselessLetter(value) || isLetterOrMarkByProperties
    }

    /// Decimal digits in any script (Nd).
    @inline(__always)
    var isDecimalDigit: Bool {
        if value < ScalarTable.limit { return ScalarTable.entries[Int(value)] & ScalarTable.decimalDigit != 0 }
        return !ScalarTable.isInertCaselessLetter(value) && isDecimalDigitByProperties
    }

    /// Punctuation (P*), whitespace, control (Cc) and format (Cf) characters, and the ASCII
    /// symbols capi-param-builder strips from names (`$+<=>^`|~`).
    @inline(__always)
    var isNameSeparator: Bool {
        if value < ScalarTable.limit { return ScalarTable.entries[Int(value)] & ScalarTable.nameSeparator != 0 }
        return !ScalarTable.isInertCaselessLetter(value) && isNameSeparatorByProperties
    }

    /// ``isLetterOrMark`` from the Unicode properties (``ScalarTable`` is built from it).
    var isLetterOrMarkByProperties: Bool {
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default:
            return false
        }
    }

    /// ``isDecimalDigit`` from the Unicode properties.
    var isDecimalDigitByProperties: Bool { properties.generalCategory == .decimalNumber }

    /// ``isNameSeparator`` from the Unicode properties.
    var isNameSeparatorByProperties: Bool {
        if isASCII {
            return !(value >= 0x30 && value <= 0x39) && !(value >= 0x61 && value <= 0x7A) && !(value >= 0x41 && value <= 0x5A)
        }
        if properties.isWhitespace { return true }
        switch properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation, .control, .format, .spaceSeparator, .lineSeparator,
            .paragraphSeparator:
            return true
        default:
            return false
        }
    }
}

extension UnsafeRawBufferPointer {
    /// The UTF-8 text without leading and trailing whitespace: Unicode White_Space (the
    /// no-break space, the ideographic space, line and paragraph separators, …) and the
    /// byte-order mark, as JavaScript's `trim()` and Python's `str.strip()` remove them.
    ///
    /// Spreadsheet and CRM exports wrap values in no-break spaces and line ends; trimmed only
    /// for ASCII, a hash wrapped so was hashed again and a postal code was refused.
    @inline(__always)
    func trimmingUnicodeWhitespace() -> UnsafeRawBufferPointer {
        // Nearly every value starts and ends with a printable ASCII byte: nothing to do.
        guard let first, let last else { return self }
        if first &- 0x21 < 0x5F && last &- 0x21 < 0x5F { return self }
        return trimmingUnicodeWhitespaceSlowly()
    }

    private func trimmingUnicodeWhitespaceSlowly() -> UnsafeRawBufferPointer {
        var start = 0
        var end = count
        // ASCII bytes first, without decoding: the padding met in exports is spaces, tabs and
        // line ends, and an ASCII byte is trimmable exactly when it is ASCII whitespace.
        while start < end, self[start] < 0x80 {
            guard self[start].isASCIIWhitespace else { break }
            start &+= 1
        }
        while start < end, let length = trimmableScalarLength(at: start, end: end) { start &+= length }
        while end > start, self[end &- 1] < 0x80 {
            guard self[end &- 1].isASCIIWhitespace else { break }
            end &-= 1
        }
        while end > start {
            // The last scalar starts at the last byte that is not a continuation byte (10xxxxxx).
            var scalarStart = end &- 1
            while scalarStart > start, end &- scalarStart < 4, self[scalarStart] & 0xC0 == 0x80 { scalarStart &-= 1 }
            guard trimmableScalarLength(at: scalarStart, end: end) == end &- scalarStart else { break }
            end = scalarStart
        }
        return UnsafeRawBufferPointer(rebasing: self[start..<end])
    }

    /// The length in bytes of the scalar at `index` when it is whitespace or the BOM, else nil
    /// (also for invalid UTF-8, which is left for the normalizers to refuse).
    private func trimmableScalarLength(at index: Int, end: Int) -> Int? {
        let lead = self[index]
        if lead < 0x80 { return lead.isASCIIWhitespace ? 1 : nil }
        // Every non-ASCII White_Space scalar and the BOM starts with one of these bytes
        // (U+0085, U+00A0; U+1680; U+2000-U+205F; U+3000; U+FEFF): any other lead byte
        // starts a letter, mark, digit or symbol (or invalid UTF-8), so nothing is decoded
        // at the end of a name in most scripts. `UnicodeQuickPathTests` checks the list.
        guard lead == 0xC2 || lead == 0xE1 || lead == 0xE2 || lead == 0xE3 || lead == 0xEF else { return nil }
        var decoder = UTF8()
        var iterator = UnsafeRawBufferPointer(rebasing: self[index..<Swift.min(end, index &+ 4)]).makeIterator()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator), scalar.isTrimmable else { return nil }
        return UTF8.width(scalar)
    }
}
