import CAPIModel
import Identity
import Testing

/// Table-driven tests per key: Meta's worked examples, Meta's documented rules, and the
/// cases where RoasProof goes beyond Meta's own normalizer.
@Suite struct NormalizationTests: RejectionChecking {
    let normalizer = IdentityNormalizer()

    func normalized(_ value: String, _ key: HashedUserDataKey, region: RegionCode? = nil) throws -> String {
        switch try normalizer.normalize(value, as: key, region: region) {
        case .normalized(let text): return text
        case .alreadyHashed(let hash): return hash.hexString
        }
    }

    // Meta's five worked examples, from the customer information parameters page
    // (https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters).
    @Test(arguments: [
        (
            "John_Smith@gmail.com", HashedUserDataKey.email, nil as RegionCode?,
            "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"
        ),
        ("(650)555-1212", .phone, "US", "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176"),
        ("Mary", .firstName, nil, "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec"),
        ("정", .firstName, nil, "8fa8cd9c440be61d0151429310034083132b35975c4bea67fdd74158eb51db14"),
        ("Valéry", .firstName, nil, "08e1996b5dd49e62a4b4c010d44e4345592a863bb9f8e3976219bac29417149c"),
    ])
    func metaWorkedExamples(input: String, key: HashedUserDataKey, region: RegionCode?, expected: String) throws {
        #expect(try normalizer.hash(input, as: key, region: region).hexString == expected)
    }

    @Test(arguments: [
        ("  John_Smith@Gmail.COM ", "john_smith@gmail.com"),
        ("first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk"),
        ("ÜSER@Bücher.DE", "üser@bücher.de"),
        ("\u{00A0}jane@example.com\u{3000}", "jane@example.com"),
        ("o'reilly@example.ie", "o'reilly@example.ie"),
    ])
    func email(input: String, expected: String) throws {
        #expect(try normalized(input, .email) == expected)
    }

    @Test(arguments: [
        "", "   ", "a", "abc", "a@b", "@b.c", "a@", "a@@b.c", "a b@c.de", ".a@b.cd", "a.@b.cd", "a..b@c.de",
        "a@-b.cd", "a@b-.cd", "a@b..cd", "a@b_c.de", "mailto:a@b.cd", "a@b.c d", "a\u{0}@b.cd",
    ])
    func invalidEmailsAreRejected(input: String) {
        let code = rejection(input, .email)
        #expect(code == .invalidEmail || code == .empty)
    }

    @Test(arguments: [
        ("Mary-Jane", "maryjane"), ("O'Connor", "oconnor"), ("O’Connor", "oconnor"), ("Jean‐Luc", "jeanluc"),
        ("Anne\u{200B}Marie", "annemarie"), ("\u{FEFF}Anna", "anna"), ("José María", "josémaría"),
        ("VALÉRY", "valéry"), ("Vale\u{301}ry", "valéry"),  // NFC: e + combining acute becomes é
        ("ΟΔΟΣ", "οδος"), ("ΟΔΟΣ ΣΟΦΙΑ", "οδοςσοφια"), ("Σ", "σ"), ("ΑΣ.", "ας"),  // Greek final sigma, as Python
        ("İlkay", "i̇lkay"),  // Turkish dotted capital I: i + U+0307, as Python
        ("ǅemal", "ǆemal"), ("ẞ", "ß"), ("Łukasz", "łukasz"), ("山田", "山田"), ("محمد", "محمد"),
        ("David#123", "david123"), ("St. John", "stjohn"), ("$tar", "tar"),
    ])
    func names(input: String, expected: String) throws {
        #expect(try normalized(input, .firstName) == expected)
        #expect(try normalized(input, .lastName) == expected)
    }

    @Test(arguments: ["", "  ", "...", "‐–—", "\u{200B}\u{FEFF}"])
    func namesThatNormalizeToNothingAreRejected(input: String) {
        #expect(rejection(input, .firstName) == .empty)
    }

    @Test(arguments: [
        ("Male", "m"), ("m", "m"), ("MR.", "m"), ("Female", "f"), ("  Woman ", "f"), ("ma’am", "f"), ("F", "f"),
        ("weiblich", "f"), ("Masculino", "m"),
    ])
    func gender(input: String, expected: String) throws {
        #expect(try normalized(input, .gender) == expected)
    }

    @Test(arguments: ["x", "other", "unknown", "non-binary", "mf"])
    func unknownGendersAreRejected(input: String) {
        #expect(rejection(input, .gender) == .unknownGender)
    }

