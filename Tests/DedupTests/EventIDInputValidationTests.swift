import Testing

@testable import Dedup

/// The word-at-a-time ``EventIDInputValidation/validate(_:field:)`` against the rules written
/// out plainly in ``EventIDInputValidation/validatePlainly(_:field:)``.
@Suite struct EventIDInputValidationTests {
    /// What each version says about `text`: nil when it is accepted.
    static func outcomes(_ text: String) -> (fast: EventIDError?, plain: EventIDError?) {
        var fast: EventIDError? = nil
        var plain: EventIDError? = nil
        do throws(EventIDError) { try EventIDInputValidation.validate(text, field: .key) } catch { fast = error }
        do throws(EventIDError) { try EventIDInputValidation.validatePlainly(text, field: .key) } catch { plain = error }
        return (fast, plain)
    }

    /// Characters each rule is about, ASCII and not, one to four bytes long.
    static let pieces = [
        " ", "\t", "\n", "\r", "\0", "\u{1F}", "\u{7F}", "\u{85}", "\u{A0}", "\u{2028}", "\u{2029}", "\u{3000}",
        "\u{200B}", "\u{FEFF}", "é", "😀", "~", "a", "#",
    ]

    @Test func aSpecialCharacterAtEveryPositionOfEveryWordLength() {
        var rejected = 0
        for length in 0...20 {
            let base = Array(repeating: Character("x"), count: length)
            for position in 0...length {
                for piece in Self.pieces {
                    var inserted = base
                    inserted.insert(contentsOf: piece, at: position)
                    for text in [
                        String(inserted),
                        position < length ? String(base[..<position]) + piece + String(base[(position + 1)...]) : "",
                    ] {
                        let (fast, plain) = Self.outcomes(text)
                        #expect(fast == plain, "\(text.debugDescription)")
                        if fast != nil { rejected += 1 }
                    }
                }
            }
        }
        #expect(rejected > 1_000)
    }

    @Test func twoSpecialCharactersAtTheEdges() {
        for first in Self.pieces {
            for last in Self.pieces {
                for length in 0...9 {
                    let text = first + String(repeating: "x", count: length) + last
                    let (fast, plain) = Self.outcomes(text)
                    #expect(fast == plain, "\(text.debugDescription)")
                }
            }
        }
    }

    @Test func lengthsAroundTheLimit() {
        for length in (EventID.maximumKeyLength - 10)...(EventID.maximumKeyLength + 10) {
            for tail in ["", "é", " ", "\t", "😀"] {
                let text = String(repeating: "k", count: length - tail.utf8.count) + tail
                let (fast, plain) = Self.outcomes(text)
                #expect(fast == plain, "\(length) \(tail.debugDescription)")
                if length > EventID.maximumKeyLength { #expect(fast?.code == .tooLong) }
            }
        }
    }

    @Test func everyRuleIsReached() {
        let expected: [(String, EventIDError.Code?)] = [
            ("", .empty), (String(repeating: "k", count: 201), .tooLong), ("a\tb", .controlCharacters),
            (" ord", .surroundingWhitespace), ("ord\u{85}1", .controlCharacters), ("ord\u{A0}", .surroundingWhitespace),
            ("ord 1", nil), ("commande-é", nil),
        ]
        for (text, code) in expected {
            let (fast, plain) = Self.outcomes(text)
            #expect(fast?.code == code && plain?.code == code, "\(text.debugDescription)")
            #expect(fast.map(\.field) ?? .key == .key)
        }
    }
}
