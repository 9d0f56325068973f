/// A SHA-256 digest held inline as four big-endian 64-bit words.
///
/// Hashing millions of identifiers a second leaves no room for a heap-allocated
/// 64-character `String` per hash, so the digest stays a plain 32-byte value and
/// becomes lowercase hex only when it is written out (``hexString`` or encoding).
///
/// `CAPIModel` does not compute digests; the `Identity` module does, through
/// libcrypto. This type only stores, compares and prints them.
public struct SHA256Digest: Hashable, Sendable, Comparable {
    /// Bytes 0–7, 8–15, 16–23 and 24–31 of the digest, each read big-endian.
    public var words: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a digest from its four big-endian words.
    @inlinable
    public init(words: (UInt64, UInt64, UInt64, UInt64)) {
        self.words = words
    }

    /// Creates a digest from exactly 32 bytes.
    ///
    /// - Precondition: `bytes.count == 32`.
    @inlinable
    public init(bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count == 32, "a SHA-256 digest has 32 bytes")
        @inline(__always) func word(_ offset: Int) -> UInt64 {
            UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        self.words = (word(0), word(8), word(16), word(24))
    }

    /// Parses 64 hexadecimal characters in either case. Returns `nil` for anything else.
    public init?(hexString: some StringProtocol) {
        var utf8 = String(hexString)
        let parsed: SHA256Digest?? = utf8.withUTF8 { SHA256Digest(hexUTF8: UnsafeRawBufferPointer($0)) }
        guard let digest = parsed ?? nil else { return nil }
        self = digest
    }

    /// Parses 64 hexadecimal ASCII bytes in either case. Returns `nil` for anything else.
    public init?(hexUTF8 bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 64 else { return nil }
        var result: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for wordIndex in 0..<4 {
            var word: UInt64 = 0
            for i in 0..<16 {
                guard let nibble = Self.nibble(bytes[wordIndex &* 16 &+ i]) else { return nil }
                word = (word << 4) | UInt64(nibble)
            }
            switch wordIndex {
            case 0: result.0 = word
            case 1: result.1 = word
            case 2: result.2 = word
            default: result.3 = word
            }
        }
        self.words = result
    }

    /// True when `bytes` are exactly 64 hexadecimal ASCII characters (either case).
    public static func isHex64(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count == 64 else { return false }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
                UInt8(ascii: "A")...UInt8(ascii: "F"):
                continue
            default:
                return false
            }
        }
        return true
    }

    @inline(__always)
    static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte &- UInt8(ascii: "A") &+ 10
        default: return nil
        }
    }

    /// Writes the 64 lowercase hex characters into `buffer`, which must hold at least 64 bytes.
    public func writeHex(into buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= 64, "hex output needs 64 bytes")
        Self.writeHex(words.0, into: buffer, at: 0)
        Self.writeHex(words.1, into: buffer, at: 16)
        Self.writeHex(words.2, into: buffer, at: 32)
        Self.writeHex(words.3, into: buffer, at: 48)
    }

    @inline(__always)
    private static func writeHex(_ word: UInt64, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        buffer.storeBytes(of: hexDigits(UInt32(truncatingIfNeeded: word >> 32)), toByteOffset: offset, as: UInt64.self)
        buffer.storeBytes(of: hexDigits(UInt32(truncatingIfNeeded: word)), toByteOffset: offset &+ 8, as: UInt64.self)
    }

    /// The eight lowercase hex digits of `value`, most significant first, as the bytes of a
    /// UInt64 in memory order: every nibble is spread into a byte of its own and all eight
    /// become ASCII at once (encoding writes four digests per event, so this is on the hot
    /// path; a digit at a time was ten times the work).
    @inline(__always)
    static func hexDigits(_ value: UInt32) -> UInt64 {
        var x = UInt64(value)
        x = (x | x << 16) & 0x0000_FFFF_0000_FFFF
        x = (x | x << 8) & 0x00FF_00FF_00FF_00FF
        x = (x | x << 4) & 0x0F0F_0F0F_0F0F_0F0F  // byte i holds nibble i, least significant first
        // "0"–"9" is 0x30 + n; "a"–"f" is 0x57 + n = 0x30 + n + 0x27. The nibbles of 10 and
        // above are exactly those for which n + 6 carries into bit 4.
        let letters = ((x &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        let ascii = x &+ 0x3030_3030_3030_3030 &+ letters &* 0x27
        // Most significant nibble (byte 7) first in memory: a big-endian store.
        return ascii.bigEndian
    }

    /// The digest as 64 lowercase hexadecimal characters, the form Meta expects.
    public var hexString: String {
        String(unsafeUninitializedCapacity: 64) { buffer in
            writeHex(into: UnsafeMutableRawBufferPointer(buffer))
            return 64
        }
    }

    public static func == (lhs: SHA256Digest, rhs: SHA256Digest) -> Bool {
        lhs.words == rhs.words
    }

    public static func < (lhs: SHA256Digest, rhs: SHA256Digest) -> Bool {
        lhs.words < rhs.words
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}

extension SHA256Digest: CustomStringConvertible {
    /// The lowercase hex form. A digest is not personal data, so it may be printed.
    public var description: String { hexString }
}

extension SHA256Digest: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let digest = SHA256Digest(hexString: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected 64 hexadecimal characters (a SHA-256 digest)")
        }
        self = digest
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hexString)
    }
}
