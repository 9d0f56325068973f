import CAPIModel
import Identity
import DeliveryTesting
import Testing

/// The hot-path rewrites (the email shape automaton, the packed country and state tables)
/// checked against plain reference implementations of the documented rules, on many
/// generated inputs.
@Suite struct IdentityFastPathTests {
    let normalizer = IdentityNormalizer()

    // MARK: em

    enum Outcome: Equatable {
        case accepted(String)
        case rejected(NormalizationError.Code)
    }

    /// The shape rules, written out plainly: trim, lowercase, a dot-atom local part of 1 to
    /// 64 bytes, `@`, two or more LDH labels of 1 to 63 bytes, at most 318 bytes in all.
    static func referenceEmail(_ input: String) -> Outcome {
        let whitespace: Set<Character> = [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}"]
        var text = Substring(input)
        while let first = text.first, whitespace.contains(first) { text.removeFirst() }
        while let last = text.last, whitespace.contains(last) { text.removeLast() }
        guard !text.isEmpty else { return .rejected(.empty) }
        let lower = String(text).lowercased()
        let atext = Set("abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~-")
        let ldh = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        let parts = lower.split(separator: "@", omittingEmptySubsequences: false)
        guard lower.utf8.count <= 318, parts.count == 2 else { return .rejected(.invalidEmail) }
        let local = parts[0]
        let domain = parts[1]
        let atoms = local.split(separator: ".", omittingEmptySubsequences: false)
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard local.utf8.count <= 64, domain.utf8.count <= 253,
            atoms.allSatisfy({ !$0.isEmpty && $0.allSatisfy(atext.contains) }),
            labels.count >= 2,
            labels.allSatisfy({
                !$0.isEmpty && $0.utf8.count <= 63 && $0.allSatisfy(ldh.contains) && $0.first != "-" && $0.last != "-"
            })
        else { return .rejected(.invalidEmail) }
        return .accepted(lower)
    }

    func actualEmail(_ input: String) -> Outcome {
        do {
            guard case .normalized(let text) = try normalizer.normalize(input, as: .email) else {
                return .rejected(.tooLong)  // never expected: no generated input is a hash
            }
            return .accepted(text)
        } catch {
            return .rejected(error.code)
        }
    }

    @Test func emailShapeMatchesTheRulesOnGeneratedInput() {
        var generator = SeededGenerator(seed: 7)
        let pieces = ["a", "Z", "0", "9", "-", ".", "@", "_", "!", "~", " ", "\t", "x", "b.c", "@d.e", "A-b", ",", "\""]
        var accepted = 0
        for _ in 0..<60_000 {
            var input = ""
            for _ in 0..<Int(generator.next() % 14) { input += generator.pick(pieces) }
            let expected = Self.referenceEmail(input)
            #expect(actualEmail(input) == expected, "\(input.debugDescription)")
            if case .accepted = expected { accepted += 1 }
        }
        #expect(accepted > 1_000)  // the generator reaches valid addresses, not only rejections
    }

    @Test(arguments: [60, 61, 62, 63, 64, 65, 66, 70])
    func emailLengthLimits(length: Int) {
        let part = String(repeating: "a", count: length)
        for input in [
            "\(part)@example.com",  // local part
            "j@\(part).com", "j@example.\(part)", "j@a.\(part).b",  // labels
            "j@" + Array(repeating: String(repeating: "d", count: 60), count: 4).joined(separator: ".") + ".\(part)",  // domain
            part + "@" + Array(repeating: String(repeating: "d", count: 62), count: 4).joined(separator: ".") + ".io",  // whole
        ] {
            #expect(actualEmail(input) == Self.referenceEmail(input), "\(input)")
        }
    }

    // MARK: hashing in place

    @Test func valuesOfEveryLengthHashAsTheirNormalizedText() throws {
        // The normalized bytes are padded and hashed where the normalizer wrote them when
        // they fit two SHA-256 blocks (up to 119 bytes), and copied otherwise.
        for length in 1...300 {
            let value = String(repeating: "x1", count: length / 2) + (length % 2 == 1 ? "z" : "")  // never hex
            let hashed = try normalizer.hash(value, as: .externalID)
            #expect(hashed == HashedIdentifier(digest: Identity.SHA256.hash(value)), "length \(length)")
        }
    }

    // MARK: ge

    /// The gender words, ASCII ones (a copy of the documented lists): the reference for the
    /// packed-table lookup.
    static let maleWords: Set<String> = [
        "m", "male", "man", "boy", "gentleman", "guy", "sir", "mister", "mr", "son", "father", "dad", "daddy", "papa", "uncle",
        "nephew", "brother", "husband", "boyfriend", "groom", "widower", "king", "prince", "duke", "count", "emperor", "god",
        "lord", "lad", "fellow", "chap", "bloke", "dude", "he", "him", "his", "himself", "masculino", "masculin", "maennlich",
        "maschio", "maschile", "herr", "hombre", "homme",
    ]
    static let femaleWords: Set<String> = [
        "f", "female", "woman", "girl", "lady", "miss", "ms", "mrs", "madam", "maam", "daughter", "mother", "mom", "mama",
        "mommy", "aunt", "niece", "sister", "wife", "girlfriend", "bride", "widow", "queen", "princess", "duchess", "countess",
        "empress", "goddess", "maiden", "lass", "gal", "chick", "dame", "belle", "she", "her", "hers", "herself", "femenino",
        "feminino", "feminin", "weiblich", "femmina", "femminile", "frau", "mujer", "femme",
    ]

