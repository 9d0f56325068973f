import CAPIModel
import Foundation
import Identity
import Testing

/// The exact texts of rejections. The normalizers now report plain-value failures and the
/// public error is built from them; every key, code, message and description must read as
/// before (these strings were produced by the previous implementation).
@Suite struct RejectionTextTests {
    static let cases: [(String, HashedUserDataKey, RegionCode?, String)] = [
        (
            "", .email, nil,
            "em rejected (empty): nothing is left after normalization; leave the key out instead of sending an empty value"
        ),
        (
            String(repeating: "a", count: 1_025), .firstName, nil,
            "fn rejected (too_long): the value is longer than 1024 bytes; pass the single value, not a document"
        ),
        (
            "not an email", .email, nil,
            "em rejected (invalid_email): not an email address of the form local@domain.tld; check for typos, spaces or a missing @"
        ),
        (
            "xyz", .gender, nil,
            "ge rejected (unknown_gender): not a recognized word for female or male; send f or m, or leave the key out"
        ),
        (
            " ", .gender, nil,
            "ge rejected (empty): nothing is left after normalization; leave the key out instead of sending an empty value"
        ),
        (
            "hello", .dateOfBirth, nil,
            "db rejected (invalid_date): no day, month and year could be read; send the date as YYYYMMDD"
        ),
        (
            "1850-01-01", .dateOfBirth, nil,
            "db rejected (impossible_date): the date does not exist or its year is not between 1900 and 2024; check the day, month and year"
        ),
        (
            "2031-02-30", .dateOfBirth, nil,
            "db rejected (impossible_date): the date does not exist or its year is not between 1900 and 2024; check the day, month and year"
        ),
        (
            "123 Main", .city, nil,
            "ct rejected (invalid_city): a city name must start with a letter; check that the field holds the city, not a street or zip code"
        ),
        (
            "Atlantis", .country, nil,
            "country rejected (unknown_country): not an ISO 3166-1 country code or a known country name; send the two-letter code, such as de or us"
        ),
        (
            "--", .country, nil,
            "country rejected (empty): nothing is left after normalization; leave the key out instead of sending an empty value"
        ),
        (
            "12$45", .zipCode, nil,
            "zp rejected (invalid_zip_code): a zip or postal code holds only letters and digits; remove other characters"
        ),
        ("1", .zipCode, nil, "zp rejected (invalid_zip_code): a zip or postal code has at least two characters"),
        (
            "-", .zipCode, nil,
            "zp rejected (empty): nothing is left after normalization; leave the key out instead of sending an empty value"
        ),
        (
            "...", .firstName, nil,
            "fn rejected (empty): nothing is left after normalization; leave the key out instead of sending an empty value"
        ),
        (
            "020 7946 0958", .phone, nil,
            "ph rejected (missing_region): a national number needs its country: write it with + and the country calling code, pass the customer's country as region, or configure a default phone region"
        ),
        (
            "020 7946 0958", .phone, "XX",
            "ph rejected (unknown_region): region XX has no telephone numbering plan and names no country; pass a country code such as GB, or write the number with + and its country calling code"
        ),
        (
            "020 7946 0958", .phone, "QQ",
            "ph rejected (unknown_region): region QQ has no telephone numbering plan and names no country; pass a country code such as GB, or write the number with + and its country calling code"
        ),
        (
            "94105", .state, nil,
            "st rejected (invalid_state): a state or province has letters; check that the field holds the state (such as CA), not a zip code"
        ),
        (
            "+999 1234 5678", .phone, nil,
            "ph rejected (unknown_region): the digits after + or the international prefix are no assigned country calling code; check the country code"
        ),
        (
            "+0 20 7946 0958", .phone, nil,
            "ph rejected (unknown_region): the digits after + or the international prefix are no assigned country calling code; check the country code"
        ),
        (
            "00999 1234 5678", .phone, "DE",
            "ph rejected (unknown_region): the digits after + or the international prefix are no assigned country calling code; check the country code"
        ),
        (
            "555-1234", .phone, "US",
            "ph rejected (impossible_length): a 7-digit number in +1 (US) is a local number without its area code; add the area code"
        ),
        (
            "+44 20 7946", .phone, nil,
            "ph rejected (impossible_length): a 6-digit number in +44 (GB) is a local number without its area code; add the area code"
        ),
        (
            "+44 20 7946 0958 0958 0958", .phone, nil,
            "ph rejected (impossible_length): the value is too long for a phone number (more than 17 digits, or more than 250 characters); pass a single number"
        ),
        (
            "+1 201 555 01234", .phone, nil,
            "ph rejected (impossible_length): no number in +1 (US) has 11 digits after the country code; check for missing or extra digits, or for the wrong country"
        ),
        (
            "+44 1", .phone, nil,
            "ph rejected (impossible_length): the national number has fewer than two digits; check for missing digits"
        ),
        (
            "hello", .phone, "US",
            "ph rejected (invalid_phone): the value does not look like a phone number; it needs at least three digits, with only spaces, dashes, dots, slashes or brackets between them"
        ),
        (
            "1", .phone, "US",
            "ph rejected (invalid_phone): the value does not look like a phone number; it needs at least three digits, with only spaces, dashes, dots, slashes or brackets between them"
        ),
        (
            "+", .phone, nil,
            "ph rejected (invalid_phone): the value does not look like a phone number; it needs at least three digits, with only spaces, dashes, dots, slashes or brackets between them"
        ),
        (
            String(repeating: "1", count: 300), .phone, "US",
            "ph rejected (impossible_length): the value is too long for a phone number (more than 17 digits, or more than 250 characters); pass a single number"
        ),
        (
            "+800 1234", .phone, nil,
            "ph rejected (impossible_length): no number in +800 has 4 digits after the country code; check for missing or extra digits, or for the wrong country"
        ),
        (
            "0044 1", .phone, "GB",
            "ph rejected (impossible_length): the national number has fewer than two digits; check for missing digits"
        ),
        (
            "+44 0", .phone, nil,
            "ph rejected (impossible_length): the national number has fewer than two digits; check for missing digits"
        ),
        (
            String(repeating: "9", count: 40), .phone, "US",
            "ph rejected (impossible_length): the value is too long for a phone number (more than 17 digits, or more than 250 characters); pass a single number"
        ),
        (
            "tel:123;phone-context=", .phone, nil,
            "ph rejected (invalid_phone): the value does not look like a phone number; it needs at least three digits, with only spaces, dashes, dots, slashes or brackets between them"
        ),
    ]

