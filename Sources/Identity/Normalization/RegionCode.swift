/// A two-letter region code as libphonenumber and ISO 3166-1 spell it (`GB`, `US`, `DE`).
///
/// Used to read national phone numbers (`020 7946 0958` in `GB` is `+44 20 7946 0958`).
/// Codes are stored uppercase; any case is accepted on input.
public struct RegionCode: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The uppercase code.
    public let rawValue: String

    /// Accepts exactly two ASCII letters in either case; returns `nil` otherwise.
    public init?(_ text: some StringProtocol) {
        // No allocation: this runs for every customer record whose country gives the phone region.
        var iterator = text.utf8.makeIterator()
        guard let first = iterator.next(), let second = iterator.next(), iterator.next() == nil,
            Self.isASCIILetter(first), Self.isASCIILetter(second)
        else { return nil }
        let upper = (first & ~0x20, second & ~0x20)
        self.rawValue = withUnsafeBytes(of: upper) { String(decoding: $0, as: UTF8.self) }
    }

    @inline(__always)
    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    /// A literal region code; it must be two ASCII letters.
    public init(stringLiteral value: String) {
        guard let code = RegionCode(value) else { preconditionFailure("a region code is two ASCII letters") }
        self = code
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let code = RegionCode(try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a region code is two letters, such as GB")
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static let unitedStates: RegionCode = "US"
}
