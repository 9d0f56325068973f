/// A first-party visitor id: 128 random bits, minted once per browser and reused across
/// sessions, sent to Meta as a hashed `external_id`.
///
/// The text form is 26 characters of lowercase RFC 4648 base32 (`a`–`z`, `2`–`7`), so it is
/// URL- and cookie-safe and survives `external_id` normalization (which lowercases) with
/// all 128 bits intact. Keep it in a long-lived first-party cookie (``cookie(on:name:)``) or in
/// the account record, and hand the same value to the pixel as `external_id`.
///
/// ```swift
/// var rng = SystemRandomNumberGenerator()
/// let visitor = VisitorID(cookieValue: request.cookies["rp_vid"]) ?? VisitorID.mint(using: &rng)
/// ```
public struct VisitorID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 26-character text form.
    public let rawValue: String

    /// The default cookie name.
    public static let defaultCookieName = "rp_vid"
    /// 400 days, the longest lifetime browsers honour.
    public static let cookieMaxAge = 400 * 24 * 3_600

    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    /// Mints a new id from 128 random bits.
    public static func mint(using rng: inout some RandomNumberGenerator) -> VisitorID {
        let high = rng.next() as UInt64
        let low = rng.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 26)
        // 130 bits of base32 over 128 bits of data: the last character carries 3 bits.
        for i in 0..<26 {
            let bit = i * 5
            var chunk: UInt64
            if bit + 5 <= 64 {
                chunk = high >> UInt64(59 - bit)
            } else if bit < 64 {
                chunk = (high << UInt64(bit + 5 - 64)) | (low >> UInt64(128 - bit - 5))
            } else if bit + 5 <= 128 {
                chunk = low >> UInt64(123 - bit)
            } else {
                chunk = low << UInt64(bit + 5 - 128)
            }
            bytes[i] = alphabet[Int(chunk & 0x1F)]
        }
        return VisitorID(unchecked: String(decoding: bytes, as: UTF8.self))
    }

    private init(unchecked rawValue: String) { self.rawValue = rawValue }

    /// Reads an id back, from a cookie or storage. Returns `nil` unless `text` is exactly
    /// 26 characters of lowercase base32 (whitespace around it is ignored).
    public init?(_ text: String) {
        let trimmed = text.trimmingASCIIWhitespace
        guard trimmed.utf8.count == 26,
            trimmed.utf8.allSatisfy({
                ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "2") && $0 <= UInt8(ascii: "7"))
            })
        else { return nil }
        self.rawValue = String(trimmed)
    }

    /// Reads an id from a cookie value that may be absent or tampered with.
    public init?(cookieValue: String?) {
        guard let cookieValue else { return nil }
        self.init(cookieValue)
    }

    /// The cookie that keeps the id: HttpOnly, Secure, SameSite=Lax, 400 days.
    public func cookie(on domain: CookieDomain, name: String = VisitorID.defaultCookieName) -> SetCookie {
        var cookie = SetCookie(name: name, value: rawValue, domain: domain, maxAge: Self.cookieMaxAge)
        cookie.httpOnly = true
        return cookie
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let id = VisitorID(try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "a visitor id is 26 characters of lowercase base32")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
