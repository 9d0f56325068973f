// Fuzzes every normalizer. The first byte picks the key, the second an optional region;
// the rest is the value (invalid UTF-8 included: Swift repairs it, as it would for a value
// read from a request).
//
// Invariants checked on every input:
// - a rejection names the key it was asked for and never quotes a long input;
// - an accepted value is non-empty and hashes to SHA-256 of its normalized text;
// - normalizing the normalized text again gives the same text (for `ph`, with a `+`);
// - the one-pass normalize+hash agrees with normalize and hash called separately.
import CAPIModel
import Identity

let regions: [RegionCode?] = [nil, "US", "GB", "DE", "FR", "IN", "BR", "AU", "JP", "IT", "AR", "MX", "RU", "CA"]
let normalizer = IdentityNormalizer(configuration: .init())

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count >= 2 else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let key = HashedUserDataKey.allCases[Int(bytes[0]) % HashedUserDataKey.allCases.count]
    let region = regions[Int(bytes[1]) % regions.count]
    let value = String(decoding: bytes.dropFirst(2), as: UTF8.self)

    let normalized: NormalizedValue
    do {
        normalized = try normalizer.normalize(value, as: key, region: region)
    } catch {
        precondition(error.key == key, "rejection names another key")
        if value.utf8.count >= 12 {
            precondition(!error.message.contains(value) && !error.description.contains(value), "error quotes the value")
        }
        do {
            _ = try normalizer.hash(value, as: key, region: region)
            preconditionFailure("hash accepted what normalize rejected")
        } catch {}
        return 0
    }
    let hashed: HashedIdentifier
    do {
        hashed = try normalizer.hash(value, as: key, region: region)
        let pair = try normalizer.normalizeAndHash(value, as: key, region: region)
        precondition(pair.normalized == normalized && pair.identifier == hashed, "one-pass result differs")
    } catch {
        preconditionFailure("hash rejected what normalize accepted: \(error)")
    }
    switch normalized {
    case .alreadyHashed(let passed):
        precondition(passed == hashed, "pass-through changed")
    case .normalized(let text):
        precondition(!text.isEmpty, "empty normalized value")
        precondition(hashed.digest == SHA256.hash(text) && hashed.appendix == nil, "hash is not SHA-256 of the text")
        let again = key == .phone ? "+" + text : text
        guard case .normalized(let twice)? = try? normalizer.normalize(again, as: key, region: region) else {
            // A normalized value that is itself 64 hex characters passes through unchanged.
            if case .alreadyHashed? = try? normalizer.normalize(again, as: key, region: region), text.utf8.count == 64 {
                return 0
            }
            preconditionFailure("normalized value is rejected when normalized again (\(key))")
        }
        precondition(twice == text, "normalization is not idempotent for \(key)")
    }
    return 0
}
