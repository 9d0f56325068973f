public import CAPIModel
#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// A Meta ad click the app keeps: the `fbclid` from the landing URL and when the visitor landed.
///
/// Store it in the visitor's session or next to the cart or order (it is small and
/// `Codable`: `{"fbclid": "…", "landing_ms": 1712345678901}`). At conversion time it lets
/// RoasProof send `fbc` even when the browser blocked or purged the `_fbc` cookie:
/// `fb.{subdomainIndex}.{landing milliseconds}.{fbclid}`.
///
/// ```swift
/// if let click = ClickCapture.capture(url: request.url, referer: request.referer, at: .now).click {
///     session.click = click   // keep the latest click
/// }
/// ```
public struct ClickRecord: Hashable, Sendable, Codable {
    /// The click id, exactly as it appeared in the landing URL (case-sensitive).
    public let fbclid: String
    /// When the visitor landed (millisecond precision, the precision of an fbc value).
    public let landedAt: Timestamp

    /// When the visitor landed, in Unix milliseconds.
    @available(*, deprecated, renamed: "landedAt", message: "landedAt is a Timestamp; landedAt.milliseconds is this value")
    public var landingMs: Int64 { landedAt.milliseconds }

    /// Creates a record after checking the click id.
    ///
    /// - Throws: ``ClickIDError`` when `fbclid` cannot be carried in an fbc value, or
    ///   `landedAt` is before 1970 (``ClickIDError/Code/invalidLandingTime``).
    public init(fbclid: String, landedAt: Timestamp) throws(ClickIDError) {
        try ClickIDError.check(fbclid: fbclid)
        guard landedAt.milliseconds >= 0 else { throw ClickIDError(code: .invalidLandingTime) }
        self.fbclid = fbclid
        self.landedAt = landedAt
    }

    /// Creates a record from a landing time in Unix milliseconds.
    @available(*, deprecated, renamed: "init(fbclid:landedAt:)", message: "pass Timestamp(milliseconds: landingMs)")
    public init(fbclid: String, landingMs: Int64) throws(ClickIDError) {
        try self.init(fbclid: fbclid, landedAt: Timestamp(milliseconds: landingMs))
    }

    /// The fbc value for this click: `fb.{subdomainIndex}.{landing milliseconds}.{fbclid}`.
    public func fbc(subdomainIndex: Int) -> String {
        "fb.\(subdomainIndex).\(landedAt.milliseconds).\(fbclid)"
    }

    // The JSON apps persisted keeps its shape: the landing time as Unix milliseconds.
    enum CodingKeys: String, CodingKey {
        case fbclid
        case landingMs = "landing_ms"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let fbclid = try container.decode(String.self, forKey: .fbclid)
        let landingMs = try container.decode(Int64.self, forKey: .landingMs)
        do {
            try self.init(fbclid: fbclid, landedAt: Timestamp(milliseconds: landingMs))
        } catch {
            let key: CodingKeys = error.code == .invalidLandingTime ? .landingMs : .fbclid
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(fbclid, forKey: .fbclid)
        try container.encode(landedAt.milliseconds, forKey: .landingMs)
    }
}
