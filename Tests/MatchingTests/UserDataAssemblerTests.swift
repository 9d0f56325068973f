import CAPIModel
import Identity
import Matching
import Testing

@Suite struct UserDataAssemblerTests {
    static let customer = CustomerRecord(
        emails: [" John_Smith@gmail.com ", "john_smith@GMAIL.com", "not-an-email"], phones: ["020 7946 0958"],
        firstName: "Mary", lastName: "Smith", city: "London", state: "LND", zipCode: "SW1A 1AA", country: "GB",
        userID: "User-84213")
    static let session = SessionContext(
        consent: .granted, fbcCookie: "fb.1.1712345678901.IwAR2F4-dbP0", fbpCookie: "fb.1.1712345678901.1234567890",
        visitorID: VisitorID("abcdefghijklmnopqrstuvwxyz"),
        clientIPAddresses: [IPAddress("198.51.100.7")!, IPAddress("10.0.0.2")!, IPAddress("2001:db8::7")!],
        userAgent: "Mozilla/5.0 (X11; Linux x86_64)")

    @Test func completeUserData() throws {
        let normalizer = IdentityNormalizer()
        let assembled = UserDataAssembler().assemble(Self.customer, session: Self.session)
        let data = assembled.userData
        // Meta's own worked example for the email; the duplicate collapses to one hash.
        #expect(data.emails.map(\.hexString) == ["62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"])
        // A national number is read in the customer's country.
        #expect(data.phones == [try normalizer.hash("+44 20 7946 0958", as: .phone)])
        #expect(data.firstNames.map(\.hexString) == ["6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec"])
        #expect(data.lastNames == [try normalizer.hash("Smith", as: .lastName)])
        #expect(data.cities == [try normalizer.hash("London", as: .city)])
        #expect(data.states == [try normalizer.hash("LND", as: .state, region: "GB")])
        #expect(data.zipCodes == [try normalizer.hash("SW1A 1AA", as: .zipCode, region: "GB")])
        #expect(data.countries == [try normalizer.hash("gb", as: .country)])
        // The user id wins over the visitor id.
        #expect(data.externalIDs == [try normalizer.hash("User-84213", as: .externalID)])
        #expect(data.fbc == "fb.1.1712345678901.IwAR2F4-dbP0")
        #expect(data.fbp == "fb.1.1712345678901.1234567890")
        #expect(data.clientIPAddress == "2001:db8::7")  // IPv6 preferred
        #expect(data.clientUserAgent == "Mozilla/5.0 (X11; Linux x86_64)")

        #expect(assembled.provenance(of: .email).map(\.origin) == [.hashed, .rejected])
        #expect(assembled.provenance(of: .email).last?.reason == "invalid_email")
        #expect(assembled.provenance(of: .fbc).map(\.origin) == [.passedThrough])
        #expect(assembled.provenance(of: .clientIPAddress).map(\.origin) == [.rejected, .passedThrough])
        #expect(assembled.rejections.map(\.key) == [.email, .clientIPAddress])
        #expect(assembled.provenance.map(\.key) == assembled.provenance.map(\.key).sorted())
    }

