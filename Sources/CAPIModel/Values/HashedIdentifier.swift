/// One hashed customer-information value, as it goes into `user_data`.
///
/// The wire form is 64 lowercase hex characters (SHA-256 of the normalized value), or,
/// for values produced by Meta's capi-param-builder, `<64 hex>.<appendix>`, which Meta
/// accepts as is. The type can only hold those two shapes, so a `UserData` can never
/// carry a raw email address or phone number by mistake.
///
/// Build one from a raw value with the `Identity` module; build one from an existing
/// hash with ``init(hexString:)``.
public struct HashedIdentifier: Hashable, Sendable {
    /// The SHA-256 digest.
    public var digest: SHA256Digest
    /// The capi-param-builder appendix that came with a passed-through value, if any.
    public var appendix: ParamBuilderAppendix?

    /// Wraps a digest computed by this library.
    @inlinable  // made once per hashed value, in the Identity module
    public init(digest: SHA256Digest) {
        self.digest = digest
        self.appendix = nil
    }

    /// Wraps a digest together with a capi-param-builder appendix.
    public init(digest: SHA256Digest, appendix: ParamBuilderAppendix?) {
        self.digest = digest
        self.appendix = appendix
    }

    /// Parses an already-hashed value: 64 hex characters in either case (lowercased),
    /// optionally followed by `.` and a capi-param-builder appendix (kept unchanged).
    /// Leading and trailing whitespace is ignored. Returns `nil` for anything else.
    public init?(hexString: String) {
        var text = hexString
        let parsed: HashedIdentifier?? = text.withUTF8 { utf8 in
            HashedIdentifier(wireUTF8: UnsafeRawBufferPointer(utf8))
        }
        guard let value = parsed ?? nil else { return nil }
        self = value
    }

    /// Parses the wire form from UTF-8 bytes; see ``init(hexString:)``.
    public init?(wireUTF8 raw: UnsafeRawBufferPointer) {
        let bytes = raw.trimmingASCIIWhitespace()
        if bytes.count == 64 {
            guard let digest = SHA256Digest(hexUTF8: bytes) else { return nil }
            self.init(digest: digest)
            return
        }
        // `<64 hex>.<appendix>`: a 2-character legacy token or an 8-character V2 appendix.
        guard bytes.count == 67 || bytes.count == 73, bytes[64] == UInt8(ascii: ".") else { return nil }
        guard let digest = SHA256Digest(hexUTF8: UnsafeRawBufferPointer(rebasing: bytes[0..<64])),
            let appendix = ParamBuilderAppendix(utf8: UnsafeRawBufferPointer(rebasing: bytes[65...]))
        else { return nil }
        self.init(digest: digest, appendix: appendix)
    }

    /// The wire form: lowercase hex, plus `.appendix` for passed-through param-builder values.
    public var hexString: String {
        guard let appendix else { return digest.hexString }
        return digest.hexString + "." + appendix.text
    }
}

extension HashedIdentifier: CustomStringConvertible {
    /// The wire form. A hash is safe to print; the raw value it came from never reaches this type.
    public var description: String { hexString }
}

extension HashedIdentifier: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = HashedIdentifier(hexString: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "expected a SHA-256 hash: 64 hex characters, optionally with a param-builder appendix")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hexString)
    }
}

/// The suffix Meta's capi-param-builder appends to the values it produces.
///
/// Either a legacy 2-character language token (`AQ`, `Ag`, `Aw`, `BA`, `BQ`, `Bg`) or an
/// 8-character base64url V2 appendix. RoasProof never mints appendices of its own; it only
/// carries through the ones it receives, unchanged.
///
/// The characters are stored inline (no `String`), so a ``HashedIdentifier`` stays a plain
/// value that copies without reference counting.
public struct ParamBuilderAppendix: Hashable, Sendable {
    /// Up to 8 ASCII bytes, first character in the lowest byte.
    private let packed: UInt64
    /// 2 or 8.
    private let length: UInt8

    /// The legacy V1 language tokens (PHP, Python, Java, Node.js, Ruby, client JS).
    public static let legacyTokens: Set<String> = ["AQ", "Ag", "Aw", "BA", "BQ", "Bg"]

    /// Validates an appendix. Returns `nil` unless it is a legacy token or 8 base64url characters.
    public init?(_ text: String) {
        var copy = text
        let parsed: ParamBuilderAppendix?? = copy.withUTF8 { ParamBuilderAppendix(utf8: UnsafeRawBufferPointer($0)) }
        guard let value = parsed ?? nil else { return nil }
        self = value
    }

    /// Validates an appendix given as UTF-8 bytes; see ``init(_:)``.
    public init?(utf8 bytes: UnsafeRawBufferPointer) {
        switch bytes.count {
        case 2:
            switch UInt16(bytes[0]) | UInt16(bytes[1]) << 8 {
            case 0x5141, 0x6741, 0x7741, 0x4142, 0x5142, 0x6742: break  // AQ Ag Aw BA BQ Bg
            default: return nil
            }
        case 8:
            for byte in bytes where !byte.isBase64URL { return nil }
        default:
            return nil
        }
        var packed: UInt64 = 0
        for (index, byte) in bytes.enumerated() { packed |= UInt64(byte) << (8 * UInt64(index)) }
        self.packed = packed
        self.length = UInt8(bytes.count)
    }

    /// The appendix text, 2 or 8 ASCII characters.
    public var text: String {
        withUnsafeBytes(of: packed.littleEndian) { String(decoding: $0.prefix(Int(length)), as: UTF8.self) }
    }
}

extension UInt8 {
    var isBase64URL: Bool {
        switch self {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }
}

extension UnsafeRawBufferPointer {
    /// The bytes without leading and trailing ASCII whitespace (space, tab, CR, LF, VT, FF).
    @inlinable  // called per value by the normalizers in other modules
    package func trimmingASCIIWhitespace() -> UnsafeRawBufferPointer {
        var start = 0
        var end = count
        while start < end, self[start].isASCIIWhitespace { start &+= 1 }
        while end > start, self[end &- 1].isASCIIWhitespace { end &-= 1 }
        return UnsafeRawBufferPointer(rebasing: self[start..<end])
    }
}

extension UInt8 {
    /// Space, tab, LF, VT, FF or CR.
    @inlinable
    package var isASCIIWhitespace: Bool {
        self == 0x20 || (self >= 0x09 && self <= 0x0D)
    }
}
