import CAPIModel
import Identity
import PropertyBased
import Testing

/// Properties of every normalizer over generated input (x-sheep/swift-property-based):
/// idempotence, hash = SHA-256 of the normalized text, pass-through of existing hashes, and
/// errors that never quote the input.
@Suite("Normalization properties")
struct NormalizationPropertyTests {
    static let normalizer = IdentityNormalizer()

    /// Fragments that reach each normalizer's interesting paths (and plenty of junk).
    static let fragments: [HashedUserDataKey: [String]] = [
        .email: [
            "a", "Z", "john", ".", "_", "+", "-", "@", "@", "example", "gmail", ".com", ".co.uk", " ", "É", "ß", "İ",
            "1", "\"", "(", ")", "\u{0}", "\u{301}", "ｍ", "xn--", "..", "\t",
        ],
        .phone: [
            "+", "+", "0", "1", "2", "4", "7", "9", "00", "44", "20", "7946", "0958", "(0)", " ", "-", ".", "(", ")",
            "ext", "x", "#", "tel:", "٣", "５", "A", "\u{0}", "/",
        ],
        .firstName: ["a", "J", "é", "ß", "İ", "ǅ", " ", "-", "'", ".", "1", "Ö", "ﬃ", "\u{301}", "李", "ا", "\u{0}", "🎉"],
        .lastName: ["O", "'", "Brien", "van", " ", "der", "-", "Mc", "é", "ß", "İ", "1", "\u{0}", "\u{301}", "ΣΑΣ"],
        .gender: ["f", "m", "F", "M", "female", "male", "Female", "woman", "man", "x", " ", "\u{0}", "1", "é"],
        .dateOfBirth: [
            "1", "9", "0", "2", "19", "20", "1990", "2001", "-", "/", ".", " ", "12", "31", "02", "29", "Jan",
            "january", "T", "\u{0}", "00",
        ],
        .city: ["New", " ", "York", "São", "Paulo", "-", "'", ".", "1", "St", "Ünter", "ß", "İ", "\u{0}", "\u{301}"],
        .state: ["CA", "ca", "California", "New", " ", "York", "Bayern", "-", ".", "1", "é", "\u{0}", "NY", "Île"],
        .zipCode: ["9", "4", "1", "0", "5", "-", " ", "SW1A", "1AA", "A", "b", "12345", "6789", ".", "\u{0}", "é"],
        .country: ["US", "us", "GB", "gb", "United", " ", "States", "Germany", "Deutschland", "XX", "U", "S", ".", "\u{0}"],
        .externalID: ["user", "-", "42", "ABC", " ", "_", "é", "İ", "\u{0}", "🎉", ".", "/", "\u{301}"],
        .firstNamePrefix: ["a", "J", "é", "ß", "İ", "ǅ", " ", "-", "'", ".", "1", "Ö", "ﬃ", "\u{301}", "李", "ا", "\u{0}", "🎉"],
        .firstInitial: ["a", "J", "é", "ß", "İ", "ǅ", " ", "-", "'", "ﬃ", "\u{301}", "李", "ا", "\u{0}"],
        .lastNamePrefix: ["O", "'", "Brien", "van", " ", "der", "-", "Mc", "é", "ß", "İ", "1", "\u{0}", "\u{301}", "ΣΑΣ"],
        .dayOfBirth: ["0", "1", "2", "3", "7", "9", " ", "\u{A0}", "٣", "０", "a", "-", "\u{0}"],
        .monthOfBirth: ["0", "1", "2", "3", "9", " ", "\u{3000}", "٣", "１", "b", "/", "\u{0}"],
        .yearOfBirth: ["1", "9", "0", "2", "19", "20", "99", " ", "x", "\u{0}", "１"],
    ]

    static func values(for key: HashedUserDataKey) -> Generator<String, AnySequence<Any>> {
        Gen.element(of: fragments[key]!).array(of: 0...10).map { $0.compactMap { $0 }.joined() }.eraseToAny()
    }

    static let regions: [RegionCode?] = [nil, "US", "GB", "DE", "FR", "IN", "BR", "JP", "IT", "AR", "MX"]

    @Test("normalize(normalize(x)) == normalize(x)", arguments: HashedUserDataKey.allCases)
    func idempotence(_ key: HashedUserDataKey) async {
        await propertyCheck(count: 400, input: Self.values(for: key), Gen.element(of: Self.regions)) { value, region in
            let region = region ?? nil
            guard case .normalized(let text)? = try? Self.normalizer.normalize(value, as: key, region: region) else { return }
            // A normalized phone number is E.164 digits; read it back as international.
            let again = key == .phone ? "+" + text : text
            switch try? Self.normalizer.normalize(again, as: key, region: region) {
            case .normalized(let twice)?:
                #expect(twice == text, "\(key): \(value.debugDescription) → \(text.debugDescription) → \(twice.debugDescription)")
            case .alreadyHashed?:
                #expect(text.utf8.count == 64, "\(key): only a 64-hex text may read as a hash")
            case nil:
                Issue.record("\(key): normalized text \(text.debugDescription) is refused when normalized again")
            }
        }
    }

    @Test("the hash is SHA-256 of the normalized text", arguments: HashedUserDataKey.allCases)
    func hashOfNormalizedText(_ key: HashedUserDataKey) async {
        await propertyCheck(count: 300, input: Self.values(for: key)) { value in
            do throws(NormalizationError) {
                let normalized = try Self.normalizer.normalize(value, as: key, region: "US")
                let hashed = try Self.normalizer.hash(value, as: key, region: "US")
                if case .normalized(let text) = normalized {
                    #expect(hashed == HashedIdentifier(digest: SHA256.hash(text)))
                }
            } catch {
                #expect(error.key == key)
                if value.utf8.count >= 12 {
                    #expect(!error.description.contains(value), "\(key) error quotes its input")
                }
            }
        }
    }

    static let digests = Gen<UInt64>.value(in: .min ... .max).array(of: 4)
        .map { words in SHA256Digest(words: (words[0], words[1], words[2], words[3])) }

    @Test("existing hashes pass through every key unchanged", arguments: HashedUserDataKey.allCases)
    func hashPassThrough(_ key: HashedUserDataKey) async {
        await propertyCheck(count: 200, input: Self.digests, Gen.bool, Gen.element(of: ["", " ", "\t", "  \n"])) {
            digest, uppercase, padding in
            let padding = padding ?? ""
            let hex = uppercase ? digest.hexString.uppercased() : digest.hexString
            let processed = try Self.normalizer.process(padding + hex + padding, as: key, region: "US")
            #expect(processed.identifier == HashedIdentifier(digest: digest))
            #expect(processed.origin == .passedThrough)
            // Passing the hash through again is stable.
            #expect(try Self.normalizer.hash(processed.identifier.hexString, as: key) == processed.identifier)
        }
    }

    @Test("param-builder values pass through unchanged", arguments: HashedUserDataKey.allCases)
    func paramBuilderPassThrough(_ key: HashedUserDataKey) async throws {
        await propertyCheck(count: 100, input: Self.digests, Gen.element(of: ["AQQAAQIB", "AQQCAQIB"])) {
            digest, appendix in
            let wire = digest.hexString + "." + (appendix ?? "AQQAAQIB")
            let hashed = try Self.normalizer.hash(wire, as: key)
            #expect(hashed.hexString == wire)
        }
    }
}
