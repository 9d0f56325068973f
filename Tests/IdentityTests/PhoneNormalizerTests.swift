import CAPIModel
import Identity
import Testing

/// Phone numbers, case by case. Expected digits marked "libphonenumber" are what
/// `phonenumbers` 9.0.43 answers (format_number(parse(input, region), E164)); the others
/// are RoasProof's deliberate behaviour, with the reason.
@Suite struct PhoneNormalizerTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let input: String
        let region: RegionCode?
        let digits: String
        let note: String
        init(_ input: String, _ region: RegionCode?, _ digits: String, _ note: String) {
            self.input = input
            self.region = region
            self.digits = digits
            self.note = note
        }
        var testDescription: String { "\(note): \(input.debugDescription) in \(region?.rawValue ?? "no region")" }
    }

    static let agreeingWithLibphonenumber: [Case] = [
        Case("(650)555-1212", "US", "16505551212", "Meta's worked example"),
        Case("020 7946 0958", "GB", "442079460958", "national with trunk 0"),
        Case("+44 (0)20 7946 0958", nil, "442079460958", "(0) inside an international number"),
        Case("+49 (0)30 901820", nil, "4930901820", "(0) inside an international number"),
        Case("+39 06 6982 1234", nil, "390669821234", "Italian leading zero kept"),
        Case("06 6982 1234", "IT", "390669821234", "Italian leading zero kept"),
        Case("+39 312 345 6789", nil, "393123456789", "Italian mobile"),
        Case("011 15-2345-6789", "AR", "5491123456789", "Argentine mobile: 0 + area + 15 becomes 9 + area"),
        Case("0351 15 234-5678", "AR", "5493512345678", "Argentine mobile: 0 + area + 15 becomes 9 + area"),
        Case("+54 9 11 2345-6789", nil, "5491123456789", "Argentine mobile with its 9"),
        Case("+54 11 2345-6789", nil, "541123456789", "Argentine fixed line"),
        Case("0 15 11 91234-5678", "BR", "5511912345678", "Brazilian carrier code 15 dropped"),
        Case("014 11 91234-5678", "BR", "5511912345678", "Brazilian carrier code 14 dropped"),
        Case("(0xx21) 2345-6789", "BR", "552123456789", "Brazilian xx carrier placeholder"),
        Case("8 (912) 345-67-89", "RU", "79123456789", "Russian trunk 8"),
        Case("8 701 123 4567", "KZ", "77011234567", "Kazakh trunk 8"),
        Case("1-800-FLOWERS", "US", "18003569377", "vanity letters on the keypad"),
        Case("tel:+1-201-555-0123", nil, "12015550123", "RFC 3966"),
        Case("tel:201-555-0123;phone-context=+1", nil, "12015550123", "RFC 3966 phone-context"),
        Case("tel:+1-201-555-0123;ext=42", nil, "12015550123", "RFC 3966 extension dropped"),
        Case("+1 201 555 0123 ext. 42", nil, "12015550123", "extension dropped"),
        Case("+1 201 555 0123 x42", nil, "12015550123", "extension dropped"),
        Case("+1 201 555 0123 #42", nil, "12015550123", "extension dropped"),
        Case("+1-555-123-4567 ext. 123", nil, "15551234567", "extension dropped"),
        Case("＋４４ ２０ ７９４６ ０９５８", nil, "442079460958", "full-width digits and plus"),
        Case("٠٢٠ ٧٩٤٦ ٠٩٥٨", "GB", "442079460958", "Arabic-Indic digits"),
        Case("+٤٤ ٢٠ ٧٩٤٦ ٠٩٥٨", nil, "442079460958", "Arabic-Indic digits"),
        Case("०२० ७९४६ ०९५८", "GB", "442079460958", "Devanagari digits"),
        Case("011 44 20 7946 0958", "US", "442079460958", "the region's international prefix"),
        Case("00 44 20 7946 0958", "DE", "442079460958", "the region's international prefix"),
        Case("0011 44 20 7946 0958", "AU", "442079460958", "the region's international prefix"),
        Case("+44 20 7946 0958", "US", "442079460958", "the number's own + beats the region"),
        Case("01534 123456", "JE", "441534123456", "Jersey shares +44"),
        Case("0269 61 23 45", "RE", "262269612345", "Réunion and Mayotte share +262"),
        Case("+800 1234 5678", nil, "80012345678", "non-geographic calling code"),
        Case("04 12 34 56 78", "FR", "33412345678", "France"),
        Case("(02) 9374 4000", "AU", "61293744000", "Australia"),
        Case("03-5843-2301", "JP", "81358432301", "Japan"),
        Case("098765 43210", "IN", "919876543210", "India"),
        Case("Tel: +33 1 42 68 53 00.", nil, "33142685300", "text around the number"),
        Case("+1 310-5146", "CA", "13105146", "Canada's 7-digit 310 numbers are valid"),
    ]

    static let deliberate: [Case] = [
        // Mexico dropped these prefixes; libphonenumber keeps them and calls the number invalid.
        Case("+52 1 55 1234 5678", nil, "525512345678", "Mexican legacy mobile 1"),
        Case("044 55 1234 5678", "MX", "525512345678", "Mexican legacy 044"),
        Case("01 55 1234 5678", "MX", "525512345678", "Mexican legacy 01"),
    ]

    @Test(arguments: agreeingWithLibphonenumber + deliberate)
    func normalizesToE164Digits(_ c: Case) throws {
        let normalizer = IdentityNormalizer()
        #expect(try normalizer.normalize(c.input, as: .phone, region: c.region) == .normalized(c.digits))
        let number = try PhoneNumber.parse(c.input, region: c.region)
        #expect(number.e164 == "+" + c.digits)
    }

    struct Rejection: CustomTestStringConvertible, Sendable {
        let input: String
        let region: RegionCode?
        let code: NormalizationError.Code
        init(_ input: String, _ region: RegionCode?, _ code: NormalizationError.Code) {
            self.input = input
            self.region = region
            self.code = code
        }
        var testDescription: String { "\(input.debugDescription) in \(region?.rawValue ?? "no region") → \(code)" }
    }

    static let rejections: [Rejection] = [
        Rejection("020 7946 0958", nil, .missingPhoneRegion),
        Rejection("(650)555-1212", nil, .missingPhoneRegion),
        Rejection("020 7946 0958", "XX", .unknownPhoneRegion),
        Rejection("020 7946 0958", "QQ", .unknownPhoneRegion),
        Rejection("+999 1234 5678", nil, .unknownPhoneRegion),
        Rejection("+0 20 7946 0958", nil, .unknownPhoneRegion),
        Rejection("00999 1234 5678", nil, .missingPhoneRegion),
        Rejection("0044 20 7946", nil, .missingPhoneRegion),  // 00 then no valid number: not guessed
        Rejection("00999 1234 5678", "DE", .unknownPhoneRegion),
        Rejection("555-1234", "US", .impossiblePhoneLength),  // local number, no area code
        Rejection("+44 20 7946", nil, .impossiblePhoneLength),
        Rejection("+44 20 7946 0958 0958 0958", nil, .impossiblePhoneLength),
        Rejection("+1 201 555 01234", nil, .impossiblePhoneLength),
        Rejection("+44 1", nil, .impossiblePhoneLength),
        Rejection("hello", "US", .invalidPhone),
        Rejection("12", nil, .missingPhoneRegion),
        Rejection("1", "US", .invalidPhone),
        Rejection("+", nil, .invalidPhone),
        Rejection("N/A", "GB", .invalidPhone),
        Rejection("tel:123;phone-context=", nil, .invalidPhone),
        Rejection(String(repeating: "1", count: 300), "US", .impossiblePhoneLength),
    ]

    @Test(arguments: rejections)
    func rejectsWithATypedErrorThatNeverQuotesTheNumber(_ r: Rejection) {
        do {
            _ = try IdentityNormalizer().normalize(r.input, as: .phone, region: r.region)
            Issue.record("accepted \(r.input.debugDescription)")
        } catch {
            #expect(error.key == .phone)
            #expect(error.code == r.code)
            let digits = r.input.filter(\.isNumber)
            if digits.count >= 3 { #expect(!error.message.contains(digits)) }
            #expect(!error.message.contains(r.input) || r.input.count < 3)
            #expect(!error.message.isEmpty)
        }
    }

    @Test func configuredDefaultRegionAppliesOnlyWithoutAnExplicitOne() throws {
        let normalizer = IdentityNormalizer(configuration: .init(defaultPhoneRegion: "GB"))
        #expect(try normalizer.normalize("020 7946 0958", as: .phone) == .normalized("442079460958"))
        #expect(try normalizer.normalize("(650) 555-1212", as: .phone, region: "US") == .normalized("16505551212"))
        #expect(try normalizer.normalize("+33 1 42 68 53 00", as: .phone) == .normalized("33142685300"))
    }

    @Test func hashesMetasWorkedExample() throws {
        let hash = try IdentityNormalizer().hash("(650)555-1212", as: .phone, region: .unitedStates)
        #expect(hash.digest.hexString == "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176")
    }

    struct Regional: CustomTestStringConvertible, Sendable {
        let input: String
        let region: RegionCode?
        let expected: RegionCode?
        let valid: Bool
        var testDescription: String { "\(input.debugDescription) → \(expected?.rawValue ?? "none")" }
    }

    /// `region_code_for_number` and `is_valid_number`, as libphonenumber answers them.
    static let regional: [Regional] = [
        Regional(input: "+7 701 123 4567", region: nil, expected: "KZ", valid: true),
        Regional(input: "+7 912 345 67 89", region: nil, expected: "RU", valid: true),
        Regional(input: "+1 264 497 1234", region: nil, expected: "AI", valid: true),
        Regional(input: "+1 201 555 0123", region: nil, expected: "US", valid: true),
        Regional(input: "01534 123456", region: "JE", expected: "JE", valid: true),
        Regional(input: "07781 123456", region: "GB", expected: "GG", valid: true),
        Regional(input: "+44 1624 123456", region: nil, expected: "IM", valid: false),
        Regional(input: "+39 06 6982 1234", region: nil, expected: "VA", valid: true),
        Regional(input: "+262 269 61 23 45", region: nil, expected: "YT", valid: true),
        Regional(input: "+590 690 12 34 56", region: nil, expected: "GP", valid: true),
        Regional(input: "+800 1234 5678", region: nil, expected: nil, valid: true),
        Regional(input: "+1 310-5146", region: "CA", expected: "CA", valid: true),
    ]

    @Test(arguments: regional)
    func phoneNumberKnowsItsRegion(_ r: Regional) throws {
        let number = try PhoneNumber.parse(r.input, region: r.region)
        #expect(number.region == r.expected)
        #expect(number.isValid == r.valid)
    }

    @Test func phoneNumberParts() throws {
        let number = try PhoneNumber.parse("+1 (201) 555-0123 ext. 42", region: nil)
        #expect(number.countryCode == 1)
        #expect(number.nationalNumber == "2015550123")
        #expect(number.extension == "42")
        #expect(number.e164 == "+12015550123")
        #expect(!number.description.contains("555"))
        let italian = try PhoneNumber.parse("06 6982 1234", region: "IT")
        #expect(italian.nationalNumber == "0669821234")
        #expect(try PhoneNumber.parse("020 7946 0958", region: "GB").extension == nil)
    }

    @Test func regionsAndCallingCodes() {
        #expect(PhoneNumber.countryCode(for: "GB") == 44)
        #expect(PhoneNumber.countryCode(for: "XK") == 383)
        #expect(PhoneNumber.countryCode(for: "TA") == 290)
        #expect(PhoneNumber.countryCode(for: "ZZ") == nil)
        #expect(PhoneNumber.isSupportedRegion("AC"))
        #expect(!PhoneNumber.isSupportedRegion("UK"))
        #expect(PhoneNumber.metadataVersion == "9.0.43")
    }
}

/// Regressions found by Scripts/fuzz.sh (FuzzIdentity).
@Suite struct PhoneFuzzRegressionTests {
    /// `00-(00-FLOWER` in DE parsed to +49 000356937, whose own E.164 text parsed to a
    /// different number (libphonenumber does the same). Invalid numbers with a leading zero
    /// after the country code are now rejected, so normalization is idempotent.
    @Test(arguments: ["\u{FFFD}\u{0}\u{0}\u{FFFD}00-(00-FLOWER", "+49 00151 12345678", "00-(00-FLOWER"])
    func invalidNumbersWithALeadingZeroAreRejected(input: String) {
        #expect(throws: NormalizationError.self) { try IdentityNormalizer().hash(input, as: .phone, region: "DE") }
    }

    @Test func validNumbersWithALeadingZeroAreKept() throws {
        // Italian numbers keep their leading zero.
        #expect(try IdentityNormalizer().normalize("06 6982 1234", as: .phone, region: "IT") == .normalized("390669821234"))
        #expect(try IdentityNormalizer().normalize("+49 0151 12345678", as: .phone) == .normalized("4915112345678"))
    }
}
