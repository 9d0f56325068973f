import CAPIModel
import FoundationEssentials
import Identity

/// The `capi hash --jsonl` contract: one JSON object in, one JSON line out, whatever the input.
struct HashLineProcessor {
    let normalizer: IdentityNormalizer
    private let decoder = JSONDecoder()

    init(normalizer: IdentityNormalizer) {
        self.normalizer = normalizer
    }

    static let fieldList = HashedUserDataKey.allCases.map(\.rawValue).joined(separator: ", ")

    /// One input line. `value` may be a string or a number (zip codes and phone numbers
    /// often arrive as numbers); `region` is optional.
    struct Input: Decodable {
        var field: String?
        var value: String?
        var valueIsInvalid = false
        var region: String?

        enum CodingKeys: String, CodingKey { case field, value, region }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            field = try? container.decodeIfPresent(String.self, forKey: .field)
            region = try? container.decodeIfPresent(String.self, forKey: .region)
            if let text = try? container.decodeIfPresent(String.self, forKey: .value) {
                value = text
            } else if let number = try? container.decodeIfPresent(Int64.self, forKey: .value) {
                value = String(number)
            } else if container.contains(.value), (try? container.decodeNil(forKey: .value)) != true {
                valueIsInvalid = true
            }
        }
    }

    /// Appends exactly one output line (with its newline) for `line`: an error line when it
    /// is too long or not UTF-8.
    mutating func process(_ line: InputLine, into out: inout [UInt8]) {
        switch line {
        case .text(let text):
            process(line: text, into: &out)
        case .unreadable(let problem):
            writeError(field: nil, code: problem.code, message: problem.message, into: &out)
        }
    }

    /// Appends exactly one output line (with its newline) for `line`.
    mutating func process(line: String, into out: inout [UInt8]) {
        let input: Input
        do {
            input = try decoder.decode(Input.self, from: Data(line.utf8))
        } catch {
            writeError(
                field: nil, code: "malformed_line",
                message: "the line is not a JSON object; expected {\"field\":\"em\",\"value\":\"...\"}", into: &out)
            return
        }
        guard let field = input.field else {
            writeError(
                field: nil, code: "missing_field", message: "the line has no \"field\" string; use one of \(Self.fieldList)",
                into: &out)
            return
        }
        guard let key = HashedUserDataKey(rawValue: field) else {
            writeError(field: field, code: "unknown_field", message: "unknown field; use one of \(Self.fieldList)", into: &out)
            return
        }
        guard let value = input.value, !input.valueIsInvalid else {
            writeError(
                field: field, code: input.valueIsInvalid ? "invalid_value" : "missing_value",
                message: "the line needs a \"value\" string (or integer) to normalize", into: &out)
            return
        }
        var region: RegionCode? = nil
        if let text = input.region {
            guard let code = HashCommand.regionCode(named: text) else {
                writeError(
                    field: field, code: "invalid_region",
                    message: "\"region\" must name a country: a code such as GB or GBR, or a name such as United Kingdom",
                    into: &out)
                return
            }
            region = code
        }
        do {
            let (normalized, hash) = try normalizer.normalizeAndHash(value, as: key, region: region)
            out.append(contentsOf: #"{"field":"#.utf8)
            JSONString.append(field, to: &out)
            out.append(contentsOf: #","normalized":"#.utf8)
            switch normalized {
            case .normalized(let text): JSONString.append(text, to: &out)
            case .alreadyHashed(let passed): JSONString.append(passed.hexString, to: &out)
            }
            out.append(contentsOf: #","hash":"#.utf8)
            JSONString.append(hash.hexString, to: &out)
            if key == .phone, (try? normalizer.process(value, as: key, region: region))?.readAsInternational == true {
                // Bare digits without +, no valid national number: read as international.
                out.append(contentsOf: #","note":"read_as_international""#.utf8)
            }
            out.append(contentsOf: "}\n".utf8)
        } catch {
            writeError(field: field, code: error.code.rawValue, message: error.message, into: &out)
        }
    }

    private func writeError(field: String?, code: String, message: String, into out: inout [UInt8]) {
        out.append(contentsOf: #"{"field":"#.utf8)
        if let field { JSONString.append(field, to: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: #","error":"#.utf8)
        JSONString.append(code, to: &out)
        out.append(contentsOf: #","message":"#.utf8)
        JSONString.append(message, to: &out)
        out.append(contentsOf: "}\n".utf8)
    }
}
