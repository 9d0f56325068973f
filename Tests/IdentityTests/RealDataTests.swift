import CAPIModel
import Foundation
import Identity
import Testing

/// Customer data as CRMs and spreadsheets export it: every case here was refused or hashed to
/// something Meta cannot match before the rule it pins.
@Suite struct RealDataTests: RejectionChecking {
    let normalizer = IdentityNormalizer()

    func normalized(_ value: String, _ key: HashedUserDataKey, region: RegionCode? = nil) throws -> String {
        switch try normalizer.normalize(value, as: key, region: region) {
        case .normalized(let text): return text
        case .alreadyHashed(let hash): return "hash:" + hash.hexString
        }
    }

    static let hex = "F6F3A1F77FC7E7BF4D3BF475ED891584A4470EAF0F9671D7695C259589E6693D"

    // MARK: Unicode whitespace

    @Test(arguments: HashedUserDataKey.allCases)
    func aHashWrappedInUnicodeWhitespacePassesThrough(key: HashedUserDataKey) throws {
        for wrapped in ["\u{00A0}\(Self.hex)\n", "\u{3000}\(Self.hex)\u{2028}", "\u{FEFF}\(Self.hex)\u{202F}"] {
            #expect(try normalized(wrapped, key) == "hash:" + Self.hex.lowercased(), "\(key)")
            let processed = try normalizer.process(wrapped, as: key)
            #expect(processed.origin == .passedThrough)
            #expect(processed.identifier.hexString == Self.hex.lowercased())
        }
    }

    @Test(arguments: [
        (HashedUserDataKey.email, "\u{00A0}Jane@Example.com\u{3000}\n", "jane@example.com"),
        (.city, "\u{2007}London\u{00A0}", "london"),
        (.externalID, "\u{00A0}CRM-42\u{205F}", "crm-42"),
        (.country, "\u{00A0}United Kingdom\u{3000}", "gb"),
        (.state, "\u{00A0}CA\u{00A0}", "ca"),
        (.phone, "\u{00A0}+44 20 7946 0958\u{00A0}", "442079460958"),
        (.dateOfBirth, "\u{3000}1990-02-01\u{00A0}", "19900201"),
    ])
    func unicodeWhitespaceIsTrimmedEverywhere(key: HashedUserDataKey, input: String, expected: String) throws {
        #expect(try normalized(input, key) == expected)
    }

    // MARK: zp

    @Test(arguments: [
        ("\u{00A0}94105\u{00A0}", "94105"),
        ("\u{3000}94105\u{3000}", "94105"),
        ("\u{FF19}\u{FF14}\u{FF11}\u{FF10}\u{FF15}", "94105"),  // full-width digits
        ("94105\u{2013}1234", "94105"),  // en dash
        ("94105\u{2014}1234", "94105"),  // em dash
        ("94105\u{2212}1234", "94105"),  // minus sign
        ("94105\u{2010}1234", "94105"),  // hyphen
        ("94105\u{FF0D}1234", "94105"),  // full-width hyphen-minus
        ("\u{3012}100-0001", "100"),  // the postal mark, then the rule for any code: cut at the dash
        ("\u{3012}1000001", "1000001"),
        ("SW1A\u{00A0}1AA", "sw1a1aa"),
        ("\u{FF33}\u{FF37}\u{FF11}\u{FF21} \u{FF11}\u{FF21}\u{FF21}", "sw1a1aa"),  // full-width letters
        ("\u{0661}\u{0662}\u{0663}\u{0664}\u{0665}", "12345"),  // Arabic-Indic digits
    ])
    func postalCodesAsSpreadsheetsExportThem(input: String, expected: String) throws {
        #expect(try normalized(input, .zipCode) == expected)
    }

    @Test(arguments: ["94105\u{00A9}", "Straße", "9410\u{0}5", "\u{1F600}94105"])
    func otherCharactersInPostalCodesAreStillRefused(input: String) {
        #expect(rejection(input, .zipCode) == .invalidZipCode)
    }

    // MARK: st

    @Test(arguments: ["94105", "1", " 12 ", "\u{FF19}\u{FF14}"])
    func aStateWithoutALetterIsRefused(input: String) {
        #expect(rejection(input, .state) == NormalizationError.Code.invalidState)
    }

    @Test func statesWithLettersAreUnchanged() throws {
        #expect(try normalized("CA", .state) == "ca")
        #expect(try normalized("California", .state) == "ca")
        #expect(try normalized("Bayern", .state) == "bayern")
        #expect(try normalized("Île-de-France", .state) == "îledefrance")
        #expect(rejection("--", .state) == .empty)
    }