    @Test(arguments: [
        ("1990-12-31", "19901231"), ("31.12.1990", "19901231"), ("12/31/1990", "19901231"), ("19901231", "19901231"),
        ("01-02-1990", "19900102"), ("2/29/2000", "20000229"), ("December 31, 1990", "19901231"),
        ("31 Dec 1990", "19901231"), ("Sept 5 1985", "19850905"), ("16021997", "19970216"),
        ("1990-12-31T00:00:00Z", "19901231"),
    ])
    func dateOfBirth(input: String, expected: String) throws {
        #expect(try normalized(input, .dateOfBirth) == expected)
    }

    @Test(arguments: [
        ("02/30/1990", NormalizationError.Code.impossibleDate), ("99999999", .impossibleDate),
        ("2/29/1900", .impossibleDate), ("2/29/2001", .impossibleDate), ("1899-12-31", .impossibleDate),
        ("13/13/1990", .impossibleDate), ("12/31/90", .impossibleDate), ("1990", .invalidDate), ("", .invalidDate),
        ("December 1990", .invalidDate), ("0000-00-00", .impossibleDate),
    ])
    func impossibleDatesAreRejected(input: String, code: NormalizationError.Code) {
        #expect(rejection(input, .dateOfBirth) == code)
    }

    @Test func birthYearsLaterThanTheConfiguredYearAreRejected() throws {
        var configuration = IdentityNormalizer.Configuration()
        configuration.latestBirthYear = 2020
        let strict = IdentityNormalizer(configuration: configuration)
        #expect(throws: NormalizationError.self) { try strict.hash("2021-01-01", as: .dateOfBirth) }
        #expect(try strict.normalize("2020-12-31", as: .dateOfBirth) == .normalized("20201231"))
        // The default configuration accepts this year and rejects next year.
        let thisYear = IdentityNormalizer.Configuration().latestBirthYear
        #expect(thisYear >= 2026)
        #expect(rejection("\(thisYear + 1)-01-01", .dateOfBirth) == .impossibleDate)
    }

    @Test(arguments: [
        ("Menlo Park", "menlopark"), ("St. Louis", "stlouis"), ("San José", "sanjosé"), ("São Paulo", "sãopaulo"),
        ("Москва", "москва"), ("angeles123", "angeles123"), ("Washington D.C", "washingtondc"),
    ])
    func city(input: String, expected: String) throws {
        #expect(try normalized(input, .city) == expected)
    }

    @Test func citiesMustStartWithALetter() {
        #expect(rejection("123Angeles", .city) == .invalidCity)
        #expect(rejection("  -- ", .city) == .empty)
    }

    @Test(arguments: [
        ("California", "ca"), ("  CA ", "ca"), ("N.Y.", "ny"), ("new york", "ny"), ("Washington, D.C.", "dc"),
        ("District of Columbia", "dc"), ("Puerto Rico", "pr"), ("Guam", "gu"), ("Québec", "qc"), ("Quebec", "qc"),
        ("British Columbia", "bc"), ("Newfoundland and Labrador", "nl"), ("West Virginia", "wv"), ("Virginia", "va"),
        ("Kansas", "ks"), ("Arkansas", "ar"),
        // Elsewhere: the whole name, lowercase, no punctuation or spaces; never a substring guess.
        ("New South Wales", "newsouthwales"), ("Île-de-France", "îledefrance"), ("Bayern", "bayern"),
        ("Californa", "californa"), ("NSW", "nsw"), ("Tokyo-to", "tokyoto"),
    ])
    func state(input: String, expected: String) throws {
        #expect(try normalized(input, .state) == expected)
    }

    @Test(arguments: [
        ("98121", "98121"), ("98121-4892", "98121"), ("981214892", "98121"), ("NR9 5AL", "nr95al"),
        ("SW1A 1AA", "sw1a1aa"), ("K1A 0B1", "k1a0b1"), ("01310-200", "01310"), ("  12  ", "12"), ("75008", "75008"),
    ])
    func zipCode(input: String, expected: String) throws {
        #expect(try normalized(input, .zipCode) == expected)
    }

    @Test func nineDigitPostcodesOutsideTheUSAreKept() throws {
        #expect(try normalized("123456789", .zipCode, region: "US") == "12345")
        #expect(try normalized("123456789", .zipCode, region: "IR") == "123456789")
    }

    @Test(arguments: [
        ("1", NormalizationError.Code.invalidZipCode), ("-12345", .empty), ("12.345", .invalidZipCode),
        ("", .empty),
    ])
    func invalidZipCodesAreRejected(input: String, code: NormalizationError.Code) {
        #expect(rejection(input, .zipCode) == code)
    }

