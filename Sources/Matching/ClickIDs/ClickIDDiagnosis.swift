public import CAPIModel
#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// The logic of `capi click-ids --jsonl`: explains, for one recorded request, which fbc and
/// fbp RoasProof would send and why.
///
/// Input, one JSON object per line (every key optional but `url`; `host` is the `Host`
/// header, for a `url` that is a request path such as `/landing?fbclid=…`):
///
/// ```json
/// {"url": "https://shop.example.com/?fbclid=…", "host": "shop.example.com", "referer": "…",
///  "cookies": {"_fbc": "…", "_fbp": "…"}, "click": {"fbclid": "…", "landing_ms": 0}, "now_ms": 0}
/// ```
///
/// Output, one JSON object per input line:
///
/// ```json
/// {"fbc": "…" or null, "fbp": "…", "set_cookies": [{"name": "_fbp", "value": "…", "domain": "example.com", "max_age": 7776000}],
///  "notes": ["fbc: …", "fbp: …"]}
/// ```
///
/// A line that cannot be read gives `{"error": {"code": "…", "message": "…"}}`. `now_ms`
/// defaults to the current time.
public enum ClickIDDiagnosis {
    struct Input: Decodable {
        struct Cookies: Decodable {
            var fbc: String?
            var fbp: String?
            enum CodingKeys: String, CodingKey {
                case fbc = "_fbc"
                case fbp = "_fbp"
            }
        }
        struct Click: Decodable {
            var fbclid: String
            var landingMs: Int64
            enum CodingKeys: String, CodingKey {
                case fbclid
                case landingMs = "landing_ms"
            }
        }
        var url: String
        var host: String?
        var referer: String?
        var cookies: Cookies?
        var click: Click?
        var nowMs: Int64?
        enum CodingKeys: String, CodingKey {
            case url, host, referer, cookies, click
            case nowMs = "now_ms"
        }
    }

    /// Diagnoses one input line with the system clock and random numbers.
    public static func run(line: String) -> String {
        var rng = SystemRandomNumberGenerator()
        return run(line: line, resolver: ClickIDResolver(), defaultNow: .now, using: &rng)
    }

    /// Diagnoses one input line, with `defaultNowMs` (Unix milliseconds) as the time of a line without `now_ms`.
    @available(
        *, deprecated, renamed: "run(line:resolver:defaultNow:using:)", message: "pass Timestamp(milliseconds: defaultNowMs)"
    )
    public static func run(
        line: String, resolver: ClickIDResolver, defaultNowMs: Int64,
        using rng: inout some RandomNumberGenerator
    ) -> String {
        run(line: line, resolver: resolver, defaultNow: Timestamp(milliseconds: defaultNowMs), using: &rng)
    }

    /// Diagnoses one input line.
    ///
    /// - Parameters:
    ///   - line: one JSON object.
    ///   - resolver: the resolver to apply (its Public Suffix List and cookie settings).
    ///   - defaultNow: the time used when the line has no `now_ms`.
    ///   - rng: the source of a new fbp's random number.
    /// - Returns: one line of JSON, without a trailing newline.
    public static func run(
        line: String, resolver: ClickIDResolver, defaultNow: Timestamp,
        using rng: inout some RandomNumberGenerator
    ) -> String {
        let input: Input
        do {
            input = try JSONDecoder().decode(Input.self, from: Data(line.utf8))
        } catch {
            return errorLine(
                code: "invalid_input",
                message:
                    "expected a JSON object with a string \"url\" and optional \"referer\", \"cookies\" {\"_fbc\", \"_fbp\"}, \"click\" {\"fbclid\", \"landing_ms\"} and \"now_ms\""
            )
        }
        var notes: [String] = []
        var stored: ClickRecord? = nil
        if let click = input.click {
            do throws(ClickIDError) {
                stored = try ClickRecord(fbclid: click.fbclid, landedAt: Timestamp(milliseconds: click.landingMs))
            } catch {
                notes.append("click: ignored the stored click record: \(error.message)")
            }
        }
        let request = BrowserRequest(
            url: input.url, host: input.host, referer: input.referer, fbcCookie: input.cookies?.fbc,
            fbpCookie: input.cookies?.fbp, storedClick: stored)
        let result = resolver.resolve(request, at: input.nowMs.map(Timestamp.init(milliseconds:)) ?? defaultNow, using: &rng)
        notes += result.notes.map(\.description)

        var out = "{\"fbc\":\(JSONString.quoted(result.fbc)),\"fbp\":\(JSONString.quoted(result.fbp)),\"set_cookies\":["
        out += result.cookiesToSet.map { cookie in
            "{\"name\":\(JSONString.quoted(cookie.name)),\"value\":\(JSONString.quoted(cookie.value)),"
                + "\"domain\":\(JSONString.quoted(cookie.domain)),\"max_age\":\(cookie.maxAge)}"
        }.joined(separator: ",")
        out += "],\"notes\":[" + notes.map { JSONString.quoted($0) }.joined(separator: ",") + "]}"
        return out
    }

    static func errorLine(code: String, message: String) -> String {
        "{\"error\":{\"code\":\(JSONString.quoted(code)),\"message\":\(JSONString.quoted(message))}}"
    }
}
