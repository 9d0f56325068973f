import CAPIModel
import Identity
import Matching
import Testing

/// The assembler derives `f5first`, `fi`, `f5last`, `dobd`, `dobm` and `doby` from the name
/// and date of birth the app gives, as Meta's Business SDKs send them.
@Suite struct DerivedKeyAssemblyTests {
    static let session = SessionContext(consent: .granted, userAgent: "Mozilla/5.0 (X11; Linux x86_64)")

    /// Meta's Python SDK (facebook-business 26.0.3), `Normalize.normalize_field(field, value)`:
    /// f5first and fi of "Élodie", f5last of "Müller", dobd "7", dobm "3", doby "1990".
    static let sdk: [UserDataKey: String] = [
        .firstNamePrefix: "8422e409ff553492990f6c597c9125d46672694287e803e3b0fa7a3ea148fca3",
        .firstInitial: "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c",
        .lastNamePrefix: "e1dad4b87d4031db0ff7e07b2bf9dafa8e119bb51f33d4f2729d0c9e6886dcb8",
        .dayOfBirth: "19b100ab7725c612f3d80ff203ca53cea5cadaafae3bf0f88f0fb4089fe08815",
        .monthOfBirth: "0b8efa5a3bf104413a725c6ff0459a6be12b1fd33314cbb138745baf39504ae5",
        .yearOfBirth: "a7be8e1fe282a37cd666e0632b17d933fa13f21addf4798fc0455bc166e2488c",
    ]

    static let customer = CustomerRecord(
        emails: ["elodie@example.com"], firstName: " Élodie ", lastName: "MÜLLER", dateOfBirth: "03/07/1990", country: "FR")

    @Test func everyEventCarriesTheDerivedKeys() throws {
        let assembled = UserDataAssembler().assemble(Self.customer, session: Self.session)
        let data = assembled.userData
        #expect(data.firstNamePrefix?.hexString == Self.sdk[.firstNamePrefix])
        #expect(data.firstInitial?.hexString == Self.sdk[.firstInitial])
        #expect(data.lastNamePrefix?.hexString == Self.sdk[.lastNamePrefix])
        #expect(data.dayOfBirth?.hexString == Self.sdk[.dayOfBirth])
        #expect(data.monthOfBirth?.hexString == Self.sdk[.monthOfBirth])
        #expect(data.yearOfBirth?.hexString == Self.sdk[.yearOfBirth])
        // The sources themselves are unchanged.
        let normalizer = IdentityNormalizer()
        #expect(data.firstNames == [try normalizer.hash("Élodie", as: .firstName)])
        #expect(data.datesOfBirth == [try normalizer.hash("19900307", as: .dateOfBirth)])
        // One entry per derived key, right after its source, in user_data key order.
        for key in Self.sdk.keys { #expect(assembled.provenance(of: key).map(\.origin) == [.hashed]) }
        #expect(
            assembled.provenance.map(\.key) == [
                .email, .firstName, .firstNamePrefix, .firstInitial, .lastName, .lastNamePrefix, .dateOfBirth, .dayOfBirth,
                .monthOfBirth, .yearOfBirth, .country, .clientUserAgent,
            ])
        #expect(assembled.provenance.map(\.key) == assembled.provenance.map(\.key).sorted())
        // Each is sent as one string, as the SDKs send them.
        let event = ServerEvent(eventName: .purchase, eventTime: Timestamp(seconds: 1), actionSource: .website, userData: data)
        let json = String(decoding: try CAPIJSON.encode(event), as: UTF8.self)
        #expect(json.contains(#""f5first":"\#(Self.sdk[.firstNamePrefix]!)""#))
        #expect(json.contains(#""dobd":"\#(Self.sdk[.dayOfBirth]!)""#))
    }

    @Test func nothingIsDerivedFromAValueThatIsNotSent() throws {
        let hashedName = try IdentityNormalizer().hash("Élodie", as: .firstName).hexString.uppercased()
        let customer = CustomerRecord(firstName: hashedName, lastName: "!!", dateOfBirth: "31/02/1990")
        let assembled = UserDataAssembler().assemble(customer, session: Self.session)
        // A name that arrives hashed passes through; nothing is left to cut.
        #expect(assembled.provenance(of: .firstName).map(\.origin) == [.passedThrough])
        #expect(assembled.userData.firstNamePrefix == nil && assembled.userData.firstInitial == nil)
        // Rejected sources give no derived keys and no entries for them.
        #expect(assembled.provenance(of: .lastName).map(\.reason) == ["empty"])
        #expect(assembled.provenance(of: .dateOfBirth).map(\.reason) == ["impossible_date"])
        let derived: [UserDataKey] = [.firstNamePrefix, .firstInitial, .lastNamePrefix, .dayOfBirth, .monthOfBirth, .yearOfBirth]
        for key in derived {
            #expect(!assembled.userData.contains(key))
            #expect(assembled.provenance(of: key).isEmpty)
        }
    }

    @Test func consentWithholdsDerivedKeysWithTheirSourceOrAlone() {
        var policy = ConsentPolicy()
        policy.granted = .send(withholding: [.firstName, .dayOfBirth])
        let assembled = UserDataAssembler(consentPolicy: policy).assemble(Self.customer, session: Self.session)
        let data = assembled.userData
        // Withholding fn withholds what is cut from it: nothing of the first name is sent.
        #expect(data.firstNames.isEmpty && data.firstNamePrefix == nil && data.firstInitial == nil)
        #expect(assembled.provenance(of: .firstName).map(\.origin) == [.withheldByConsent])
        #expect(assembled.provenance(of: .firstNamePrefix).isEmpty)
        // A derived key can be withheld on its own.
        #expect(data.dayOfBirth == nil && data.monthOfBirth != nil && data.yearOfBirth != nil && !data.datesOfBirth.isEmpty)
        #expect(assembled.provenance(of: .dayOfBirth).map(\.origin) == [.withheldByConsent])
    }

    @Test func coverageCountsTheDerivedKeys() {
        var coverage = MatchKeyCoverage()
        coverage.record(eventName: .purchase, assembled: UserDataAssembler().assemble(Self.customer, session: Self.session))
        for key in Self.sdk.keys { #expect(coverage[.purchase].count(of: key) == 1) }
    }
}
