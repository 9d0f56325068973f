import CAPIModel
import Identity
import Testing

/// Hostile input to every normalizer: a megabyte string, invalid UTF-8, NUL bytes and control
/// characters. Each gives a typed ``NormalizationError`` (or a clean hash) quickly, never a
/// crash, and no error quotes the input.
@Suite("Hostile input to the normalizers")
struct HostileIdentityInputTests {
    static let normalizer = IdentityNormalizer()

    /// Runs `body` and returns how long it took.
    static func timed(_ body: () -> Void) -> Duration {
        let start = ContinuousClock.now
        body()
        return ContinuousClock.now - start
    }

    @Test("a 1 MB value is refused as too long, in bounded time", arguments: HashedUserDataKey.allCases)
    func megabyteValue(_ key: HashedUserDataKey) {
        for filler in ["a", "7", "é", "\u{0}", " ", "@", "\u{301}"] {
            let value = String(repeating: filler, count: (1 << 20) / filler.utf8.count)
            let elapsed = Self.timed {
                #expect(throws: NormalizationError.self) { try Self.normalizer.hash(value, as: key, region: "US") }
                do throws(NormalizationError) {
                    _ = try Self.normalizer.normalize(value, as: key, region: "US")
                    Issue.record("a 1 MB \(key) value was accepted")
                } catch {
                    #expect(error.key == key)
                    #expect(error.code == .tooLong)
                    #expect(error.description.utf8.count < 300)
                }
            }
            // The length check comes before any work on the value: far below a millisecond in
            // practice; the bound only has to survive a loaded CI machine.
            #expect(elapsed < .seconds(1), "\(key) took \(elapsed) on 1 MB")
        }
    }

    /// Just under the limit, the slowest shapes still finish quickly (no quadratic paths).
    @Test("values at the length limit finish quickly", arguments: HashedUserDataKey.allCases)
    func atTheLimit(_ key: HashedUserDataKey) {
        let limit = IdentityNormalizer.maximumInputLength
        for filler in ["a", "1", "é", " ", "@.", "(0)", "+", "-", "\u{301}", "İ", "ﬃ", "🇬🇧", "\u{0}"] {
            let value = String(repeating: filler, count: limit / filler.utf8.count)
            let elapsed = Self.timed {
                for _ in 0..<20 { _ = try? Self.normalizer.hash(value, as: key, region: "GB") }
            }
            #expect(elapsed < .seconds(2), "\(key) × 20 took \(elapsed) on \(filler)")
        }
    }

    static let invalidUTF8: [[UInt8]] = [
        [0xFF], [0xC0, 0x80], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80, 0x80, 0x80],
        Array("john@example.com".utf8) + [0xFF], [0xF0, 0x9F, 0x98], Array("+44 20".utf8) + [0xC3] + Array(" 7946".utf8),
    ]

    /// Bytes that are not UTF-8 are repaired (U+FFFD) when they become a `String`; the
    /// normalizers then treat the replacement character like any other symbol.
    @Test("invalid UTF-8 gives a typed error or a hash of clean text", arguments: HashedUserDataKey.allCases)
    func invalidUTF8(_ key: HashedUserDataKey) {
        for bytes in Self.invalidUTF8 {
            let value = String(decoding: bytes, as: UTF8.self)
            do throws(NormalizationError) {
                let normalized = try Self.normalizer.normalize(value, as: key, region: "GB")
                if case .normalized(let text) = normalized {
                    #expect(!text.isEmpty)
                    #expect(text.utf8.allSatisfy { $0 >= 0x20 && $0 != 0x7F }, "\(key) kept a control byte")
                }
            } catch {
                #expect(error.key == key)
            }
        }
    }

    /// NUL and other control characters never reach a hash: they are refused or dropped. The
    /// exception is `external_id`, which is hashed as capi-param-builder hashes the browser's
    /// copy (lowercased, whitespace removed, everything else kept), so both sides agree.
    @Test(
        "NUL bytes and control characters never reach the hashed text",
        arguments: HashedUserDataKey.allCases.filter { $0 != .externalID })
    func controlCharacters(_ key: HashedUserDataKey) {
        let samples = [
            "john\u{0}@example.com", "\u{0}", "\u{0}\u{0}\u{0}", "John\u{0}Smith", "+44\u{0}2079460958", "1990-01-01\u{0}",
            "f\u{0}", "US\u{0}", "9410\u{0}5", "a\u{1B}[31mred", "line\nbreak", "tab\tbed", "\u{7F}del", "x\u{85}y",
        ]
        for value in samples {
            do throws(NormalizationError) {
                if case .normalized(let text) = try Self.normalizer.normalize(value, as: key, region: "US") {
                    #expect(!text.utf8.contains(0), "\(key) kept NUL")
                    #expect(text.utf8.allSatisfy { $0 >= 0x20 && $0 != 0x7F }, "\(key) kept a control byte")
                }
            } catch {
                #expect(error.key == key)
                if value.utf8.count >= 12 { #expect(!error.description.contains(value)) }
            }
        }
    }

    @Test func externalIDKeepsWhatTheBrowserKeeps() throws {
        let normalized = try Self.normalizer.normalize("User\u{0}-42\tX\u{1B}", as: .externalID)
        #expect(normalized == .normalized("user\u{0}-42x\u{1B}"))
    }
}
