import CAPIModel
import Identity
import Testing

/// `f5first`, `f5last`, `fi`, `dobd`, `dobm` and `doby`, the keys Meta's Business SDKs send
/// beside the name and date of birth, checked against Meta's Python SDK
/// (facebook-business 26.0.3, `Normalize.normalize_field`).
@Suite struct DerivedKeyTests {
    let normalizer = IdentityNormalizer()

    /// A name and the SDK's f5first (= f5last) and fi hashes of it.
    ///
    /// Made with: `from facebook_business.adobjects.serverside.normalize import Normalize`;
    /// `Normalize.normalize_field("f5first", name)`, `Normalize.normalize_field("fi", name)`.
    static let nameVectors: [(name: String, f5: String, fi: String)] = [
        (
            "Jonathan", "fa209de2ff067c4f2fc822234b0ca9c205d59762b24a9f7fe561c62d4dc14035",
            "189f40034be7a199f1fa9891668ee3ab6049f82d38c68be70f596eab2e1857b7"
        ),
        (
            "  Anna ", "55579b557896d0ce1764c47fed644f9b35f58bad620674af23f356d80ed0c503",
            "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
        ),
        (
            "Élodie", "8422e409ff553492990f6c597c9125d46672694287e803e3b0fa7a3ea148fca3",
            "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c"
        ),
        (
            "Zoë", "2752b88686847fa5c86f47b94ce652b7b3f22a91c37617d451a4db9afa431450",
            "594e519ae499312b29433b7dd8a97ff068defcba9755b6d5d00e84c524d67b06"
        ),
        (
            "Łukasz", "b03f555933078e9abb22edde4abdea9b5276cfe08dbbff08338a4f15735ced76",
            "6bd022e87d92407bdc51339598d8578ce666e8f33dcce747bfdebae2b5d9459b"
        ),
        (
            "Ольга", "0218a0099082ccad5eb89fcf294aba6e1254dbb9d0b448b595b8afa747626fe3",
            "50338c005c41fb4e6e6b74c9f7f8d0f56ae08517102498639f8a610b06cd9859"
        ),
        (
            "Александр", "4a22878208a9ebd634bf85c2e0674e1f449903c9199d24eff75e484cb9e7f7c7",
            "823c4eb3e895adc925a755d89cea1c6c46954c999d23604e0091788b75496159"
        ),
        (
            "李小龍", "c1fa1a5fd31b2a5c1b478ed7f1cac6eb14a044dcaba1d81215fc72c54eacbef6",
            "c16667ca7839a011a548628372ac24f56500a68088eac17e3e7ee6edf9c54125"
        ),
        (
            "Νίκος", "37f1e5973a64173e654c48a74f09c082b53b02ab8bcc7041ff5f27787c13c269",
            "704c595ba547439421532eace48cd5e6bc59ad0c3a1779f166a754695f7e88b2"
        ),
        (
            "Müller", "e1dad4b87d4031db0ff7e07b2bf9dafa8e119bb51f33d4f2729d0c9e6886dcb8",
            "62c66a7a5dd70c3146618063c344e531e6d4b59e379808443ce962b3abd63c5a"
        ),
        (
            "Øyvind", "07cdc4b8fe7b32a28b499ada5bc95c56285e6e4e7fadfa1d68a9eb683c948139",
            "d48b452a88ac264c8b303ab6ecd9e7d12e38fa4b8cd21aa104b5b3acf83accf3"
        ),
        (
            "Ñandú", "43dbd6bf7148e6e6584eee6d8b61ab8e5dd76374c4587cdabd50a3274e11f9d3",
            "024bb90888ca89a15a19e9bdd8c712bfb070465fce1ef25e43c170ea44fc5e5f"
        ),
        (
            "İlkay", "2b1a5b4286329ad9a70661f7cba08e6003555af9c17a17baa734b42646d6ec3c",
            "de7d1b721a1e0632b7cf04edf5032c8ecffa9f9a08492152b926f1a5a7e765d7"
        ),
        (
            "Sjöström", "28330e4460f08a755d776cc25980a320525aea0ac5513ffc12e1e686a76b1014",
            "043a718774c572bd8a25adbeb1bfcd5c0256ae11cecf9f9c3f925d0e52beaf89"
        ),
        (
            "Al", "6351825030155836664876686dcff61b6a91254a0458537072a1b26ad151b5ce",
            "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
        ),
        (
            "محمد", "0cb4c9b21062de4d2c0edd48efc9fa86b97fdc8a6a4e7fa7092544f84e121f61",
            "988ada1c5b979ec64d5e52f89028403777059b2d2e6fd60f350e44481858aa90"
        ),
        (
            "Đorđe", "b2f11917fdf7996ee8a765a6114b47768dc2d384612c0f72b3d82e4aab1f1748",
            "bf502a39582f3ed3530d27b1687b8f250a933b0526842dd148ee4ad227255427"
        ),
    ]

