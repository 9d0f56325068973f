/// The rules an order id, business key, event name or namespace must follow to make an
/// event id, checked in this order:
///
/// 1. not empty (``EventIDError/Code/empty``);
/// 2. at most ``EventID/maximumKeyLength`` bytes of UTF-8 (``EventIDError/Code/tooLong``);
/// 3. no ASCII control character or DEL (``EventIDError/Code/controlCharacters``);
/// 4. no space as the first or last byte (``EventIDError/Code/surroundingWhitespace``);
/// 5. no other control character (such as NEL) and no line or paragraph separator
///    (U+2028, U+2029) (``EventIDError/Code/controlCharacters``);
/// 6. no other whitespace (such as a no-break space) as the first or last character
///    (``EventIDError/Code/surroundingWhitespace``).
///
/// ``validate(_:field:)`` (in `EventIDInputValidation+FastPath.swift`) is what
/// ``EventID`` runs; ``validatePlainly(_:field:)`` here is the same rules written out one
/// after another, the definition the fast path must equal (`EventIDInputValidationTests`).
enum EventIDInputValidation {
    /// The rules, one pass each, for reading and for comparison with the fast path.
    static func validatePlainly(_ text: String, field: EventIDError.Field) throws(EventIDError) {
        let bytes = text.utf8
        guard !bytes.isEmpty else { throw EventIDError(field: field, code: .empty) }
        guard bytes.count <= EventID.maximumKeyLength else { throw EventIDError(field: field, code: .tooLong) }
        guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            throw EventIDError(field: field, code: .controlCharacters)
        }
        guard bytes.first != 0x20, bytes.last != 0x20 else {
            throw EventIDError(field: field, code: .surroundingWhitespace)
        }
        let scalars = text.unicodeScalars
        guard !scalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" })
        else { throw EventIDError(field: field, code: .controlCharacters) }
        guard let first = scalars.first, let last = scalars.last,
            !first.properties.isWhitespace, !last.properties.isWhitespace
        else { throw EventIDError(field: field, code: .surroundingWhitespace) }
    }
}
