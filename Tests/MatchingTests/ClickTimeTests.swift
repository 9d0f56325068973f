import CAPIModel
import FoundationEssentials
import Matching
import DeliveryTesting
import Testing

/// Click times are `Timestamp`s; the millisecond entry points they replaced are deprecated but
/// give the same results, and the persisted `ClickRecord` JSON keeps its shape.
@Suite struct ClickTimeTests {
    static let requests = [
        BrowserRequest(url: "https://shop.example.com/p?fbclid=IwAR2F4-dbP0_x"),
        BrowserRequest(url: "https://www.example.com/", fbpCookie: "fb.1.123."),
        BrowserRequest(url: "https://www.example.com/", referer: "https://l.facebook.com/?fbclid=Ref_1"),
        BrowserRequest(url: "/landing?fbclid=abc"),
        BrowserRequest(
            url: "https://checkout.example.co.uk/pay", fbcCookie: "fb.1.1.Old", fbpCookie: "fb.2.1.2",
            storedClick: try! ClickRecord(fbclid: "Stored-Click_1", landedAt: Timestamp(milliseconds: 1_700_000_000_000))),
    ]

    @Test("resolve(_:at:using:) equals the deprecated nowMs variant", arguments: 0..<ClickTimeTests.requests.count)
    func resolveAtEqualsNowMs(index: Int) {
        let request = Self.requests[index]
        for milliseconds: Int64 in [0, 5, 1_712_345_678_901, 1_781_430_082_999] {
            var rng = SeededGenerator(seed: UInt64(index + 1))
            var legacyRNG = SeededGenerator(seed: UInt64(index + 1))
            let resolved = ClickIDResolver().resolve(request, at: Timestamp(milliseconds: milliseconds), using: &rng)
            let legacy = legacyResolve(ClickIDResolver(), request, nowMs: milliseconds, using: &legacyRNG)
            #expect(resolved == legacy)
            #expect(resolved.cookiesToSet == legacy.cookiesToSet)
        }
    }

    @Test func newClickAndFBPCarryTheMillisecondsOfTheTimestamp() throws {
        var rng = FixedRandom(value: 0)
        let now = Timestamp(milliseconds: 1_712_345_678_901)
        let result = ClickIDResolver().resolve(BrowserRequest(url: "https://shop.example.com/?fbclid=A_1"), at: now, using: &rng)
        #expect(result.click?.landedAt == now)
        #expect(result.fbc == "fb.1.1712345678901.A_1")
        #expect(result.fbp == "fb.1.1712345678901.0")
    }

    @Test func captureAtEqualsTheDeprecatedNowMsVariant() {
        let at = ClickCapture.capture(url: "/?fbclid=X-1", referer: nil, at: Timestamp(milliseconds: 77))
        #expect(at.click?.landedAt == Timestamp(milliseconds: 77))
        #expect(at == legacyCapture(ClickCapture.self, url: "/?fbclid=X-1", referer: nil, nowMs: 77))
    }

    @Test func clickRecordJSONIsUnchanged() throws {
        let click = try ClickRecord(fbclid: "IwAR2F4-dbP0", landedAt: Timestamp(milliseconds: 1_712_345_678_901))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(click), as: UTF8.self)
        #expect(text == #"{"fbclid":"IwAR2F4-dbP0","landing_ms":1712345678901}"#)
        // A record an app persisted before the change still decodes.
        let stored = try JSONDecoder().decode(
            ClickRecord.self, from: Data(#"{"fbclid":"Old_1","landing_ms":1700000000000}"#.utf8))
        #expect(stored.landedAt == Timestamp(milliseconds: 1_700_000_000_000))
        #expect(stored.fbc(subdomainIndex: 1) == "fb.1.1700000000000.Old_1")
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ClickRecord.self, from: Data(#"{"fbclid":"Old_1","landing_ms":-1}"#.utf8))
        }
    }

    @Test func deprecatedLandingMsEntryPointsMatch() throws {
        let click = try legacyClickRecord(ClickRecord.self, fbclid: "Z_9", landingMs: 1_234)
        #expect(click == (try ClickRecord(fbclid: "Z_9", landedAt: Timestamp(milliseconds: 1_234))))
        #expect(legacyLandingMs(of: click) == 1_234)
        #expect(throws: ClickIDError.self) { try ClickRecord(fbclid: "Z_9", landedAt: Timestamp(milliseconds: -1)) }
    }

    @Test func diagnosisDefaultNowEqualsTheDeprecatedDefaultNowMs() {
        let line = #"{"url": "https://shop.example.com/?fbclid=IwAR-x_Y"}"#
        var rng = FixedRandom(value: 0)
        var legacyRNG = FixedRandom(value: 0)
        let output = ClickIDDiagnosis.run(
            line: line, resolver: ClickIDResolver(), defaultNow: Timestamp(milliseconds: 42), using: &rng)
        #expect(output.contains(#""fbc":"fb.1.42.IwAR-x_Y""#))
        #expect(output == legacyDiagnosis(ClickIDDiagnosis.self, line: line, defaultNowMs: 42, using: &legacyRNG))
    }
}

// The deprecated entry points, reached through protocol requirements (a deprecated witness
// of a requirement draws no warning): the test target must build without warnings.

private protocol LegacyResolver {
    func resolve(
        _ request: BrowserRequest, nowMs: Int64, using rng: inout some RandomNumberGenerator
    ) -> ClickIDResolver.Resolution
}
extension ClickIDResolver: LegacyResolver {}
private func legacyResolve(
    _ resolver: some LegacyResolver, _ request: BrowserRequest, nowMs: Int64, using rng: inout some RandomNumberGenerator
) -> ClickIDResolver.Resolution {
    resolver.resolve(request, nowMs: nowMs, using: &rng)
}

private protocol LegacyCapture {
    static func capture(url: String?, referer: String?, nowMs: Int64) -> ClickCapture.Result
}
extension ClickCapture: LegacyCapture {}
private func legacyCapture<C: LegacyCapture>(_: C.Type, url: String?, referer: String?, nowMs: Int64) -> ClickCapture.Result {
    C.capture(url: url, referer: referer, nowMs: nowMs)
}

private protocol LegacyClickRecord {
    init(fbclid: String, landingMs: Int64) throws(ClickIDError)
    var landingMs: Int64 { get }
}
extension ClickRecord: LegacyClickRecord {}
private func legacyClickRecord<R: LegacyClickRecord>(_: R.Type, fbclid: String, landingMs: Int64) throws(ClickIDError) -> R {
    try R(fbclid: fbclid, landingMs: landingMs)
}
private func legacyLandingMs(of record: some LegacyClickRecord) -> Int64 { record.landingMs }

private protocol LegacyDiagnosis {
    static func run(
        line: String, resolver: ClickIDResolver, defaultNowMs: Int64, using rng: inout some RandomNumberGenerator
    ) -> String
}
extension ClickIDDiagnosis: LegacyDiagnosis {}
private func legacyDiagnosis<D: LegacyDiagnosis>(
    _: D.Type, line: String, defaultNowMs: Int64, using rng: inout some RandomNumberGenerator
) -> String {
    D.run(line: line, resolver: ClickIDResolver(), defaultNowMs: defaultNowMs, using: &rng)
}
