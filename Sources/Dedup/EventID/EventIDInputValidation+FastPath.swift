import CAPIModel

extension EventIDInputValidation {
    /// The rules of ``EventIDInputValidation`` (equal to ``validatePlainly(_:field:)``), in one
    /// pass over the bytes for the printable ASCII text almost every id is: this runs for
    /// every event id derived.
    static func validate(_ text: String, field: EventIDError.Field) throws(EventIDError) {
        // The closure returns one integer (count << 24 | special << 16 | first << 8 | last):
        // a tuple came back through memory as narrow stores read back wider, which stalls.
        let packed = withUTF8(of: text) { bytes -> Int in
            bytes.count << 24 | (hasSpecialByte(bytes) ? 1 << 16 : 0) | Int(bytes.first ?? 0) << 8 | Int(bytes.last ?? 0)
        }
        let count = packed >> 24
        let special = packed & (1 << 16) != 0
        let first = UInt8(truncatingIfNeeded: packed >> 8)
        let last = UInt8(truncatingIfNeeded: packed)
        guard count > 0 else { throw EventIDError(field: field, code: .empty) }
        guard count <= EventID.maximumKeyLength else { throw EventIDError(field: field, code: .tooLong) }
        if special {
            try validateSpecialCharacters(text, field: field, first: first, last: last)
        } else if first == 0x20 || last == 0x20 {
            throw EventIDError(field: field, code: .surroundingWhitespace)
        }
    }

    /// The rest of ``validate(_:field:)`` for text with control characters, DEL or non-ASCII
    /// bytes. Kept out of line: the Unicode property lookups make the common path slower
    /// even when they do not run.
    @inline(never)
    private static func validateSpecialCharacters(
        _ text: String, field: EventIDError.Field, first: UInt8, last: UInt8
    ) throws(EventIDError) {
        let control = text.utf8.contains { $0 < 0x20 || $0 == 0x7F }
        let nonASCII = text.utf8.contains { $0 >= 0x80 }
        guard !control else { throw EventIDError(field: field, code: .controlCharacters) }
        if first == 0x20 || last == 0x20 { throw EventIDError(field: field, code: .surroundingWhitespace) }
        // Non-ASCII control and separator characters (NEL, U+2028, U+2029, NBSP at the edges).
        if nonASCII {
            let scalars = text.unicodeScalars
            if scalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" }) {
                throw EventIDError(field: field, code: .controlCharacters)
            }
            if scalars.first!.properties.isWhitespace || scalars.last!.properties.isWhitespace {
                throw EventIDError(field: field, code: .surroundingWhitespace)
            }
        }
    }
}

/// Whether `bytes` has a control character, DEL or a non-ASCII byte (anything outside
/// 0x20...0x7E), eight bytes at a time.
@inline(__always)
private func hasSpecialByte(_ raw: UnsafeRawBufferPointer) -> Bool {
    let count = raw.count
    var index = 0
    while index &+ 8 <= count {
        if hasSpecialByte(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { return true }
        index &+= 8
    }
    if index < count && count >= 8 {
        // The last, partial word: test the last eight bytes, some of them again.
        return hasSpecialByte(raw.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self))
    }
    while index < count {
        // Wrapping subtraction folds control characters, DEL and non-ASCII into one test.
        if (raw[index] &- 0x20) >= 0x5F { return true }
        index &+= 1
    }
    return false
}

/// Whether one of the eight bytes of `word` is outside 0x20...0x7E.
@inline(__always)
private func hasSpecialByte(_ word: UInt64) -> Bool {
    // A byte below 0x20 (the has-less-than test, exact as to whether any byte is), or one
    // above 0x7E (adding 1 to its low seven bits carries 0x7F into the top bit, and bytes
    // from 0x80 have it already).
    let below = (word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080
    let above = (((word & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x0101_0101_0101_0101) | word) & 0x8080_8080_8080_8080
    return below | above != 0
}
