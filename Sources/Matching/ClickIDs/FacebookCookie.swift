public import CAPIModel

/// A validated `_fbc` or `_fbp` value: `fb.{subdomainIndex}.{creationTime}.{payload}`,
/// optionally followed by `.{appendix}` as Meta's capi-param-builder writes it.
///
/// Parsing follows capi-param-builder's rules (four or five parts; `fb`; digits; a non-empty
/// payload; a 2-character language token or an 8-character appendix) and adds two of its
/// own: only cookie-safe printable ASCII, and at most ``maximumLength`` bytes. A valid value
/// is kept byte for byte, appendix included; RoasProof never rewrites or re-suffixes it.
///
/// ```swift
/// let fbc = try FacebookCookie(parsing: "fb.1.1554763741205.AbCdEf", as: .fbc)
/// fbc.payload       // "AbCdEf" (the fbclid)
/// fbc.creationTime  // 1554763741205 (ms)
/// ```
public struct FacebookCookie: Hashable, Sendable, CustomStringConvertible {
    /// Which cookie a value belongs to.
    public enum Kind: String, Hashable, Sendable, Codable {
        /// `_fbc`, the click id.
        case fbc
        /// `_fbp`, the browser id.
        case fbp

        /// The cookie name: `_fbc` or `_fbp`.
        public var cookieName: String { self == .fbc ? "_fbc" : "_fbp" }
        /// The user_data key the value is sent under.
        public var userDataKey: UserDataKey { self == .fbc ? .fbc : .fbp }
    }

    /// The longest value accepted, in bytes (a whole cookie is limited to about 4 KB).
    public static let maximumLength = 1_024

    /// Which cookie this is.
    public let kind: Kind
    /// The value exactly as received; this is what is sent to Meta.
    public let value: String
    /// The `subdomainIndex` field.
    public let subdomainIndex: Int
    /// The `creationTime` field: Unix milliseconds when the cookie was first written.
    public let creationTime: Int64
    /// The capi-param-builder appendix, if the value has a fifth part.
    public let appendix: ParamBuilderAppendix?
    private let payloadRange: Range<Int>

