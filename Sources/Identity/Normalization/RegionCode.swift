import CAPIModel

/// A two-letter region code as libphonenumber and ISO 3166-1 spell it (`GB`, `US`, `DE`).
///
/// Used to read national phone numbers (`020 7946 0958` in `GB` is `+44 20 7946 0958`).
/// Codes are stored uppercase; any case is accepted on input.
public struct RegionCode: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The two uppercase ASCII letters, first in the high byte. Held inline rather than as a
    /// `String`, so a region code (and every error or result that carries one) is a plain
    /// value that copies without reference counting.
    let packed: UInt16

    /// The uppercase code.
    public var rawValue: String {
        withUnsafeBytes(of: packed.bigEndian) { String(decoding: $0, as: UTF8.self) }
    }

    /// Accepts exactly two ASCII letters in either case; returns `nil` otherwise.
    public init?(_ text: some StringProtocol) {
        // No allocation: this runs for every customer record whose country gives the phone region.
        var iterator = text.utf8.makeIterator()
        guard let first = iterator.next(), let second = iterator.next(), iterator.next() == nil else { return nil }
        self.init(first, second)
    }

    /// Accepts exactly two ASCII letters in either case; returns `nil` otherwise.
    ///
    /// The same as the generic initializer; this overload is what `String` arguments use,
    /// so callers in other modules do not go through the unspecialized generic code.
    public init?(_ text: String) {
        // The closure returns the two bytes in an integer (or -1): an optional RegionCode came
        // back through memory and was read back wider than it was written, which stalls.
        let bytes = withUTF8(of: text) { $0.count == 2 ? Int($0[0]) << 8 | Int($0[1]) : -1 }
        guard bytes >= 0 else { return nil }
        self.init(UInt8(truncatingIfNeeded: bytes >> 8), UInt8(truncatingIfNeeded: bytes))
    }

    /// Two ASCII letters in either case, or nil.
    @inline(__always)
    init?(_ first: UInt8, _ second: UInt8) {
        guard Self.isASCIILetter(first), Self.isASCIILetter(second) else { return nil }
        self.packed = UInt16(first & ~0x20) << 8 | UInt16(second & ~0x20)
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

extension RegionCode {
    /// The region of a country written in any form the `country` key accepts: an ISO 3166-1
    /// alpha-2 or alpha-3 code, an English name or a common alias, in any case and with any
    /// whitespace around it (`GB`, `UK`, `gbr`, `United Kingdom`, `USA`); nil when it names no
    /// country.
    ///
    /// CRMs and checkout forms store the customer's country in all of these forms; read as a
    /// bare two-letter code, `UK` named no telephone plan and `United Kingdom` no region at
    /// all, and every national phone number of such a customer was lost.
    public init?(country: String) {
        let code: Int = withUTF8(of: country) { raw in
            let input = raw.trimmingUnicodeWhitespace()
            guard input.count <= IdentityNormalizer.maximumInputLength else { return -1 }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: input.count &* 4 &+ 64) { buffer in
                var sink = ByteSink(buffer)
                do throws(NormalizationFailure) {
                    try CountryNormalizer.normalize(input, into: &sink)
                } catch {
                    return -1
                }
                guard sink.count == 2 else { return -1 }
                return Int(sink.bytes[0]) << 8 | Int(sink.bytes[1])
            }
        }
        guard code >= 0 else { return nil }
        self.init(UInt8(truncatingIfNeeded: code >> 8), UInt8(truncatingIfNeeded: code))
    }
}