    @Test(arguments: [
        ("US", "us"), ("us", "us"), ("UK", "gb"), ("U.K.", "gb"), ("GBR", "gb"), ("usa", "us"), ("U.S.A.", "us"),
        ("United States of America", "us"), ("  united states ", "us"), ("Germany", "de"), ("DEU", "de"),
        ("Deutschland", "de"), ("Côte d'Ivoire", "ci"), ("Cote d'Ivoire", "ci"), ("Ivory Coast", "ci"),
        ("Korea, Republic of", "kr"), ("South Korea", "kr"), ("North Korea", "kp"), ("Czechia", "cz"),
        ("Türkiye", "tr"), ("Viet Nam", "vn"), ("Niger", "ne"), ("Nigeria", "ng"), ("IND", "in"), ("ind", "in"),
        ("Dominica", "dm"), ("Dominican Republic", "do"), ("Åland Islands", "ax"),
    ])
    func country(input: String, expected: String) throws {
        #expect(try normalized(input, .country) == expected)
    }

    @Test(arguments: ["GermanyEurope", "Zz", "XX", "Narnia", "Indiana", "Georgiaa", "U", "America the beautiful"])
    func unknownCountriesAreRejectedNotTruncated(input: String) {
        #expect(rejection(input, .country) == .unknownCountry)
    }

    @Test(arguments: [
        ("ExTeRnAl123", "external123"), ("user id 456", "userid456"), ("USER-ID-456", "user-id-456"),
        ("id#123$special", "id#123$special"), ("\u{00A0}external123\u{00A0}", "external123"), ("ΟΔΟΣ", "οδος"),
    ])
    func externalID(input: String, expected: String) throws {
        #expect(try normalized(input, .externalID) == expected)
    }

    @Test(arguments: HashedUserDataKey.allCases)
    func alreadyHashedValuesPassThroughForEveryKey(key: HashedUserDataKey) throws {
        let hex = "A665A45920422F9D417E4867EFDC4FB8A04A1F3FFF1FA07E998E86F7F7A27AE3"
        let processed = try normalizer.process("  \(hex) ", as: key)
        #expect(processed.origin == .passedThrough)
        #expect(processed.identifier.hexString == hex.lowercased())
        let withAppendix = try normalizer.hash(hex.lowercased() + ".AQQCAQIB", as: key)
        #expect(withAppendix.hexString == hex.lowercased() + ".AQQCAQIB")
    }

    @Test func md5LookingValuesAreHashedNotPassedThrough() throws {
        let md5 = "098f6bcd4621d373cade4e832627b4f6"
        let processed = try normalizer.process(md5, as: .externalID)
        #expect(processed.origin == .hashed)
        #expect(processed.identifier.digest == SHA256.hash(md5))
    }

    @Test func hashIsSHA256OfTheNormalizedValue() throws {
        for key in HashedUserDataKey.allCases where key != .phone {
            let samples: [HashedUserDataKey: String] = [
                .email: "A@Example.com", .firstName: "Zoë", .lastName: "O'Neil", .gender: "female",
                .dateOfBirth: "1/2/1990", .city: "Köln", .state: "Texas", .zipCode: "10115", .country: "France",
                .externalID: "Visitor 42", .firstNamePrefix: "Zoë-Anne", .lastNamePrefix: "O'Neil", .firstInitial: "Élodie",
                .dayOfBirth: "7", .monthOfBirth: "03", .yearOfBirth: "1990",
            ]
            let value = try #require(samples[key])
            guard case .normalized(let text) = try normalizer.normalize(value, as: key) else {
                Issue.record("\(key) was treated as already hashed")
                continue
            }
            #expect(try normalizer.hash(value, as: key).digest == SHA256.hash(text))
        }
    }

    @Test func oversizedInputIsRejectedQuickly() {
        let huge = String(repeating: "a", count: 1_000_000) + "@example.com"
        for key in HashedUserDataKey.allCases {
            #expect(rejection(huge, key) == .tooLong)
        }
    }

    @Test func errorsNeverContainTheRejectedValue() {
        let secrets: [(String, HashedUserDataKey)] = [
            ("secret.person@nowhere", .email), ("Secretia", .gender), ("31/02/1999", .dateOfBirth),
            ("Secretland", .country), ("Z!P-secret", .zipCode), ("9Secret Town", .city), ("020 7946 0958", .phone),
        ]
        for (value, key) in secrets {
            do {
                _ = try normalizer.hash(value, as: key)
                Issue.record("\(key) accepted a value it should reject")
            } catch {
                #expect(error.key == key)
                for text in [error.description, error.message, String(reflecting: error), "\(error)"] {
                    #expect(!text.contains(value))
                    #expect(!text.lowercased().contains("secret"))
                }
            }
        }
    }

    @Test func normalizedValuesAreRedactedWhenPrinted() throws {
        let value = try normalizer.normalize("Jane@Example.com", as: .email)
        #expect(!"\(value)".contains("jane"))
        #expect(!String(describing: value).contains("example"))
    }
}