    /// The payload: the fbclid of an fbc, the random number of an fbp.
    public var payload: Substring {
        let utf8 = value.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: payloadRange.lowerBound)
        let end = utf8.index(start, offsetBy: payloadRange.count)
        return Substring(value.utf8[start..<end])
    }

    /// True when the payload equals `fbclid`, compared exactly (fbclids are case-sensitive).
    public func carries(fbclid: String) -> Bool {
        payload.utf8.elementsEqual(fbclid.utf8)
    }

    public var description: String { value }

    /// Parses and validates a cookie value.
    ///
    /// - Throws: ``FacebookCookieError`` naming the cookie and the rule the value breaks.
    public init(parsing value: String, as kind: Kind) throws(FacebookCookieError) {
        // The parse fills plain fields and returns only the rule broken, if any: a result
        // holding the fields came back through memory and its copy stalled (store
        // forwarding). The error is made only for a bad value.
        var fields = Fields()
        if let failure = withUTF8(of: value, { Self.parse($0, into: &fields) }) {
            throw FacebookCookieError(kind: kind, code: failure.code)
        }
        self.kind = kind
        self.value = value
        self.subdomainIndex = fields.subdomainIndex
        self.creationTime = fields.creationTime
        self.payloadRange = fields.payloadStart..<fields.payloadEnd
        self.appendix = fields.appendix
    }

    /// The error ``init(parsing:as:)`` would throw for `value`, or nil when it is valid,
    /// without building the cookie: for callers that check a value and keep the string.
    static func validationError(_ value: String, as kind: Kind) -> FacebookCookieError? {
        var fields = Fields()
        guard let failure = withUTF8(of: value, { Self.parse($0, into: &fields) }) else { return nil }
        return FacebookCookieError(kind: kind, code: failure.code)
    }

    /// The parsed fields of a valid value.
    private struct Fields {
        var subdomainIndex = 0
        var creationTime: Int64 = 0
        var payloadStart = 0
        var payloadEnd = 0
        var appendix: ParamBuilderAppendix? = nil
    }

    /// The rule a value breaks, as a plain value (``FacebookCookieError/Code`` holds a string).
    private enum Failure: Error {
        case empty, tooLong, invalidCharacters, wrongPartCount, badPrefix, badSubdomainIndex, badCreationTime
        case emptyPayload, invalidAppendix

        var code: FacebookCookieError.Code {
            switch self {
            case .empty: .empty
            case .tooLong: .tooLong
            case .invalidCharacters: .invalidCharacters
            case .wrongPartCount: .wrongPartCount
            case .badPrefix: .badPrefix
            case .badSubdomainIndex: .badSubdomainIndex
            case .badCreationTime: .badCreationTime
            case .emptyPayload: .emptyPayload
            case .invalidAppendix: .invalidAppendix
            }
        }
    }

    /// Checks `bytes` and fills `fields`; returns the rule broken, or nil for a valid value.
    private static func parse(_ bytes: UnsafeRawBufferPointer, into fields: inout Fields) -> Failure? {
        guard !bytes.isEmpty else { return .empty }
        guard bytes.count <= maximumLength else { return .tooLong }
        // Split on dots without allocating: the first four dots and how many there are.
        // Every byte must be a cookie octet (checked before the parts are looked at).
        var dots = DotPositions()
        guard scan(bytes, dots: &dots) else { return .invalidCharacters }
        guard dots.count == 3 || dots.count == 4 else { return .wrongPartCount }
        guard dots.first == 2, bytes[0] == UInt8(ascii: "f"), bytes[1] == UInt8(ascii: "b") else { return .badPrefix }
        guard let index = digits(bytes, dots.first + 1, dots.second), index <= 1_000 else { return .badSubdomainIndex }
        guard let time = digits(bytes, dots.second + 1, dots.third) else { return .badCreationTime }
        let payloadEnd = dots.count == 4 ? dots.fourth : bytes.count
        guard payloadEnd > dots.third + 1 else { return .emptyPayload }
        if dots.count == 4 {
            guard let parsed = ParamBuilderAppendix(utf8: UnsafeRawBufferPointer(rebasing: bytes[(dots.fourth + 1)...]))
            else { return .invalidAppendix }
            fields.appendix = parsed
        }
        fields.subdomainIndex = Int(index)
        fields.creationTime = time
        fields.payloadStart = dots.third + 1
        fields.payloadEnd = payloadEnd
        return nil
    }

    /// The positions of the first four dots, and the number of dots.
    private struct DotPositions {
        var first = -1, second = -1, third = -1, fourth = -1
        var count = 0

        @inline(__always)
        mutating func record(_ position: Int) {
            switch count {
            case 0: first = position
            case 1: second = position
            case 2: third = position
            case 3: fourth = position
            default: break
            }
            count &+= 1
        }
    }

    /// Records the dots of `bytes`; false when a byte is no cookie octet.
    ///
    /// Eight bytes at a time: a cookie is 30 to 250 bytes long and has three or four dots,
    /// so most words are only checked, with a few masks, and never looked at byte by byte.
    private static func scan(_ bytes: UnsafeRawBufferPointer, dots: inout DotPositions) -> Bool {
        let count = bytes.count
        var index = 0
        while index &+ 8 <= count {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            guard !hasNonOctet(word) else { return false }
            recordDots(word, at: index, into: &dots)
            index &+= 8
        }
        if index < count {
            if count >= 8 {
                // The last, partial word: the last eight bytes, the first of them seen already.
                let word = bytes.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
                guard !hasNonOctet(word) else { return false }
                let seen = 8 &- (count &- index)  // bytes of this word already scanned
                recordDots(word >> UInt64(seen &* 8), at: index, into: &dots)
            } else {
                for i in 0..<count {
                    let byte = bytes[i]
                    if byte == 0x2E {
                        dots.record(i)
                    } else if !byte.isCookieOctet {
                        return false
                    }
                }
            }
        }
        return true
    }

    /// Whether a byte of `word` is no cookie octet (outside 0x21...0x7E, or `"`, `,`, `;`, `\`).
    @inline(__always)
    private static func hasNonOctet(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        // Each mask is non-zero exactly when some byte meets its condition (bits past the
        // first such byte may be spurious, which does not matter for "any"); one branch
        // tests them all.
        @inline(__always) func zeroBytes(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & high }
        let below = (word &- 0x2121_2121_2121_2121) & ~word & high  // a byte below 0x21
        let above = (((word & 0x7F7F_7F7F_7F7F_7F7F) &+ ones) | word) & high  // a byte above 0x7E
        let quote = zeroBytes(word ^ 0x2222_2222_2222_2222)
        let comma = zeroBytes(word ^ 0x2C2C_2C2C_2C2C_2C2C)
        let semicolon = zeroBytes(word ^ 0x3B3B_3B3B_3B3B_3B3B)
        let backslash = zeroBytes(word ^ 0x5C5C_5C5C_5C5C_5C5C)
        return below | above | quote | comma | semicolon | backslash != 0
    }

    /// Records the dots among the bytes of `word` (read little-endian: its low byte is at
    /// `offset`). Only the bytes present are set; shifted-in high bytes are zero, no dot.
    @inline(__always)
    private static func recordDots(_ word: UInt64, at offset: Int, into dots: inout DotPositions) {
        // Exact per byte (no borrow between bytes): the top bit of each byte of `nonZero`
        // is set when that byte of `x` is not zero.
        let x = word ^ 0x2E2E_2E2E_2E2E_2E2E
        let nonZero = (((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x) & 0x8080_8080_8080_8080
        var dotBits = ~nonZero & 0x8080_8080_8080_8080
        while dotBits != 0 {
            dots.record(offset &+ dotBits.trailingZeroBitCount >> 3)
            dotBits &= dotBits &- 1
        }
    }

    /// The decimal number in `bytes[start..<end]`: 1 to 18 ASCII digits.
    private static func digits(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int64? {
        guard end > start, end - start <= 18 else { return nil }
        var value: Int64 = 0
        var i = start
        // Eight digits at a time while eight remain: a creation time has thirteen.
        while end &- i >= 8 {
            guard let eight = eightDigits(bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) else { return nil }
            value = value &* 100_000_000 &+ Int64(eight)
            i &+= 8
        }
        let rest = end &- i
        if rest > 0 && end &- start >= 8 {
            // The last `rest` digits: the eight bytes ending at `end`, whose first 8 - rest
            // bytes (digits already read) are replaced by zeros, in one step.
            let word = bytes.loadUnaligned(fromByteOffset: end &- 8, as: UInt64.self)
            let seen: UInt64 = (1 << UInt64((8 &- rest) &* 8)) &- 1  // the low bytes, already read
            guard let tail = eightDigits((word & ~seen) | (0x3030_3030_3030_3030 & seen)) else { return nil }
            return value &* powersOfTen[rest] &+ Int64(tail)
        }
        while i < end {
            let digit = bytes[i] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int64(digit)
            i &+= 1
        }
        return value
    }

    private static let powersOfTen: [Int64] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000]

    /// The value of eight ASCII digits loaded little-endian (the first digit in the low
    /// byte), or nil when one of the bytes is no digit.
    @inline(__always)
    private static func eightDigits(_ word: UInt64) -> UInt64? {
        let d = word &- 0x3030_3030_3030_3030
        // A byte below `0` wraps to 0xD0 or more (the lowest such byte, at least), and a
        // byte above `9` reaches 0x80 once 0x76 is added: either sets a top bit.
        guard ((d &+ 0x7676_7676_7676_7676) | d) & 0x8080_8080_8080_8080 == 0 else { return nil }
        // Combine neighbours into 2-digit, then 4-digit, then the 8-digit value (as in
        // simdjson's parse_eight_digits_unrolled).
        let pairs = (d &* 10) &+ (d >> 8)
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        let combined = ((pairs & mask) &* 0x000F_4240_0000_0064) &+ (((pairs >> 16) & mask) &* 0x0000_2710_0000_0001)
        return UInt64(UInt32(truncatingIfNeeded: combined >> 32))
    }
}

extension UInt8 {
    /// RFC 6265 `cookie-octet`: printable ASCII except space, `"`, `,`, `;` and `\`.
    @inline(__always)
    var isCookieOctet: Bool {
        // Two 64-bit masks over ASCII: one bit test per byte instead of five comparisons.
        let low: UInt64 = 0xF7FF_EFFA_0000_0000  // 0x21...0x3F without `"` (0x22), `,` (0x2C) and `;` (0x3B)
        let high: UInt64 = 0x7FFF_FFFF_EFFF_FFFF  // 0x40...0x7E without `\` (0x5C)
        return self < 0x40 ? (low >> UInt64(self)) & 1 == 1 : (self < 0x80 && (high >> UInt64(self &- 0x40)) & 1 == 1)
    }
}
