import CAPIModel
import Foundation
import Identity
import Testing

/// Checks every key against answers produced by running Meta's capi-param-builder
/// (Node.js) itself: `Vectors/param-builder.jsonl`, made by
/// `Scripts/param-builder-vectors/generate.js`.
///
/// Where RoasProof deliberately differs, the difference is listed below with its reason
/// (and in docs/Normalization.md). Any other disagreement fails the test.
@Suite struct ParamBuilderVectorTests {
    struct Vector: Decodable, CustomTestStringConvertible {
        let field: String
        let input: String
        let paramBuilder: String?
        let paramBuilderHash: String?
        enum CodingKeys: String, CodingKey {
            case field, input
            case paramBuilder = "param_builder"
            case paramBuilderHash = "param_builder_hash"
        }
        var testDescription: String { "\(field): \(input.debugDescription)" }
    }

    /// Our answer where it differs from capi-param-builder's: the normalized value, or nil
    /// for a rejection.
    static let deliberateDifferences: [String: [String: String?]] = [
        "em": [
            // Internationalized addresses (RFC 6531) are real addresses; the param-builder's ASCII-only pattern drops them.
            "JOSÉ@example.com": "josé@example.com",
            "user@münchen.de": "user@münchen.de",
            "ÜSER@EXAMPLE.COM": "üser@example.com",
            // A 32-hex value is not a SHA-256 hash (Meta wants SHA-256), and it is no email address.
            "098f6bcd4621d373cade4e832627b4f6": nil,
        ],
        "ph": [
            // Numbers without a country code never match; without a region they are rejected, not hashed.
            "(650)555-1212": nil,
            "0000": nil,
            "1(650)123-4567": nil,
            "01(650)123-4567": nil,
            // Vanity letters are digits (1-800-FLOWERS is 1-800-356-9377, a valid number when read as
            // international), and extensions are not part of the number.
            "1-800-FLOWERS": "18003569377",
            "+1-555-123-4567 ext. 123": "15551234567",
            // `+` must be followed by a calling code, and 0 starts none. (`0044 20 7946 0958` agrees:
            // without a region, 00 then a valid international number is read as one.)
            "+001 (616) 954-78 88": nil,
        ],
        "fn": [
            // Unicode punctuation and invisible format characters are removed like ASCII punctuation.
            "O’Connor": "oconnor",
            "Anne\u{200B}Marie": "annemarie",
            "Jean–Luc": "jeanluc",
            // Python's lowercase mapping: final sigma.
            "ΟΔΟΣ": "οδος",
            // Nothing left is rejected instead of hashing the empty string.
            "  ": nil, "...": nil,
        ],
        "ln": ["ΠΑΠΑΔΟΠΟΥΛΟΣ": "παπαδοπουλος"],
        "ct": [
            // Letters of every script are kept, as Meta's docs ask ("UTF-8 for special characters").
            "San José": "sanjosé", "São Paulo": "sãopaulo", "Москва": "москва", "Köln": "köln", "Zürich": "zürich",
            "Montréal": "montréal", "Québec City": "québeccity", "東京": "東京",
        ],
        "st": [
            // Exact names only: no substring guesses, no truncation to two letters.
            "Washington, D.C.": "dc",
            "Bavaria": "bavaria", "Bayern": "bayern", "New South Wales": "newsouthwales",
            "Île-de-France": "îledefrance", "Northern Territory": "northernterritory",
            "Californa": "californa", "Tokyo": "tokyo", "NSW": "nsw", "Québec": "qc",
            "District of Columbia": "dc", "Puerto Rico": "pr",
            "    C/a/lifo,rnia.  ": "ca",
        ],
        "zp": [
            // Meta: no spaces. And a one-character code is rejected.
            "NR9 5AL": "nr95al", "98 121-9431": "98121", "SW1A 1AA": "sw1a1aa", "K1A 0B1": "k1a0b1",
            "123456789": "12345",
            "-12345": nil, "1": nil,
        ],
        "country": [
            // Unknown values are rejected, not cut to two letters; names are matched exactly, not as substrings.
            "GermanyEurope": nil, "Zz": nil, "XX": nil, "Narnia": nil,
            "UK": "gb", "U.K.": "gb", "GBR": "gb", "DEU": "de", "Deutschland": "de", "Great Britain": "gb",
            "The Netherlands": "nl", "Korea, Republic of": "kr", "Czechia": "cz", "Türkiye": "tr", "Viet Nam": "vn",
            "España": "es", "Indiana": nil, "Côte d'Ivoire": "ci",
        ],
        "db": [
            // Dates that do not exist, and years before 1900, are rejected.
            "02/30/1990": nil, "99999999": nil, "1899-01-01": nil, "2/29/1900": nil, "29/02/2001": nil,
            // Eight digits that are no valid YYYYMMDD are read like three numbers; month names are understood.
            "16021997": "19970216", "December 31, 1990": "19901231", "31 Dec 1990": "19901231", "Dec 31 1990": "19901231",
        ],
        "ge": [
            // Punctuation is ignored when matching words.
            "Mr.": "m", "Ms.": "f",
        ],
        "external_id": [
            // A 32-hex value is not a SHA-256 hash (Meta wants SHA-256): it is hashed like any id.
            "098f6bcd4621d373cade4e832627b4f6": "098f6bcd4621d373cade4e832627b4f6"
        ],
    ]

    static func loadVectors() throws -> [Vector] {
        let url = try #require(Bundle.module.url(forResource: "param-builder", withExtension: "jsonl", subdirectory: "Vectors"))
        let text = try String(contentsOf: url, encoding: .utf8)
        let decoder = JSONDecoder()
        return try text.split(separator: "\n").map { try decoder.decode(Vector.self, from: Data($0.utf8)) }
    }

    static let vectors: [Vector] = (try? loadVectors()) ?? []

    @Test func vectorsAreLoaded() {
        #expect(Self.vectors.count > 250)
    }

    @Test(arguments: vectors)
    func agreesWithParamBuilderOrDiffersOnPurpose(vector: Vector) throws {
        let key = try #require(HashedUserDataKey(rawValue: vector.field))
        let normalizer = IdentityNormalizer()
        let ours: String?
        do {
            switch try normalizer.normalize(vector.input, as: key) {
            case .normalized(let text): ours = text
            case .alreadyHashed(let hash): ours = hash.hexString
            }
        } catch {
            #expect(error.key == key)
            #expect(!error.message.contains(vector.input) || vector.input.count < 3)
            ours = nil
        }
        let expected: String?
        if let difference = Self.deliberateDifferences[vector.field]?[vector.input] {
            expected = difference
        } else if let pbHash = vector.paramBuilderHash,
            pbHash == vector.input.trimmingCharacters(in: .whitespacesAndNewlines)
        {
            expected = pbHash  // a param-builder value with its appendix, passed through unchanged
        } else if let pbHash = vector.paramBuilderHash, pbHash.hasSuffix(".AQQAAQIB") {
            // Pass-through of a bare hash: lowercased; the param-builder also adds its own appendix, we do not.
            expected = String(pbHash.dropLast(9))
        } else {
            expected = vector.paramBuilder.flatMap { $0.isEmpty ? nil : $0 }
        }
        #expect(ours == expected)
        // When both sides hash, the hashes agree too (the param-builder adds an appendix).
        if let ours, ours == vector.paramBuilder, let pbHash = vector.paramBuilderHash, pbHash.hasSuffix(".AQQCAQIB") {
            let hash = try normalizer.hash(vector.input, as: key)
            #expect(pbHash.hasPrefix(hash.digest.hexString))
        }
    }
}