    // MARK: names

    @Test func zeroWidthJoinersStayInNames() throws {
        // Persian "Mahsa" is spelled with a zero-width non-joiner; Indic conjuncts use the joiner.
        #expect(
            try normalized("\u{0645}\u{0647}\u{200C}\u{0633}\u{0627}", .firstName) == "\u{0645}\u{0647}\u{200C}\u{0633}\u{0627}")
        #expect(try normalized("\u{0915}\u{094D}\u{200D}\u{0937}", .lastName) == "\u{0915}\u{094D}\u{200D}\u{0937}")
        // Other invisible format characters are still removed.
        #expect(try normalized("Anne\u{200B}Marie\u{2060}", .firstName) == "annemarie")
    }

    // MARK: regions named as countries

    @Test(arguments: [
        ("UK", "GB" as RegionCode?), ("United Kingdom", "GB"), ("gbr", "GB"), (" gb ", "GB"), ("USA", "US"),
        ("United States", "US"), ("Deutschland", "DE"), ("\u{00A0}France\n", "FR"), ("XX", nil), ("Atlantis", nil), ("", nil),
    ])
    func regionsFromCountriesInAnyForm(country: String, expected: RegionCode?) {
        #expect(RegionCode(country: country) == expected)
    }

    @Test func aRegionCodeThatIsACountryAliasReadsNationalNumbers() throws {
        // "UK" is no ISO 3166-1 code and names no numbering plan; it is read as GB.
        #expect(try normalized("07911 123456", .phone, region: "UK") == "447911123456")
    }

    // MARK: bare international digits

    @Test(arguments: [
        ("16505551212", nil as RegionCode?, "16505551212"),
        ("0044 20 7946 0958", nil, "442079460958"),
        ("011 44 20 7946 0958", nil, "442079460958"),
        ("442079460958", "US", "442079460958"),
        ("1-800-FLOWERS", nil, "18003569377"),
        ("16505551212", "US", "16505551212"),  // national reading: libphonenumber drops the country code
        ("020 7946 0958", "GB", "442079460958"),  // a valid national number keeps its national reading
    ])
    func bareInternationalDigits(input: String, region: RegionCode?, expected: String) throws {
        #expect(try normalized(input, .phone, region: region) == expected)
    }

    @Test func aBareNumberReadAsInternationalSaysSo() throws {
        #expect(try normalizer.process("16505551212", as: .phone).readAsInternational)
        #expect(try normalizer.process("442079460958", as: .phone, region: "US").readAsInternational)
        #expect(try !normalizer.process("+16505551212", as: .phone).readAsInternational)
        #expect(try !normalizer.process("020 7946 0958", as: .phone, region: "GB").readAsInternational)
    }

    @Test(arguments: [
        ("020 7946 0958", nil as RegionCode?, NormalizationError.Code.missingPhoneRegion),  // national, no region
        ("12345", nil, .missingPhoneRegion),
        ("0044 20 7946", nil, .missingPhoneRegion),  // too short for +44
    ])
    func digitsThatAreNoValidNumberAreStillRefused(input: String, region: RegionCode?, code: NormalizationError.Code) {
        #expect(rejection(input, .phone, region: region) == code)
    }

    /// Random valid numbers of every region written as bare E.164 digits, with libphonenumber's
    /// answers under the rule (`Scripts/phone/make-bare-digit-vectors.py`).
    @Test func bareDigitVectorsAgreeWithLibphonenumber() throws {
        struct Record: Decodable {
            let input: String
            let region: String?
            let e164: String?
            let kind: String
        }
        let url = try #require(
            Bundle.module.url(forResource: "phones-bare-digits", withExtension: "jsonl", subdirectory: "Vectors"))
        let records = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(Record.self, from: Data($0.utf8)) }
        #expect(records.count == 2_400)
        var disagreements: [String] = []
        for record in records {
            let ours = try? normalized(record.input, .phone, region: record.region.flatMap { RegionCode($0) })
            let theirs = record.e164.map { String($0.dropFirst()) }
            if ours != theirs {
                disagreements.append(
                    "\(record.kind) \(record.input) \(record.region ?? "-"): \(ours ?? "rejected") vs \(theirs ?? "none")")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) of \(records.count): \(disagreements.prefix(20))")
    }
}
