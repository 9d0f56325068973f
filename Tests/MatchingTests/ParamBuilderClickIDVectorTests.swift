import Foundation
import CAPIModel
import Matching
import Testing

/// Checks cookie parsing, fbclid capture and request handling against answers produced by
/// running Meta's capi-param-builder (Node.js) itself: `Vectors/param-builder-click-ids.jsonl`,
/// made by `Scripts/param-builder-vectors/generate-click-ids.js` (inputs in `click-ids-inputs.json`).
///
/// Deliberate differences, asserted below:
/// - RoasProof never mints param-builder appendices: values it creates are plain 4-part
///   values, and a valid 4-part cookie is passed through as is (the param-builder appends
///   a "no change" appendix and sets the cookie again).
/// - The cookie domain comes from the Public Suffix List, so the vectors give the
///   param-builder the right eTLD+1 list to compare with.
@Suite struct ParamBuilderClickIDVectorTests {
    /// One line of the vectors file, with param-builder's snake_case names.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    struct Vector: Decodable {
        struct Cookie: Decodable {
            var name: String
            var value: String
            var domain: String
            var max_age: Int
        }
        var type: String
        var kind: String?
        var value: String?
        var accepted: Bool?
        var url: String?
        var host: String?
        var fbclid: String?
        var referer: String?
        var cookies: [String: String]?
        var fbc: String?
        var fbp: String?
        var set_cookies: [Cookie]?
    }

    static let vectors: [Vector] = {
        guard
            let url = Bundle.module.url(forResource: "param-builder-click-ids", withExtension: "jsonl", subdirectory: "Vectors"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Vector.self, from: Data($0.utf8)) }
    }()

    @Test func vectorsLoaded() {
        #expect(Self.vectors.filter { $0.type == "cookie" }.count >= 30)
        #expect(Self.vectors.filter { $0.type == "url" }.count >= 10)
        #expect(Self.vectors.filter { $0.type == "request" }.count >= 12)
    }

    @Test func cookieAcceptanceMatchesParamBuilder() {
        for vector in Self.vectors where vector.type == "cookie" {
            let kind: FacebookCookie.Kind = vector.kind == "fbc" ? .fbc : .fbp
            let parsed = try? FacebookCookie(parsing: vector.value!, as: kind)
            #expect((parsed != nil) == vector.accepted!, "\(vector.kind!) \(vector.value!)")
            if let parsed { #expect(parsed.value == vector.value!) }  // kept byte for byte
        }
    }

    @Test func fbclidCaptureMatchesParamBuilder() {
        for vector in Self.vectors where vector.type == "url" {
            let captured = ClickCapture.capture(url: vector.url!, referer: nil, at: Timestamp(milliseconds: 1))
            #expect(captured.click?.fbclid == vector.fbclid, "\(vector.url!)")
        }
    }

    @Test func requestsMatchParamBuilder() {
        for vector in Self.vectors where vector.type == "request" {
            let host = vector.host!
            let base = host.contains("://") ? host : "https://" + host
            let url = vector.fbclid.map { base + "/?fbclid=" + $0 } ?? base + "/"
            var rng = FixedRandom()
            let result = ClickIDResolver().resolve(
                BrowserRequest(
                    url: url, referer: vector.referer, fbcCookie: vector.cookies?["_fbc"], fbpCookie: vector.cookies?["_fbp"]),
                at: Timestamp(milliseconds: 1_234_567_890), using: &rng)
            let label = "\(host) fbclid=\(vector.fbclid ?? "-")"

            // fbc: the param-builder's value without the appendix it minted.
            #expect(result.fbc == vector.fbc.map(Self.withoutMintedAppendix), "\(label)")
            // fbp: kept when the param-builder kept it, otherwise fb.{index}.{now}.{random}.
            let expectedFBP = Self.withoutMintedAppendix(vector.fbp!)
            if expectedFBP == vector.cookies?["_fbp"] {
                #expect(result.fbp == expectedFBP, "\(label)")
                #expect(!result.fbpIsNew)
            } else {
                let prefix = expectedFBP.split(separator: ".").prefix(3).joined(separator: ".")
                #expect(result.fbp?.hasPrefix(prefix + ".") == true, "\(label): \(result.fbp ?? "nil") vs \(expectedFBP)")
                #expect(result.fbpIsNew)
            }
            // Cookies are set on the same domain, for 90 days.
            for cookie in vector.set_cookies! {
                #expect(result.cookieDomain?.domain == cookie.domain, "\(label)")
                #expect(cookie.max_age == SetCookie.facebookCookieMaxAge)
            }
            let minted = Set(vector.set_cookies!.filter { Self.isMinted($0.value) }.map(\.name))
            #expect(Set(result.cookiesToSet.map(\.name)) == minted, "\(label)")
        }
    }

    /// True when the value ends in an appendix the param-builder minted (net-new or modified-new).
    static func isMinted(_ value: String) -> Bool {
        guard let last = value.split(separator: ".").last, last.count == 8 else { return false }
        return last.hasPrefix("AQQC") || last.hasPrefix("AQQD")
    }

    /// The value without an appendix the Node.js param-builder added (its V2 appendices start `AQQ`).
    static func withoutMintedAppendix(_ value: String) -> String {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[4].hasPrefix("AQQ") else { return value }
        return parts.prefix(4).joined(separator: ".")
    }
}

/// A random number generator that always returns the same value.
struct FixedRandom: RandomNumberGenerator {
    var value: UInt64 = 0x1234_5678_9ABC_DEF0
    mutating func next() -> UInt64 { value }
}