    @Test func rejectionsReadAsBefore() {
        var configuration = IdentityNormalizer.Configuration()
        configuration.latestBirthYear = 2024
        let normalizer = IdentityNormalizer(configuration: configuration)
        for (value, key, region, expected) in Self.cases {
            do {
                _ = try normalizer.hash(value, as: key, region: region)
                Issue.record("accepted \(value.prefix(30).debugDescription)")
            } catch {
                #expect(error.description == expected, "\(value.prefix(30).debugDescription)")
                #expect(error.description == "\(error.key.rawValue) rejected (\(error.code.rawValue)): \(error.message)")
                #expect(error.key == key)
            }
            // The other entry points report the same error.
            guard let error = Self.error(normalizer, value, key, region) else { continue }
            #expect(throws: error) { _ = try normalizer.normalize(value, as: key, region: region) }
            #expect(throws: error) {
                _ = try normalizer.process(value, as: key, region: region)
            }
            #expect(throws: error) { _ = try normalizer.normalizeAndHash(value, as: key, region: region) }
            if key == .phone {
                #expect(throws: error) { _ = try PhoneNumber.parse(value, region: region) }
            }
        }
    }

    static func error(
        _ normalizer: IdentityNormalizer, _ value: String, _ key: HashedUserDataKey, _ region: RegionCode?
    )
        -> NormalizationError?
    {
        do {
            _ = try normalizer.hash(value, as: key, region: region)
            return nil
        } catch {
            return error
        }
    }
}

/// RegionCode keeps its letters inline now; it must behave as the String-backed type did.
@Suite struct RegionCodeStorageTests {
    @Test func codesFromEveryKindOfText() throws {
        let text = "gb"
        let fromString = RegionCode(text)
        let fromSubstring = RegionCode("xgbx".dropFirst().dropLast())
        let fromLiteral: RegionCode = "GB"
        #expect(fromString == fromLiteral && fromSubstring == fromLiteral)
        #expect(fromString?.hashValue == fromLiteral.hashValue)
        #expect(fromLiteral.rawValue == "GB" && fromLiteral.description == "GB")
        let mixed = "Us"
        #expect(RegionCode(mixed)?.rawValue == "US")
        for bad in ["", "G", "GBR", "G1", "é", "  ", "g b"] as [String] {
            #expect(RegionCode(bad) == nil, "\(bad)")
            #expect(RegionCode(Substring(bad)) == nil, "\(bad)")
        }
        let data = try JSONEncoder().encode(["region": fromLiteral])
        #expect(String(decoding: data, as: UTF8.self) == #"{"region":"GB"}"#)
        #expect(try JSONDecoder().decode([String: RegionCode].self, from: Data(#"{"r":"de"}"#.utf8))["r"]?.rawValue == "DE")
        #expect(PhoneNumber.countryCode(for: "GB") == 44 && PhoneNumber.isSupportedRegion("US"))
        #expect(!PhoneNumber.isSupportedRegion("ZZ"))
    }
}
