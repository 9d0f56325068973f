import BenchmarkData
import CAPIModel
import Foundation
import Identity

// Writes the benchmarks' generated customers as JSON Lines, one customer per line, so that
// Scripts/python-baselines.py runs the Python peers over exactly the same inputs:
//
//   swift run --package-path Benchmarks -c release benchmark-data [count] [seed] > /tmp/customers.jsonl
//
// Each line also carries what RoasProof makes of the phone number (E.164 digits) and the
// date of birth (YYYYMMDD), for the script's agreement check and the derived date keys.

/// A customer and RoasProof's normalized phone number and date of birth.
struct Line: Encodable {
    let customer: VariedCustomer
    let phoneE164: String?
    let dateOfBirth: String?

    enum CodingKeys: String, CodingKey {
        case phoneE164 = "roasproof_phone_e164", dateOfBirth = "roasproof_date_of_birth"
    }

    func encode(to encoder: any Encoder) throws {
        try customer.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(phoneE164, forKey: .phoneE164)
        try container.encodeIfPresent(dateOfBirth, forKey: .dateOfBirth)
    }
}

func normalized(_ value: String, as key: HashedUserDataKey, region: RegionCode? = nil) -> String? {
    guard case .normalized(let text)? = try? IdentityNormalizer().normalize(value, as: key, region: region) else { return nil }
    return text
}

let arguments = CommandLine.arguments.dropFirst()
let count = arguments.first.flatMap(Int.init) ?? 4_096
let seed = arguments.dropFirst().first.flatMap(UInt64.init) ?? VariedCustomers.defaultSeed
let encoder = JSONEncoder()
encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
var output = Data()
for customer in VariedCustomers.generate(count: count, seed: seed) {
    let line = Line(
        customer: customer, phoneE164: normalized(customer.phone, as: .phone, region: RegionCode(customer.phoneRegion)),
        dateOfBirth: normalized(customer.dateOfBirth, as: .dateOfBirth))
    output.append(try encoder.encode(line))
    output.append(UInt8(ascii: "\n"))
}
FileHandle.standardOutput.write(output)
