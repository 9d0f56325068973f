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
        var copy = value
        let parsed: Result<(Int, Int64, Range<Int>, ParamBuilderAppendix?), FacebookCookieError> = copy.withUTF8 {
            Self.parse(UnsafeRawBufferPointer($0), kind: kind)
        }
        let (index, time, range, appendix) = try parsed.get()
        self.kind = kind
        self.value = value
        self.subdomainIndex = index
        self.creationTime = time
        self.payloadRange = range
        self.appendix = appendix
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer, kind: Kind)
        -> Result<(Int, Int64, Range<Int>, ParamBuilderAppendix?), FacebookCookieError>
    {
        func fail(_ code: FacebookCookieError.Code) -> Result<(Int, Int64, Range<Int>, ParamBuilderAppendix?), FacebookCookieError> {
            .failure(FacebookCookieError(kind: kind, code: code))
        }
        guard !bytes.isEmpty else { return fail(.empty) }
        guard bytes.count <= maximumLength else { return fail(.tooLong) }
        // Split on dots without allocating: at most five parts. One table lookup per byte
        // tells a cookie octet, a dot, or neither.
        var dots: (Int, Int, Int, Int) = (-1, -1, -1, -1)
        var dotCount = 0
        let invalid = cookieOctetClasses.withUnsafeBufferPointer { classes -> Bool in
            for i in 0..<bytes.count {
                let cls = classes[Int(bytes[i])]
                if cls == octet { continue }
                guard cls == dot else { return true }
                switch dotCount {
                case 0: dots.0 = i
                case 1: dots.1 = i
                case 2: dots.2 = i
                case 3: dots.3 = i
                default: break
                }
                dotCount += 1
            }
            return false
        }
        guard !invalid else { return fail(.invalidCharacters) }
        guard dotCount == 3 || dotCount == 4 else { return fail(.wrongPartCount) }
        guard dots.0 == 2, bytes[0] == UInt8(ascii: "f"), bytes[1] == UInt8(ascii: "b") else { return fail(.badPrefix) }
        guard let index = digits(bytes, dots.0 + 1, dots.1), index <= 1_000 else { return fail(.badSubdomainIndex) }
        guard let time = digits(bytes, dots.1 + 1, dots.2) else { return fail(.badCreationTime) }
        let payloadEnd = dotCount == 4 ? dots.3 : bytes.count
        guard payloadEnd > dots.2 + 1 else { return fail(.emptyPayload) }
        var appendix: ParamBuilderAppendix? = nil
        if dotCount == 4 {
            guard let parsed = ParamBuilderAppendix(utf8: UnsafeRawBufferPointer(rebasing: bytes[(dots.3 + 1)...]))
            else { return fail(.invalidAppendix) }
            appendix = parsed
        }
        return .success((Int(index), time, (dots.2 + 1)..<payloadEnd, appendix))
    }

    private static let octet: UInt8 = 1, dot: UInt8 = 2
    /// RFC 6265 `cookie-octet` (printable ASCII except space, `"`, `,`, `;` and `\`), with the
    /// dot told apart.
    private static let cookieOctetClasses: [UInt8] = (0..<256).map { byte in
        if byte == 0x2E { return dot }
        return UInt8(byte).isCookieOctet ? octet : 0
    }

    /// The decimal number in `bytes[start..<end]`: 1 to 18 ASCII digits.
    private static func digits(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int64? {
        guard end > start, end - start <= 18 else { return nil }
        var value: Int64 = 0
        for i in start..<end {
            let digit = bytes[i] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int64(digit)
        }
        return value
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
