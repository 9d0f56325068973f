import CAPIModel
import Identity
import Matching
import DeliveryTesting
import Testing

/// The word-at-a-time cookie scan and the packed provenance, checked against plain
/// reference implementations of the documented rules.
@Suite struct MatchingFastPathTests {

    enum Outcome: Equatable {
        case parsed(index: Int, time: Int64, payload: String, appendix: String?)
        case rejected(FacebookCookieError.Code)
    }

    /// capi-param-builder's rules plus RoasProof's two, written out plainly with `split`.
    static func reference(_ value: String) -> Outcome {
        let bytes = Array(value.utf8)
        guard !bytes.isEmpty else { return .rejected(.empty) }
        guard bytes.count <= FacebookCookie.maximumLength else { return .rejected(.tooLong) }
        let octets = Set((0x21...0x7E).map(UInt8.init)).subtracting([0x22, 0x2C, 0x3B, 0x5C])
        guard bytes.allSatisfy(octets.contains) else { return .rejected(.invalidCharacters) }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 || parts.count == 5 else { return .rejected(.wrongPartCount) }
        guard parts[0] == "fb" else { return .rejected(.badPrefix) }
        func number(_ part: Substring) -> Int64? {
            guard (1...18).contains(part.count), part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber) else { return nil }
            return Int64(part)
        }
        guard let index = number(parts[1]), index <= 1_000 else { return .rejected(.badSubdomainIndex) }
        guard let time = number(parts[2]) else { return .rejected(.badCreationTime) }
        guard !parts[3].isEmpty else { return .rejected(.emptyPayload) }
        var appendix: String? = nil
        if parts.count == 5 {
            let text = String(parts[4])
            let base64URL = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            guard ["AQ", "Ag", "Aw", "BA", "BQ", "Bg"].contains(text) || (text.count == 8 && text.allSatisfy(base64URL.contains))
            else { return .rejected(.invalidAppendix) }
            appendix = text
        }
        return .parsed(index: Int(index), time: time, payload: String(parts[3]), appendix: appendix)
    }

    static func actual(_ value: String) -> Outcome {
        do {
            let cookie = try FacebookCookie(parsing: value, as: .fbc)
            #expect(cookie.value == value)
            return .parsed(
                index: cookie.subdomainIndex, time: cookie.creationTime, payload: String(cookie.payload),
                appendix: cookie.appendix?.text)
        } catch {
            #expect(error.kind == .fbc)
            return .rejected(error.code)
        }
    }

    @Test func cookiesMatchTheRulesOnGeneratedInput() {
        var generator = SeededGenerator(seed: 11)
        let pieces = [
            "fb", ".", ".", "1", "0", "1712345678901", "IwAR2F4-dbP0l7Mn1IawQQGC", "AbC", "-", "_", "AQ", "Bg", "abcdEFGH",
            " ", ";", "\"", "\\", ",", "é", "\u{7F}", "\t", "~", "!", "+", "/",
        ]
        var parsed = 0
        for _ in 0..<40_000 {
            // Mostly well-formed starts, so every rule is reached, at every offset in a word.
            var value = generator.next() % 4 == 0 ? "" : "fb.1.1712345678901."
            for _ in 0..<Int(generator.next() % 12) { value += generator.pick(pieces) }
            let expected = Self.reference(value)
            #expect(Self.actual(value) == expected, "\(value.debugDescription)")
            if case .parsed = expected { parsed += 1 }
        }
        #expect(parsed > 1_000)
    }

    @Test func everyNonOctetIsFoundAtEveryPosition() {
        for length in 20...40 {
            for position in 0..<length {
                for bad in [0x00, 0x20, 0x22, 0x2C, 0x3B, 0x5C, 0x7F, 0x80, 0xFF] as [UInt8] {
                    var bytes = Array("fb.1.1712345678901.".utf8)
                    while bytes.count < length { bytes.append(UInt8(ascii: "x")) }
                    bytes[position] = bad
                    let value = String(decoding: bytes, as: UTF8.self)  // 0x80, 0xFF become U+FFFD, still not octets
                    #expect(Self.actual(value) == Self.reference(value), "\(value.debugDescription)")
                    #expect(Self.actual(value) == .rejected(.invalidCharacters), "\(value.debugDescription)")
                }
            }
        }
    }

    @Test func creationTimesOfEveryLength() throws {
        var generator = SeededGenerator(seed: 5)
        for length in 1...20 {
            for _ in 0..<50 {
                let digits = String((0..<length).map { _ in Character(String(generator.next() % 10)) })
                let value = "fb.1.\(digits).abc"
                #expect(Self.actual(value) == Self.reference(value), "\(value)")
                if length <= 18 {
                    #expect(try FacebookCookie(parsing: value, as: .fbc).creationTime == Int64(digits)!)
                }
                // One byte that is no digit, at each position (":" and "/" border the digits).
                for position in 0..<length {
                    for bad in [":", "/", "a", "~", "-"] {
                        var chars = Array(digits)
                        chars[position] = Character(bad)
                        let broken = "fb.1.\(String(chars)).abc"
                        #expect(Self.actual(broken) == .rejected(.badCreationTime), "\(broken)")
                    }
                }
            }
        }
    }

    @Test func provenanceRoundTripsThroughTheResult() {
        let entries = [
            KeyProvenance(key: .email, origin: .hashed),
            KeyProvenance(key: .email, origin: .rejected, reason: "invalid_email", message: "not an email"),
            KeyProvenance(key: .phone, origin: .withheldByConsent),
            KeyProvenance(key: .fbc, origin: .rejected, reason: "bad_prefix", message: nil),
            KeyProvenance(key: .fbc, origin: .synthesized, reason: nil, message: "note"),
            KeyProvenance(key: .fbp, origin: .passedThrough),
        ]
        var assembled = AssembledUserData(userData: UserData(), provenance: entries, consent: ConsentPolicy().decide(.granted))
        #expect(assembled.provenance == entries)
        #expect(assembled.provenance(of: .fbc) == Array(entries[3...4]))
        #expect(assembled.rejections == [entries[1], entries[3]])
        let same = AssembledUserData(userData: UserData(), provenance: entries, consent: ConsentPolicy().decide(.granted))
        #expect(same == assembled && same.hashValue == assembled.hashValue)
        let moved = AssembledUserData(
            userData: UserData(), provenance: [entries[0], entries[2], entries[1]] + entries[3...],
            consent: ConsentPolicy().decide(.granted))
        #expect(moved != assembled)
        assembled.provenance.append(KeyProvenance(key: .fbp, origin: .rejected, reason: "x", message: "y"))
        #expect(assembled.provenance == entries + [KeyProvenance(key: .fbp, origin: .rejected, reason: "x", message: "y")])
        #expect(assembled != same)
    }

    @Test func longProvenanceListsRoundTrip() {
        // The first twenty-four entries are kept inline, the rest in an array.
        let keys: [UserDataKey] = [.email, .phone, .firstName, .fbc, .externalID]
        let origins: [KeyProvenance.Origin] = [.hashed, .passedThrough, .synthesized, .rejected, .withheldByConsent]
        for length in [0, 1, 15, 16, 17, 23, 24, 25, 40] {
            let entries = (0..<length).map { i in
                KeyProvenance(
                    key: keys[i % keys.count], origin: origins[(i / 2) % origins.count],
                    reason: i % 7 == 3 ? "r\(i)" : nil, message: i % 5 == 4 ? "m\(i)" : nil)
            }
            let decision = ConsentPolicy().decide(.granted)
            let assembled = AssembledUserData(userData: UserData(), provenance: entries, consent: decision)
            #expect(assembled.provenance == entries)
            let again = AssembledUserData(userData: UserData(), provenance: entries, consent: decision)
            #expect(again == assembled && again.hashValue == assembled.hashValue)
            for changed in stride(from: 0, to: length, by: 4) {
                var other = entries
                other[changed] = KeyProvenance(key: .madid, origin: .hashed)
                #expect(AssembledUserData(userData: UserData(), provenance: other, consent: decision) != assembled)
            }
        }
    }

    @Test func emptyUserDataEqualsTheMemberwiseDefault() {
        let empty = UserData()
        let memberwise = UserData(emails: [], phones: [], clientIPAddress: nil)
        #expect(empty == memberwise && empty.hashValue == memberwise.hashValue)
        #expect(empty.isEmpty && empty.presentKeys.isEmpty)
    }
}

extension SeededGenerator {
    /// One of `items`, picked with the generator's next value (the same as before it replaced
    /// a copy of SplitMix64 here).
    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
}
