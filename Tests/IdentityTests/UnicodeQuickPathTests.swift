import CAPIModel
import DeliveryTesting
import Identity
import Testing

/// Non-ASCII names, cities and ids are lowercased as they are decoded when the text is
/// already in NFC (the quick path), and through a String, the standard library's NFC and an
/// array otherwise. Both must give exactly what the rule says: NFC, then the full lowercase
/// mapping, then the key's filter. These tests compare the normalizer with that rule written
/// out plainly, on every scalar the quick path's table covers and on generated text mixing
/// scripts, combining marks and decomposed letters.
@Suite struct UnicodeQuickPathTests {
    let normalizer = IdentityNormalizer()

    // MARK: The rule, written plainly

    /// NFC, then each scalar's full lowercase mapping (Σ is left out of the inputs: its
    /// lowercase depends on its neighbours and has tests of its own).
    static func lowercasedNFC(_ text: String) -> [Unicode.Scalar] {
        let nfc = String(decoding: text._nfcCodeUnits, as: UTF8.self)
        return nfc.unicodeScalars.flatMap { Array($0.properties.lowercaseMapping.unicodeScalars) }
    }

    static func isLetterOrMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .nonspacingMark,
            .spacingMark, .enclosingMark:
            true
        default: false
        }
    }

    /// `fn`/`ln`: letters, marks, digits and symbols are kept; punctuation, whitespace, controls,
    /// format characters (but the zero-width (non-)joiner) and ASCII symbols are removed.
    static func referenceName(_ text: String) -> String? {
        var kept = String.UnicodeScalarView()
        for scalar in lowercasedNFC(text) {
            let removed: Bool
            if scalar.isASCII {
                removed = !(scalar.properties.generalCategory == .decimalNumber || ("a"..."z").contains(scalar))
            } else if scalar.value == 0x200C || scalar.value == 0x200D {
                removed = false
            } else if scalar.properties.isWhitespace {
                removed = true
            } else {
                switch scalar.properties.generalCategory {
                case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
                    .finalPunctuation, .otherPunctuation, .control, .format, .spaceSeparator, .lineSeparator,
                    .paragraphSeparator:
                    removed = true
                default: removed = false
                }
            }
            if !removed { kept.append(scalar) }
        }
        return kept.isEmpty ? nil : String(kept)
    }

    /// `ct`: letters, marks and decimal digits only, starting with a letter.
    static func referenceCity(_ text: String) -> String? {
        let kept = lowercasedNFC(text).filter { isLetterOrMark($0) || $0.properties.generalCategory == .decimalNumber }
        guard let first = kept.first, isLetterOrMark(first) else { return nil }
        return String(String.UnicodeScalarView(kept))
    }

    /// `external_id`: everything but whitespace (and the BOM).
    static func referenceExternalID(_ text: String) -> String? {
        let kept = lowercasedNFC(text).filter { !$0.properties.isWhitespace && $0.value != 0xFEFF }
        return kept.isEmpty ? nil : String(String.UnicodeScalarView(kept))
    }

    func actual(_ text: String, as key: HashedUserDataKey) -> String? {
        guard case .normalized(let value)? = try? normalizer.normalize(text, as: key) else { return nil }
        return value
    }

    func expectMatchesRule(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            actual(text, as: .firstName) == Self.referenceName(text), "fn \(text.debugDescription)",
            sourceLocation: sourceLocation)
        #expect(
            actual(text, as: .city) == Self.referenceCity(text), "ct \(text.debugDescription)", sourceLocation: sourceLocation)
        #expect(
            actual(text, as: .externalID) == Self.referenceExternalID(text), "external_id \(text.debugDescription)",
            sourceLocation: sourceLocation)
    }

    // MARK: Tests

    @Test func whitespaceStartsWithALeadByteTheTrimmerDecodes() {
        // Trimming decodes a non-ASCII scalar only after one of these lead bytes: every other
        // lead byte must start a scalar that is neither White_Space nor the BOM.
        for value in UInt32(0x80)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value), scalar.properties.isWhitespace || value == 0xFEFF else { continue }
            let lead = String(scalar).utf8.first!
            #expect([0xC2, 0xE1, 0xE2, 0xE3, 0xEF].contains(lead), "U+\(String(value, radix: 16))")
        }
        // Wrapped in no-break, ideographic and en spaces and a BOM, around a name that ends in
        // a non-ASCII letter: trimmed as before.
        #expect(
            (try? normalizer.normalize("\u{FEFF}\u{3000}Zoë\u{00A0}\u{2002}", as: .city)) == .normalized("zoë"))
    }

    @Test func everyScalarBelowU0800MatchesTheRule() {
        // The quick path's table covers these; each scalar alone, between letters and after
        // a non-ASCII letter (so the text is never all ASCII).
        for value in UInt32(0x80)..<0x800 where value != 0x03A3 {
            let scalar = String(Unicode.Scalar(value)!)
            for text in [scalar, "É\(scalar)", "ab\(scalar)Z", "\(scalar)\u{0301}", "Ж\(scalar)\(scalar)"] {
                expectMatchesRule(text)
            }
        }
    }

    @Test func caselessLettersAboveU0800MatchTheRule() {
        // Kana, CJK ideographs and Hangul syllables, at their range ends and in steps, with
        // the scalars just outside the ranges (the voicing marks, the middle dot, the
        // prolonged sound mark) and a trailing jamo after a syllable (composition).
        var values: [UInt32] = [
            0x3040, 0x3041, 0x3096, 0x3097, 0x3099, 0x309A, 0x30A0, 0x30A1, 0x30FA, 0x30FB, 0x30FC,
            0x4DFF, 0x4E00, 0x9FFF, 0xA000, 0xABFF, 0xAC00, 0xD7A3, 0xD7A4, 0x11A8, 0x1161,
        ]
        values += stride(from: 0x4E00, through: 0x9FFF, by: 97).map(UInt32.init)
        values += stride(from: 0xAC00, through: 0xD7A3, by: 89).map(UInt32.init)
        for value in values {
            let scalar = String(Unicode.Scalar(value)!)
            for text in [scalar, "東\(scalar)", "\(scalar)\u{11A8}", "가\(scalar)", "\(scalar)\u{3099}", "Ab\(scalar)"] {
                expectMatchesRule(text)
            }
        }
    }

    @Test func generatedMixedScriptTextMatchesTheRule() {
        // Pieces in NFC and not: precomposed and decomposed accents, Greek with tonos,
        // Cyrillic, Arabic with harakat, Hebrew, CJK, Hangul syllables and jamo, kana with
        // combining voicing marks, İ (whose lowercase is two scalars), singletons (Å as
        // U+212B, Ω as U+2126), spaces, punctuation, joiners.
        let pieces = [
            "a", "Z", "é", "e\u{0301}", "É", "ß", "İ", "ı", "Ø", "Ł", "ǅ", "Ά", "ά", "ς", "ΐ", "Ж", "ё", "Ё", "Ї",
            "م", "ُ", "ح", "א", "ש", "東", "京", "가", "\u{1100}", "\u{1161}", "\u{11A8}", "か", "\u{3099}", "が",
            "カ", "ー", "\u{212B}", "\u{2126}", "Å", " ", "\u{00A0}", "-", "'", "’", ".", "\u{200C}", "\u{200D}",
            "\u{FEFF}", "1", "٣", "\u{0345}", "\u{0344}", "ǰ", "\u{0958}",
        ]
        var generator = SeededGenerator(seed: 2_1)
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<Int(1 + generator.next() % 8) { text += generator.pick(pieces) }
            expectMatchesRule(text)
        }
    }
}
