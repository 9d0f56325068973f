public import CAPIModel

/// Reads the Meta click id (`fbclid`) from a landing URL, or from the `Referer` when the URL has none.
///
/// The value is taken exactly as given: case kept, `-` and `_` kept, percent escapes
/// decoded and nothing else changed (`+` stays `+`). The parameter name must be exactly
/// `fbclid`; the first non-empty occurrence wins.
public enum ClickCapture {
    /// Where a captured click id was found.
    public enum Source: String, Hashable, Sendable, Codable {
        /// The query of the request URL.
        case url
        /// The query of the `Referer` URL.
        case referer
    }

    /// What ``capture(url:referer:at:)`` found.
    public struct Result: Hashable, Sendable {
        /// The click, landing now, or `nil` when neither URL carries a usable fbclid.
        public var click: ClickRecord?
        /// Where the click id was found.
        public var source: Source?
        /// Why an fbclid that was present could not be used.
        public var rejection: ClickIDError?
        /// Which URL the rejected fbclid was in.
        public var rejectedSource: Source?
    }

    /// Captures the click of a landing request.
    ///
    /// - Parameters:
    ///   - url: the request URL (absolute, or a path with query).
    ///   - referer: the `Referer` header, used only when `url` has no usable fbclid.
    ///   - now: the landing time to record.
    public static func capture(url: String?, referer: String?, at now: Timestamp) -> Result {
        var result = Result()
        for (text, source) in [(url, Source.url), (referer, Source.referer)] {
            guard let text, let raw = queryValue(named: "fbclid", in: text) else { continue }
            do throws(ClickIDError) {
                guard let decoded = percentDecoded(raw) else { throw ClickIDError(code: .invalidCharacters) }
                result.click = try ClickRecord(fbclid: decoded, landedAt: now)
                result.source = source
                return result
            } catch {
                if result.rejection == nil {
                    result.rejection = error
                    result.rejectedSource = source
                }
            }
        }
        return result
    }

    /// Captures the click of a landing request at `nowMs`, Unix milliseconds.
    @available(*, deprecated, renamed: "capture(url:referer:at:)", message: "pass Timestamp(milliseconds: nowMs)")
    public static func capture(url: String?, referer: String?, nowMs: Int64) -> Result {
        capture(url: url, referer: referer, at: Timestamp(milliseconds: nowMs))
    }

    /// The raw (still percent-encoded) value of the first `name=` parameter in the query
    /// of `url`. An empty value counts as present, so it can be reported.
    static func queryValue(named name: String, in url: String) -> Substring? {
        guard let question = url.firstIndex(of: "?") else { return nil }
        var query = url[url.index(after: question)...]
        if let hash = query.firstIndex(of: "#") { query = query[..<hash] }
        var empty: Substring? = nil
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts[0] == name else { continue }
            let value = parts.count == 2 ? parts[1] : ""
            if !value.isEmpty { return value }
            if empty == nil { empty = value }
        }
        return empty
    }

    /// Decodes `%XX` escapes; `nil` for a malformed escape or invalid UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexDigit), let low = iterator.next().flatMap(hexDigit) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
