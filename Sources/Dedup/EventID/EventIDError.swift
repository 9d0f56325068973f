import CAPIModel

/// An order id, key, event name or namespace that cannot make an event id.
public struct EventIDError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong. Compare with the static members; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A stable snake_case identifier.
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// The input is empty.
        public static let empty = Code("empty")
        /// The input is longer than ``EventID/maximumKeyLength`` bytes.
        public static let tooLong = Code("too_long")
        /// The input has control characters (including NUL).
        public static let controlCharacters = Code("control_characters")
        /// The input starts or ends with whitespace, which would make two ids for one order.
        public static let surroundingWhitespace = Code("surrounding_whitespace")

        public var description: String { rawValue }
    }

    /// Which input is wrong.
    public struct Field: Hashable, Sendable, CustomStringConvertible {
        /// A stable snake_case identifier.
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// The order id of ``EventID/forOrder(_:)``.
        public static let orderID = Field("order_id")
        /// The business key of ``EventID/derive(eventName:key:namespace:)``.
        public static let key = Field("key")
        /// The event name.
        public static let eventName = Field("event_name")
        /// The namespace.
        public static let namespace = Field("namespace")

        public var description: String { rawValue }
    }

    /// Which input is wrong.
    public let field: Field
    /// What is wrong.
    public let code: Code

    /// Creates an error.
    public init(field: Field, code: Code) {
        self.field = field
        self.code = code
    }

    /// What is wrong and how to fix it. Never contains the input.
    public var message: String {
        switch code {
        case .empty: "the \(field) is empty; pass the id that identifies this conversion"
        case .tooLong: "the \(field) is longer than \(EventID.maximumKeyLength) bytes; pass an id, not a document"
        case .controlCharacters: "the \(field) has control characters; pass the id as the shop shows it"
        case .surroundingWhitespace: "the \(field) starts or ends with whitespace; trim it once, where it is stored, so every copy matches"
        default: "the \(field) cannot make an event id"
        }
    }

    public var description: String { "event id not derived (\(field): \(code)): \(message)" }

    static func check(_ text: String, field: Field) throws(EventIDError) {
        // One pass over the contiguous bytes: this runs for every event id derived.
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
            try checkSpecialCharacters(text, field: field, first: first, last: last)
        } else if first == 0x20 || last == 0x20 {
            throw EventIDError(field: field, code: .surroundingWhitespace)
        }
    }

    /// The rest of ``check(_:field:)`` for text with control characters, DEL or non-ASCII
    /// bytes. Kept out of line: the Unicode property lookups make the common path slower
    /// even when they do not run.
    @inline(never)
    private static func checkSpecialCharacters(_ text: String, field: Field, first: UInt8, last: UInt8)
        throws(EventIDError)
    {
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