    @Test func provenanceKinds() throws {
        let hash = "A665A45920422F9D417E4867EFDC4FB8A04A1F3FFF1FA07E998E86F7F7A27AE3"
        let click = try ClickRecord(fbclid: "Stored_1", landedAt: Timestamp(milliseconds: 1_700_000_000_000))
        let customer = CustomerRecord(emails: [hash], phones: ["12345"], userID: nil)
        var session = SessionContext(
            consent: .granted, fbcCookie: "fb.1.x", fbpCookie: "garbage", click: click,
            cookieDomain: CookieDomain(host: "shop.example.co.uk"),
            visitorID: VisitorID("abcdefghijklmnopqrstuvwxyz"), userAgent: "ua\u{1}")
        session.clientIPAddresses = [IPAddress("127.0.0.1")!]
        let assembled = UserDataAssembler().assemble(customer, session: session)
        #expect(assembled.userData.emails.map(\.hexString) == [hash.lowercased()])
        #expect(assembled.provenance(of: .email).map(\.origin) == [.passedThrough])
        #expect(assembled.provenance(of: .phone).map(\.origin) == [.rejected])  // national number, no region
        #expect(assembled.provenance(of: .phone).first?.reason == "missing_region")
        #expect(assembled.userData.fbc == "fb.2.1700000000000.Stored_1")
        #expect(assembled.provenance(of: .fbc).map(\.origin) == [.rejected, .synthesized])
        #expect(assembled.provenance(of: .fbc).first?.reason == "wrong_part_count")
        #expect(assembled.provenance(of: .fbp).map(\.reason) == ["wrong_part_count"])
        #expect(assembled.userData.fbp == nil)
        #expect(assembled.provenance(of: .clientUserAgent).first?.reason == "invalid_characters")
        #expect(assembled.provenance(of: .clientIPAddress).first?.reason == "non_public_address")
        #expect(assembled.userData.externalIDs == [try IdentityNormalizer().hash("abcdefghijklmnopqrstuvwxyz", as: .externalID)])
        // Messages say what was wrong, never the value.
        for entry in assembled.rejections { #expect(entry.message?.contains("12345") == false) }
    }

    @Test func visitorIDCanBeSentWithUserID() {
        var assembler = UserDataAssembler()
        assembler.sendsVisitorIDWithUserID = true
        let assembled = assembler.assemble(Self.customer, session: Self.session)
        #expect(assembled.userData.externalIDs.count == 2)
    }

    @Test func deniedConsentBuildsNoEventAndHashesNothing() {
        var session = Self.session
        session.consent = .denied
        let event = ServerEvent(
            eventName: .purchase, eventTime: Timestamp(seconds: 1), actionSource: .website, userData: UserData())
        let built = UserDataAssembler().makeEvent(event, customer: Self.customer, session: session)
        #expect(built.event == nil)
        #expect(built.assembled.userData.isEmpty)
        #expect(built.assembled.provenance.allSatisfy { $0.origin == .withheldByConsent })
        #expect(built.assembled.provenance.count == 15)  // 3 em, 1 ph, fn, ln, ct, st, zp, country, external_id, ip, ua, fbc, fbp
        #expect(!built.assembled.consent.sendsEvent)
    }

    @Test func unknownConsentFollowsThePolicy() {
        var session = Self.session
        session.consent = .unknown
        #expect(UserDataAssembler().assemble(Self.customer, session: session).userData.isEmpty)
        var policy = ConsentPolicy()
        policy.unknown = .send(withholding: [.clientIPAddress, .fbp])
        let assembled = UserDataAssembler(consentPolicy: policy).assemble(Self.customer, session: session)
        #expect(assembled.userData.clientIPAddress == nil)
        #expect(assembled.userData.fbp == nil)
        #expect(!assembled.userData.emails.isEmpty)
        #expect(assembled.provenance(of: .fbp).map(\.origin) == [.withheldByConsent])
    }

    @Test func limitedDataUseIsVisibleInTheEvent() throws {
        var session = Self.session
        session.consent = ConsentSignal(status: .granted, limitedDataUse: .california)
        let template = ServerEvent(
            eventName: .purchase, eventTime: Timestamp(seconds: 1), actionSource: .website, userData: UserData())
        let event = try #require(UserDataAssembler().makeEvent(template, customer: Self.customer, session: session).event)
        #expect(event.dataProcessingOptions == ["LDU"])
        #expect(event.dataProcessingOptionsCountry == 1)
        #expect(event.dataProcessingOptionsState == 1_000)
        let json = String(decoding: try CAPIJSON.encode(event), as: UTF8.self)
        #expect(
            json.contains(
                #""data_processing_options":["LDU"],"data_processing_options_country":1,"data_processing_options_state":1000"#))

        let granted = try #require(UserDataAssembler().makeEvent(template, customer: Self.customer, session: Self.session).event)
        #expect(granted.dataProcessingOptions == [])
        #expect(granted.dataProcessingOptionsCountry == nil)
    }

    @Test func coverageCountsKeysAndRejections() {
        var coverage = MatchKeyCoverage()
        let assembled = UserDataAssembler().assemble(Self.customer, session: Self.session)
        coverage.record(eventName: .purchase, assembled: assembled)
        var denied = Self.session
        denied.consent = .denied
        coverage.record(eventName: .purchase, assembled: UserDataAssembler().assemble(Self.customer, session: denied))
        let counters = coverage[.purchase]
        #expect(counters.events == 2)
        #expect(counters.count(of: .email) == 1)
        #expect(counters.share(of: .fbc) == 0.5)
        #expect(counters.rejections[.email]?["invalid_email"] == 1)
        #expect(counters.rejections[.email]?["withheld_by_consent"] == 3)
        #expect(counters.rejections[.clientIPAddress]?["non_public_address"] == 1)
    }

    @Test func customerRecordsAreRedacted() {
        let text = "\(Self.customer) \(String(reflecting: Self.customer))"
        #expect(!text.contains("gmail"))
        #expect(!text.contains("Mary"))
        #expect(!text.contains("7946"))
        #expect(Self.customer.description == "CustomerRecord(<redacted>: em×3, ph×1, fn, ln, ct, st, zp, country, external_id)")
    }

    @Test func sessionsAndRequestsAreRedacted() {
        let text = "\(Self.session) \(String(reflecting: Self.session))"
        #expect(!text.contains("198.51.100.7") && !text.contains("Mozilla") && !text.contains("IwAR"))
        #expect(
            Self.session.description
                == "SessionContext(consent: granted, <redacted>: fbc, fbp, visitor_id, ip×3, user_agent)")
        let request = BrowserRequest(url: "https://x.example/?email=jane@example.com", fbcCookie: "fb.1.1.secret")
        #expect(!"\(request)".contains("jane") && !String(reflecting: request).contains("secret"))
    }

    @Test(arguments: [
        (nil as RegionCode?, "GB", "GB" as RegionCode?),
        ("US", "GB", "US"),
        (nil, "United Kingdom", "GB"),
        (nil, "UK", "GB"),
        (nil, "USA", "US"),
        (nil, "GBR", "GB"),
        (nil, "\u{00A0}Deutschland\n", "DE"),
        (nil, " de ", "DE"),
        (nil, "XX", nil),
        (nil, "Atlantis", nil),
        (nil, nil, nil),
    ])
    func regionFallback(explicit: RegionCode?, country: String?, expected: RegionCode?) {
        #expect(CustomerRecord(country: country, phoneRegion: explicit).effectiveRegion == expected)
    }

    /// The customer's country in the forms CRMs store it gives the phone region, and the
    /// result says which region was used and where it came from.
    @Test(arguments: [
        ("United Kingdom" as String?, nil as RegionCode?, "GB" as RegionCode?, ResolvedRegion.Source.country),
        ("UK", nil, "GB", .country),
        ("GBR", "US", "GB", .country),
        ("Atlantis", "GB", "GB", .defaultRegion),
        (nil, "GB", "GB", .defaultRegion),
    ])
    func phoneRegionFromTheCountryInAnyForm(
        country: String?, defaultRegion: RegionCode?, region: RegionCode?, source: ResolvedRegion.Source
    ) throws {
        let normalizer = IdentityNormalizer(configuration: .init(defaultPhoneRegion: defaultRegion))
        let assembler = UserDataAssembler(normalizer: normalizer)
        let assembled = assembler.assemble(
            CustomerRecord(phones: ["07911 123456"], country: country),
            session: SessionContext(consent: .granted))
        #expect(assembled.userData.phones == [try normalizer.hash("+447911123456", as: .phone)])
        #expect(assembled.provenance(of: .phone).map(\.origin) == [.hashed])
        #expect(assembled.region == ResolvedRegion(region: try #require(region), source: source))
    }

    @Test func aBareInternationalNumberIsReadAsSuchAndSaysSo() throws {
        let assembled = UserDataAssembler().assemble(
            CustomerRecord(phones: ["16505551212", "+44 20 7946 0958"]),
            session: SessionContext(consent: .granted))
        #expect(assembled.region == nil)
        #expect(assembled.userData.phones.count == 2)
        let entries = assembled.provenance(of: .phone)
        #expect(entries.map(\.origin) == [.hashed, .hashed])
        #expect(entries.map(\.reason) == ["read_as_international", nil])
        #expect(assembled.rejections.isEmpty)
    }
}
