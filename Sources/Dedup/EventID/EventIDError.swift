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
        case .surroundingWhitespace:
            "the \(field) starts or ends with whitespace; trim it once, where it is stored, so every copy matches"
        default: "the \(field) cannot make an event id"
        }
    }

    public var description: String { "event id not derived (\(field): \(code)): \(message)" }
}
