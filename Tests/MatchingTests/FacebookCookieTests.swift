import CAPIModel
import Foundation
import Matching
import Testing

@Suite struct FacebookCookieTests {
    @Test func fieldsOfAValidValue() throws {
        let fbc = try FacebookCookie(parsing: "fb.1.1554763741205.AbCdEf-_Gh.AQQCAQIB", as: .fbc)
        #expect(fbc.subdomainIndex == 1)
        #expect(fbc.creationTime == 1_554_763_741_205)
        #expect(fbc.payload == "AbCdEf-_Gh")
        #expect(fbc.appendix?.text == "AQQCAQIB")
        #expect(fbc.carries(fbclid: "AbCdEf-_Gh"))
        #expect(!fbc.carries(fbclid: "abcdef-_gh"))  // case-sensitive
        #expect(fbc.value == "fb.1.1554763741205.AbCdEf-_Gh.AQQCAQIB")

        let fbp = try FacebookCookie(parsing: "fb.2.1596403881668.1116446470", as: .fbp)
        #expect(fbp.payload == "1116446470")
        #expect(fbp.appendix == nil)
        #expect(fbp.kind.cookieName == "_fbp")
    }

    @Test(arguments: [
        ("", FacebookCookieError.Code.empty),
        (String(repeating: "a", count: 1_025), .tooLong),
        ("fb.1.123.a b", .invalidCharacters),
        ("fb.1.123.a;b", .invalidCharacters),
        ("fb.1.123.é", .invalidCharacters),
        ("fb.1.123", .wrongPartCount),
        ("fb.1.123.a.BA.c", .wrongPartCount),
        ("fb1.1.123.abc", .badPrefix),
        ("FB.1.123.abc", .badPrefix),
        ("fb.1b.123.abc", .badSubdomainIndex),
        ("fb.99999.123.abc", .badSubdomainIndex),
        ("fb.1.123aa.abc", .badCreationTime),
        ("fb.1..abc", .badCreationTime),
        ("fb.1.123.", .emptyPayload),
        ("fb.1.123.abc.invalid", .invalidAppendix),
        ("fb.1.123.abc.XY", .invalidAppendix),
        ("fb.1.123.abc.AQQC+QIB", .invalidAppendix),
    ])
    func rejections(value: String, code: FacebookCookieError.Code) {
        #expect(throws: FacebookCookieError(kind: .fbc, code: code)) { try FacebookCookie(parsing: value, as: .fbc) }
    }

    @Test func everyASCIICharacterIsClassifiedAsRFC6265Says() {
        for value in UInt8(0)..<0x80 where value != UInt8(ascii: ".") {
            let character = Character(Unicode.Scalar(value))
            let isCookieOctet = value >= 0x21 && value <= 0x7E && !"\",;\\".utf8.contains(value)
            let parsed = try? FacebookCookie(parsing: "fb.1.1.a\(character)b", as: .fbc)
            #expect((parsed != nil) == isCookieOctet, "byte \(value)")
        }
    }