    @Test func genderWordsMatchAPlainLookup() {
        var generator = SeededGenerator(seed: 5)
        let words =
            Array(Self.maleWords) + Array(Self.femaleWords) + [
                "", "x", "mal", "females", "herrr", "mrmrs", "m1",
                "gentlemangentleman", "unknown", "abcdefghijklmnopq",
            ]
        let decorations = ["", ".", " ", "'", "-", "1", "  "]
        for word in words {
            for _ in 0..<6 {
                // Random case, and punctuation, spaces or a digit inside and around.
                var text = ""
                for character in word {
                    text += generator.next() % 2 == 0 ? character.uppercased() : String(character)
                    if generator.next() % 5 == 0 { text += generator.pick(decorations) }
                }
                text = generator.pick(decorations) + text + generator.pick(decorations)
                let key = String(text.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) })
                let expected: Outcome =
                    Self.maleWords.contains(key)
                    ? .accepted("m")
                    : Self.femaleWords.contains(key)
                        ? .accepted("f")
                        : key.isEmpty ? .rejected(.empty) : .rejected(.unknownGender)
                let actual: Outcome
                do {
                    if case .normalized(let value) = try normalizer.normalize(text, as: .gender) {
                        actual = .accepted(value)
                    } else {
                        actual = .rejected(.tooLong)
                    }
                } catch {
                    actual = .rejected(error.code)
                }
                #expect(actual == expected, "\(text.debugDescription)")
            }
        }
    }

    // MARK: country, st

    @Test func countryNamesMatchAPlainLookup() {
        // Every spelling the normalizer knows must come out as the same code whatever the
        // case or punctuation, and near misses must be rejected.
        let samples: [(String, String?)] = [
            ("GB", "gb"), ("gb", "gb"), ("UK", "gb"), ("U.K.", "gb"), ("GBR", "gb"), ("United Kingdom", "gb"),
            ("united-kingdom", "gb"), ("USA", "us"), ("U.S.A.", "us"), ("United States of America", "us"),
            ("unitedstatesminoroutlyingislands", "um"), ("Deutschland", "de"), ("Germany", "de"),
            ("Österreich", "at"), ("Belgique", "be"), ("Россия", "ru"), ("ZZ", nil), ("Atlantis", nil),
            ("G B", "gb"), ("g1b", "gb"), ("Unitedkingdomx", nil), ("abcdefghijklmnopq", nil),
            ("Saint Vincent and the Grenadines", "vc"), ("Vatican", "va"),
        ]
        for (input, code) in samples {
            switch code {
            case let code?:
                #expect((try? normalizer.normalize(input, as: .country)) == .normalized(code), "\(input)")
            case nil:
                #expect(throws: NormalizationError.self, "\(input)") { try normalizer.normalize(input, as: .country) }
            }
        }
        #expect(
            throws: NormalizationError(
                key: .country, code: .empty,
                message: "nothing is left after normalization; leave the key out instead of sending an empty value")
        ) { try normalizer.normalize(" -. ", as: .country) }
    }

    @Test func stateNamesMatchAPlainLookup() {
        let samples: [(String, String)] = [
            ("California", "ca"), ("CA", "ca"), ("N.Y.", "ny"), ("New York", "ny"), ("New York State", "ny"),
            ("washington dc", "dc"), ("District of Columbia", "dc"), ("Washington District of Columbia", "dc"),
            ("Northern Mariana Islands", "mp"), ("Newfoundland and Labrador", "nl"), ("Québec", "qc"),
            ("Quebec", "qc"), ("New South Wales", "newsouthwales"), ("LND", "lnd"), ("NSW2", "nsw2"),
            ("N1", "n1"), ("Z9Z", "zz"), ("Bavaria", "bavaria"), ("A very long region name 12", "averylongregionname12"),
            ("unitedstatesvirginislands", "vi"), ("Armed Forces Europe", "ae"),
        ]
        for (input, expected) in samples {
            #expect((try? normalizer.normalize(input, as: .state)) == .normalized(expected), "\(input)")
        }
        // No letter, no state: both paths refuse digits only.
        for input in ["75", "７５", "1", "94105"] {
            #expect((try? normalizer.normalize(input, as: .state)) == nil, "\(input)")
        }
    }
}

extension SeededGenerator {
    /// One of `items`, picked with the generator's next value (the same as before it replaced
    /// a copy of SplitMix64 here).
    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
}