    @Test(arguments: nameVectors)
    func namePrefixesHashAsMetasPythonSDK(_ vector: (name: String, f5: String, fi: String)) throws {
        #expect(try normalizer.hash(vector.name, as: .firstNamePrefix).hexString == vector.f5)
        #expect(try normalizer.hash(vector.name, as: .lastNamePrefix).hexString == vector.f5)
        #expect(try normalizer.hash(vector.name, as: .firstInitial).hexString == vector.fi)
    }

    /// `Normalize.normalize_field(field, value)` of the SDK.
    @Test(arguments: [
        ("dobd", "7", "19b100ab7725c612f3d80ff203ca53cea5cadaafae3bf0f88f0fb4089fe08815"),
        ("dobd", "07", "19b100ab7725c612f3d80ff203ca53cea5cadaafae3bf0f88f0fb4089fe08815"),
        ("dobd", "31", "eb1e33e8a81b697b75855af6bfcdbcbf7cbbde9f94962ceaec1ed8af21f5a50f"),
        ("dobm", "3", "0b8efa5a3bf104413a725c6ff0459a6be12b1fd33314cbb138745baf39504ae5"),
        ("dobm", "12", "6b51d431df5d7f141cbececcf79edf3dd861c3b4069f0b11661a3eefacbba918"),
        ("doby", "1990", "a7be8e1fe282a37cd666e0632b17d933fa13f21addf4798fc0455bc166e2488c"),
        ("doby", "2001", "85d6385b945c0d602103db39b0b654b2af93b5127938e26a959c123f0789b948"),
    ])
    func birthDatePartsHashAsMetasPythonSDK(_ field: String, _ value: String, _ expected: String) throws {
        let key = try #require(HashedUserDataKey(rawValue: field))
        #expect(try normalizer.hash(value, as: key).hexString == expected)
        #expect(try normalizer.hash(" \(value)\u{00A0}", as: key).hexString == expected)
    }

    @Test func namePrefixesAreCutFromTheNormalizedName() throws {
        // Five Unicode scalars of what fn hashes, so f5first is always a prefix of fn.
        for name in ["Jean-Luc", "Mary Ann", "O’Connor", "jose\u{301}", "ΟΔΥΣΣΕΑΣ", "Zoë", "X", "Ἀλέξανδρος"] {
            guard case .normalized(let full) = try normalizer.normalize(name, as: .firstName) else {
                Issue.record("\(name) read as a hash")
                continue
            }
            let five = String(String.UnicodeScalarView(full.unicodeScalars.prefix(5)))
            let one = String(String.UnicodeScalarView(full.unicodeScalars.prefix(1)))
            #expect(try normalizer.normalize(name, as: .firstNamePrefix) == .normalized(five))
            #expect(try normalizer.normalize(name, as: .lastNamePrefix) == .normalized(five))
            #expect(try normalizer.normalize(name, as: .firstInitial) == .normalized(one))
        }
        // Where the SDK, which cuts the lowercased input, differs (docs/Normalization.md): the
        // punctuation and space go before cutting here, as they do for fn.
        #expect(try normalizer.normalize("Jean-Luc", as: .firstNamePrefix) == .normalized("jeanl"))
        #expect(try normalizer.normalize("Mary Ann", as: .firstNamePrefix) == .normalized("marya"))
    }

    @Test(arguments: [
        ("32", HashedUserDataKey.dayOfBirth), ("0", .dayOfBirth), ("007", .dayOfBirth), ("1st", .dayOfBirth),
        ("3 1", .dayOfBirth), ("-5", .dayOfBirth), ("13", .monthOfBirth), ("00", .monthOfBirth), ("March", .monthOfBirth),
        ("90", .yearOfBirth), ("1850", .yearOfBirth), ("2999", .yearOfBirth), ("19900", .yearOfBirth),
        ("1990-03-07", .yearOfBirth),
    ])
    func birthDatePartsOutOfRangeAreRejected(_ value: String, _ key: HashedUserDataKey) {
        do {
            let hash = try normalizer.hash(value, as: key)
            Issue.record("\(key) accepted \(value.debugDescription) as \(hash)")
        } catch {
            #expect(error.key == key)
            #expect(error.code == .invalidDate)
            #expect(error.message.contains(key.rawValue))
            // (Values of one or two digits may appear in the message's own examples.)
            if value.count >= 3 { #expect(!error.description.contains(value)) }
        }
    }

    @Test func birthDatePartsReadDigitsOfAnyScript() throws {
        #expect(try normalizer.normalize("０７", as: .dayOfBirth) == .normalized("07"))
        #expect(try normalizer.normalize("٣", as: .monthOfBirth) == .normalized("03"))
        #expect(throws: NormalizationError.self) { try normalizer.hash(" \u{3000} ", as: .dayOfBirth) }
    }
}
