import ArgumentParser
import CAPIModel
import Identity

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `capi hash`: normalize and hash customer information the way RoasProof sends it.
struct HashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash",
        abstract:
            "Normalize and SHA-256 hash customer information (em, ph, fn, ln, ge, db, ct, st, zp, country, external_id, f5first, f5last, fi, dobd, dobm, doby).",
        discussion: """
            Single value:   capi hash em 'John_Smith@Gmail.com'
                            capi hash ph '020 7946 0958' --region GB

            JSON lines:     capi hash --jsonl < input.jsonl > output.jsonl
              reads  {"field":"em","value":"...","region":"GB"}   (region optional)
              writes {"field":"em","normalized":"...","hash":"<64 hex>"}
                     (phones read as international without +: "note":"read_as_international")
                  or {"field":"em","error":"<code>","message":"..."}
              exactly one output line per input line, in order; rejected or malformed
              lines give an error line and the exit status stays 0. A line that is not
              valid UTF-8 (error invalid_utf8) or is longer than 1 MiB (line_too_long) is
              reported, never repaired or held whole.
            """
    )

    @Flag(name: .long, help: "Read JSON lines from standard input and write one result line per input line.")
    var jsonl = false

    @Option(name: .long, help: "Region for national phone numbers and zip codes, such as GB or US.")
    var region: String?

    @Option(
        name: .long, help: "Region used for national phone numbers when neither the number nor --region/\"region\" names one.")
    var defaultRegion: String?

    @Flag(name: .long, help: "Also print the normalized value (it is personal data: do not log it).")
    var showNormalized = false

    @Argument(help: "The key: em, ph, fn, ln, ge, db, ct, st, zp, country, external_id, f5first, f5last, fi, dobd, dobm or doby.")
    var field: String?

    @Argument(help: "The raw value to normalize and hash.")
    var value: String?

    func validate() throws {
        if jsonl {
            guard field == nil, value == nil else {
                throw ValidationError("--jsonl reads values from standard input; do not also pass a field and value.")
            }
        } else {
            guard field != nil, value != nil else {
                throw ValidationError("pass a field and a value (capi hash em 'a@b.com'), or --jsonl to read JSON lines.")
            }
        }
        if let region, Self.regionCode(named: region) == nil {
            throw ValidationError("--region must name a country: a code such as GB or GBR, or a name such as 'United Kingdom'.")
        }
        if let defaultRegion, Self.regionCode(named: defaultRegion) == nil {
            throw ValidationError(
                "--default-region must name a country: a code such as GB or GBR, or a name such as 'United Kingdom'.")
        }
    }

    func run() throws {
        let normalizer = IdentityNormalizer(
            configuration: .init(defaultPhoneRegion: defaultRegion.flatMap(Self.regionCode(named:))))
        if jsonl {
            var processor = HashLineProcessor(normalizer: normalizer)
            var output = BufferedOutput()
            let reader = try LineReader(path: nil)
            while let line = reader.next() {
                processor.process(line, into: &output.buffer)
                output.flushIfLarge()
            }
            output.flush()
            return
        }
        guard let field, let value else { return }
        guard let key = HashedUserDataKey(rawValue: field) else {
            throw ValidationError("unknown field '\(field)'; use one of \(HashLineProcessor.fieldList).")
        }
        do {
            let region = region.flatMap(Self.regionCode(named:))
            let (normalized, hash) = try normalizer.normalizeAndHash(value, as: key, region: region)
            if showNormalized {
                switch normalized {
                case .normalized(let text): print("normalized: \(text)")
                case .alreadyHashed: print("normalized: (already hashed, passed through)")
                }
                if key == .phone, (try? normalizer.process(value, as: key, region: region))?.readAsInternational == true {
                    print("note: written without + and no valid national number, so read as an international number")
                }
            }
            print(hash.hexString)
        } catch {
            printToStandardError("capi: \(error)")
            throw ExitCode(65)  // EX_DATAERR
        }
    }
}

/// Collects output bytes and writes them to standard output in large blocks.
struct BufferedOutput {
    var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(1 << 17) }

    mutating func flushIfLarge() {
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        writeAll(buffer, to: STDOUT_FILENO)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Writes every byte to a file descriptor, retrying short writes and EINTR.
func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
    bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return  // a closed pipe: nothing useful can be done
            }
            offset += written
        }
    }
}

func printToStandardError(_ text: String) {
    writeAll(Array((text + "\n").utf8), to: STDERR_FILENO)
}

extension HashCommand {
    /// A region named in any form the `country` key accepts (`GB`, `UK`, `GBR`, `United Kingdom`),
    /// or any other two-letter code (a region libphonenumber knows that ISO 3166-1 does not).
    static func regionCode(named text: String) -> RegionCode? {
        RegionCode(country: text) ?? RegionCode(text)
    }
}
