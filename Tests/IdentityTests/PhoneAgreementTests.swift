import CAPIModel
import Foundation
import Identity
import Testing

/// Agreement with libphonenumber, measured on answers computed by libphonenumber itself
/// (its Python port `phonenumbers` 9.0.43):
///
/// - `Vectors/phones-public.jsonl`: 2,000 vectors shared with other implementations, made with `phonenumbers`;
/// - `Vectors/phones-corpus.jsonl`: a slice of the corpus `Scripts/phone/make-corpus.py`
///   writes (every region and number type, in every written form, perturbed, plus invalid
///   and unparseable input). `Scripts/phone/accuracy.sh` runs this suite on the full
///   corpus by pointing `ROASPROOF_PHONE_CORPUS` at it.
///
/// Targets: the E.164 digits agree on at least 99.5% of the numbers libphonenumber
/// considers valid, and at least 95% of the inputs it cannot parse are rejected.
@Suite struct PhoneAgreementTests {
    struct Record: Decodable {
        let input: String
        let region: String?
        let e164: String?
        let valid: Bool
        /// The corpus's category (see Scripts/phone/make-corpus.py); nil in phones-public.
        let kind: String?
    }

    struct Figures: CustomStringConvertible {
        var valid = 0, validAgreeing = 0
        var unparseable = 0, unparseableRejected = 0
        var parsedInvalid = 0, parsedInvalidAgreeing = 0, parsedInvalidRejected = 0
        var readAsInternational = 0, readAsInternationalAccepted = 0
        var disagreements: [String] = []
        var perKind: [String: (valid: Int, agreeing: Int)] = [:]

        var validAgreement: Double { Double(validAgreeing) / Double(max(valid, 1)) }
        var rejection: Double { Double(unparseableRejected) / Double(max(unparseable, 1)) }

        var description: String {
            String(
                format: "valid: %d/%d agree (%.3f%%); unparseable: %d/%d rejected (%.2f%%); "
                    + "parsed but invalid: %d, of which %d give libphonenumber's digits and %d are rejected; "
                    + "00 + number without a region: %d/%d read as international",
                validAgreeing, valid, validAgreement * 100, unparseableRejected, unparseable, rejection * 100,
                parsedInvalid, parsedInvalidAgreeing, parsedInvalidRejected, readAsInternationalAccepted,
                readAsInternational)
        }
    }

    static func load(_ url: URL) throws -> [Record] {
        let text = try String(contentsOf: url, encoding: .utf8)
        let decoder = JSONDecoder()
        return try text.split(separator: "\n").map { try decoder.decode(Record.self, from: Data($0.utf8)) }
    }

    static func vectorURL(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: "jsonl", subdirectory: "Vectors"))
    }

    static func measure(_ records: [Record]) -> Figures {
        let normalizer = IdentityNormalizer()
        var figures = Figures()
        for record in records {
            let region = record.region.flatMap { RegionCode($0) }
            let ours: String?
            do {
                switch try normalizer.normalize(record.input, as: .phone, region: region) {
                case .normalized(let digits): ours = digits
                case .alreadyHashed: ours = nil
                }
            } catch {
                ours = nil
            }
            let theirs = record.e164.map { String($0.dropFirst()) }
            if record.valid {
                figures.valid += 1
                let kind = record.kind ?? "-"
                figures.perKind[kind, default: (0, 0)].valid += 1
                if ours == theirs {
                    figures.validAgreeing += 1
                    figures.perKind[kind, default: (0, 0)].agreeing += 1
                } else if figures.disagreements.count < 40 {
                    figures.disagreements.append(
                        "\(record.input.debugDescription) region \(record.region ?? "nil"): "
                            + "ours \(ours ?? "rejected"), libphonenumber \(theirs ?? "rejected")")
                }
            } else if theirs == nil, record.kind == "double-zero-without-region" {
                // libphonenumber cannot parse `00 CC …` without a region; RoasProof reads it as
                // international when the rest is a valid number (docs/Phone.md, "Which country").
                figures.readAsInternational += 1
                if ours != nil { figures.readAsInternationalAccepted += 1 }
            } else if theirs == nil {
                figures.unparseable += 1
                if ours == nil { figures.unparseableRejected += 1 }
            } else {
                figures.parsedInvalid += 1
                if ours == theirs { figures.parsedInvalidAgreeing += 1 }
                if ours == nil { figures.parsedInvalidRejected += 1 }
            }
        }
        return figures
    }

    @Test func sharedPublicVectors() throws {
        let records = try Self.load(Self.vectorURL("phones-public"))
        #expect(records.count == 2_000)
        let figures = Self.measure(records)
        print("phones-public.jsonl: \(figures)")
        for line in figures.disagreements { print("  disagreement: \(line)") }
        #expect(figures.validAgreement >= 0.995)
        #expect(figures.rejection >= 0.95)
    }

    /// The committed corpus slice, or the full corpus when `ROASPROOF_PHONE_CORPUS` names one
    /// (Scripts/phone/accuracy.sh).
    @Test func libphonenumberCorpus() throws {
        let url: URL
        if let path = ProcessInfo.processInfo.environment["ROASPROOF_PHONE_CORPUS"] {
            url = URL(fileURLWithPath: path)
        } else {
            url = try Self.vectorURL("phones-corpus")
        }
        let records = try Self.load(url)
        #expect(records.count > 5_000)
        let figures = Self.measure(records)
        print("\(url.lastPathComponent) (\(records.count) records): \(figures)")
        for (kind, counts) in figures.perKind.sorted(by: { $0.key < $1.key }) {
            print(String(format: "  %@: %d/%d valid numbers agree", kind, counts.agreeing, counts.valid))
        }
        for line in figures.disagreements { print("  disagreement: \(line)") }
        #expect(figures.validAgreement >= 0.995)
        #expect(figures.rejection >= 0.95)
    }
}