    @Test func errorMessagesNeverContainTheValue() {
        do {
            _ = try FacebookCookie(parsing: "fb.1.123.SECRETCLICK.bad", as: .fbc)
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("SECRETCLICK"))
            #expect(error.message.contains("_fbc"))
        }
    }

    @Test(arguments: [
        ("https://shop.example.com/?fbclid=IwAR2F4-dbP0", nil as String?, "IwAR2F4-dbP0", ClickCapture.Source.url),
        ("https://shop.example.com/", "https://l.facebook.com/?fbclid=FromReferer_1", "FromReferer_1", .referer),
        ("https://shop.example.com/?fbclid=a%2Bb", nil, "a+b", .url),
        ("https://shop.example.com/?fbclid=a+b", nil, "a+b", .url),  // '+' is kept, not read as a space
        ("https://shop.example.com/?fbclid=&fbclid=second", nil, "second", .url),
    ])
    func capture(url: String, referer: String?, fbclid: String, source: ClickCapture.Source) {
        let result = ClickCapture.capture(url: url, referer: referer, at: Timestamp(milliseconds: 1_712_345_678_901))
        #expect(result.click?.fbclid == fbclid)
        #expect(result.click?.landedAt.milliseconds == 1_712_345_678_901)
        #expect(result.source == source)
    }

    @Test(arguments: [
        ("https://x.example/?fbclid=", ClickIDError.Code.empty),
        ("https://x.example/?fbclid=a.b", .invalidCharacters),
        ("https://x.example/?fbclid=a%20b", .invalidCharacters),
        ("https://x.example/?fbclid=a%2", .invalidCharacters),
        ("https://x.example/?fbclid=" + String(repeating: "x", count: 513), .tooLong),
    ])
    func unusableClickIDs(url: String, code: ClickIDError.Code) {
        let result = ClickCapture.capture(url: url, referer: nil, at: Timestamp(milliseconds: 1))
        #expect(result.click == nil)
        #expect(result.rejection?.code == code)
        #expect(result.rejectedSource == .url)
    }

    @Test func clickRecordCodable() throws {
        let click = try ClickRecord(fbclid: "IwAR2F4-dbP0", landedAt: Timestamp(milliseconds: 1_712_345_678_901))
        let data = try CAPIJSON.encode(click)
        #expect(String(decoding: data, as: UTF8.self) == #"{"fbclid":"IwAR2F4-dbP0","landing_ms":1712345678901}"#)
        #expect(try CAPIJSON.decode(ClickRecord.self, from: data) == click)
        #expect(click.fbc(subdomainIndex: 1) == "fb.1.1712345678901.IwAR2F4-dbP0")
        #expect(throws: DecodingError.self) {
            try CAPIJSON.decode(ClickRecord.self, from: Data(#"{"fbclid":"a.b","landing_ms":1}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try CAPIJSON.decode(ClickRecord.self, from: Data(#"{"fbclid":"ab","landing_ms":-1}"#.utf8))
        }
    }

    static let click = try! ClickRecord(fbclid: "NEWCLICK", landedAt: Timestamp(milliseconds: 2_000))

    @Test(arguments: [
        // (cookie, click, expected value, origin, reason)
        (nil as String?, nil as ClickRecord?, nil as String?, nil as FBCSelection.Origin?, FBCSelection.Reason.noValue),
        ("fb.1.1000.OLD", nil, "fb.1.1000.OLD", .cookie, .cookie),
        ("fb.1.1000.bad.cookie.x", nil, nil, nil, .noValue),
        (nil, click, "fb.2.2000.NEWCLICK", .synthesized, .synthesizedNoCookie),
        ("fb.1.1500.NEWCLICK.BA", click, "fb.1.1500.NEWCLICK.BA", .cookie, .cookieSameClick),
        ("fb.1.1000.OLD", click, "fb.2.2000.NEWCLICK", .synthesized, .synthesizedNewerClick),
        ("fb.1.3000.LATER", click, "fb.1.3000.LATER", .cookie, .cookieLaterClick),
        ("garbage", click, "fb.2.2000.NEWCLICK", .synthesized, .synthesizedCookieInvalid),
    ])
    func fbcSelection(
        cookie: String?, click: ClickRecord?, value: String?, origin: FBCSelection.Origin?, reason: FBCSelection.Reason
    ) {
        let selection = FBCSelection(cookie: cookie, click: click, subdomainIndex: 2)
        #expect(selection.value == value)
        #expect(selection.origin == origin)
        #expect(selection.reason == reason)
    }

    /// The reasons' codes appear in `ClickIDResolver` notes and logs; renaming one breaks
    /// every dashboard and alert keyed on it.
    @Test func fbcSelectionReasonCodesAreStable() throws {
        let pinned: [(FBCSelection.Reason, String)] = [
            (.cookie, "cookie"), (.cookieSameClick, "cookie_same_click"), (.cookieLaterClick, "cookie_later_click"),
            (.synthesizedNoCookie, "synthesized_no_cookie"), (.synthesizedCookieInvalid, "synthesized_cookie_invalid"),
            (.synthesizedNewerClick, "synthesized_newer_click"), (.noValue, "none"),
        ]
        #expect(Set(pinned.map(\.0)).count == pinned.count)
        for (reason, raw) in pinned {
            #expect(reason.rawValue == raw)
            #expect("\(reason)" == raw)
            #expect(FBCSelection.Reason(rawValue: raw) == reason)
            #expect(String(decoding: try JSONEncoder().encode(reason), as: UTF8.self) == "\"\(raw)\"")
            #expect(try JSONDecoder().decode(FBCSelection.Reason.self, from: Data("\"\(raw)\"".utf8)) == reason)
        }
        #expect(FBCSelection.Reason(rawValue: "cookie_same_clik") == nil)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(FBCSelection.Reason.self, from: Data(#""None""#.utf8)) }
    }
}
