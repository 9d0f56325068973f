// The common non-ASCII case without building a String or an array: names and cities in
// Latin with accents, Greek, Cyrillic, Arabic, Hebrew, CJK, Hangul and kana, already in NFC
// (as keyboards, forms and CRMs produce them).

/// What the text normalizers need to know about a scalar below U+0800, looked up in one
/// load instead of the standard library's property searches.
///
/// Built once from the standard library's own Unicode properties (the same ones the
/// general path uses), so the two paths cannot disagree on any of these scalars.
enum ScalarTable {
    /// Scalars below this have an entry.
    static let limit: UInt32 = 0x800

    /// Bits 0–20: the lowercase mapping when it is one scalar (with ``simpleLowercase``).
    static let lowercaseMask: UInt32 = 0x1F_FFFF
    /// The lowercase mapping is the one scalar in the low bits (else it is longer: `İ` → `i̇`).
    static let simpleLowercase: UInt32 = 1 << 23
    /// NFC-inert: in NFC on its own (no singleton or excluded decomposition), combining class 0
    /// and no combining mark. Text made only of such scalars is in NFC (Unicode's NFC quick check:
    /// every scalar NFC_QC=Yes and no reordering), and below U+0800 every scalar that may
    /// compose with the one before it (NFC_QC=Maybe) is a combining mark. The capital sigma is
    /// left out: its lowercase depends on its neighbours.
    static let inert: UInt32 = 1 << 24
    static let letterOrMark: UInt32 = 1 << 25
    static let decimalDigit: UInt32 = 1 << 26
    static let nameSeparator: UInt32 = 1 << 27
    static let trimmable: UInt32 = 1 << 28

    static let entries: [UInt32] = (0..<limit).map { value in
        let scalar = Unicode.Scalar(value)!  // no surrogates below U+0800
        let properties = scalar.properties
        var entry: UInt32 = 0
        let lower = Array(properties.lowercaseMapping.unicodeScalars)
        if lower.count == 1 { entry |= simpleLowercase | lower[0].value }
        let isMark =
            switch properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: true
            default: false
            }
        if !isMark, properties.canonicalCombiningClass == .notReordered, value != 0x03A3,
            String(scalar)._nfcCodeUnits.elementsEqual(String(scalar).utf8)
        {
            entry |= inert
        }
        if scalar.isLetterOrMarkByProperties { entry |= letterOrMark }
        if scalar.isDecimalDigitByProperties { entry |= decimalDigit }
        if scalar.isNameSeparatorByProperties { entry |= nameSeparator }
        if scalar.isTrimmableByProperties { entry |= trimmable }
        return entry
    }

    /// Scalars from U+0800 up that are NFC-inert and caseless letters (Lo): kana, CJK
    /// unified ideographs and Hangul syllables. Being letters, they are no whitespace, digit
    /// or separator either, which the predicates on `Unicode.Scalar` answer without a
    /// property lookup. (A Hangul syllable may compose with a
    /// following trailing jamo, which is not in this set, so text made of these is in NFC.)
    @inline(__always)
    static func isInertCaselessLetter(_ value: UInt32) -> Bool {
        (value &- 0x3041) <= 0x3096 - 0x3041 || (value &- 0x30A1) <= 0x30FA - 0x30A1
            || (value &- 0x4E00) <= 0x9FFF - 0x4E00 || (value &- 0xAC00) <= 0xD7A3 - 0xAC00
    }
}

extension UnicodeText {
    /// ``forEachLowercasedScalar(_:_:)`` for valid UTF-8 made only of NFC-inert scalars (see
    /// ``ScalarTable``): such text is its own NFC, so each scalar is lowercased as it is
    /// decoded. Returns false, without calling `body`, for any other text.
    static func forEachLowercasedScalarQuickly(_ utf8: UnsafeRawBufferPointer, _ body: (Unicode.Scalar) -> Void) -> Bool {
        ScalarTable.entries.withUnsafeBufferPointer { table in
            // First pass: check everything before writing anything.
            var index = 0
            let count = utf8.count
            while index < count {
                let (value, length) = decodeForQuickPath(utf8, at: index)
                if value < ScalarTable.limit {
                    guard table[Int(value)] & ScalarTable.inert != 0 else { return false }
                } else {
                    guard ScalarTable.isInertCaselessLetter(value) else { return false }
                }
                index &+= length
            }
            index = 0
            while index < count {
                let (value, length) = decodeForQuickPath(utf8, at: index)
                index &+= length
                if value < ScalarTable.limit {
                    let entry = table[Int(value)]
                    if entry & ScalarTable.simpleLowercase != 0 {
                        body(Unicode.Scalar(entry & ScalarTable.lowercaseMask).unsafelyUnwrapped)
                    } else {
                        for lower in Unicode.Scalar(value).unsafelyUnwrapped.properties.lowercaseMapping.unicodeScalars {
                            body(lower)
                        }
                    }
                } else {
                    body(Unicode.Scalar(value).unsafelyUnwrapped)  // caseless
                }
            }
            return true
        }
    }

    /// The scalar at `index` and its length in bytes, for the scalars the quick path takes:
    /// one-, two- and three-byte sequences. Anything else decodes to U+FFFF with length 1,
    /// which the quick path refuses, leaving the text to the general path: four-byte
    /// sequences, and invalid UTF-8 (which a `String`'s bytes never are, but the check costs
    /// little and keeps a bad buffer from being read past its end).
    @inline(__always)
    static func decodeForQuickPath(_ utf8: UnsafeRawBufferPointer, at index: Int) -> (UInt32, Int) {
        let refused: (UInt32, Int) = (0xFFFF, 1)
        let lead = UInt32(utf8[index])
        if lead < 0x80 { return (lead, 1) }
        let count = utf8.count
        if lead &- 0xC2 <= 0xDF - 0xC2 {  // C0 and C1 would be overlong
            guard index &+ 1 < count else { return refused }
            let b1 = UInt32(utf8[index &+ 1])
            guard b1 & 0xC0 == 0x80 else { return refused }
            return ((lead & 0x1F) << 6 | (b1 & 0x3F), 2)
        }
        if lead &- 0xE0 <= 0xEF - 0xE0 {
            guard index &+ 2 < count else { return refused }
            let b1 = UInt32(utf8[index &+ 1])
            let b2 = UInt32(utf8[index &+ 2])
            guard b1 & 0xC0 == 0x80, b2 & 0xC0 == 0x80 else { return refused }
            // Overlong forms decode below U+0800 and surrogates to D800–DFFF: neither is in
            // the caseless ranges the caller accepts from three bytes.
            let value = (lead & 0x0F) << 12 | (b1 & 0x3F) << 6 | (b2 & 0x3F)
            return value < 0x800 ? refused : (value, 3)
        }
        return refused
    }
}
