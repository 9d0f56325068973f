import DeliveryDashboard
import Testing

@Suite("Terminal text")
struct TerminalTextTests {
    @Test func controlSequencesAreShownNotObeyed() {
        let hostile = "bad\u{1B}]0;pwned\u{07}\u{1B}[2J"
        #expect(TerminalText.escape(hostile) == #"bad\u{1B}]0;pwned\u{7}\u{1B}[2J"#)
        #expect(TerminalText.escape("a\nb\rc\td") == #"a\nb\rc\td"#)
        #expect(TerminalText.escape("\u{0}\u{7F}\u{80}\u{9B}\u{9F}") == #"\u{0}\u{7F}\u{80}\u{9B}\u{9F}"#)
        #expect(TerminalText.escape("x\u{202E}gnp.exe\u{2066}\u{2028}") == #"x\u{202E}gnp.exe\u{2066}\u{2028}"#)
    }

    @Test func printableTextIsUnchanged() {
        for text in ["", "Purchase ord_84213", "Müller · 日本 ▉ 100%", #"{"a":"\u00e9"} \ back\slash"#, "\u{A0}\u{200D}👩‍💻"] {
            #expect(TerminalText.escape(text) == text)
        }
    }

    @Test func everyScalarAfterEscapingIsSafe() {
        let all = String(String.UnicodeScalarView((0...0x2100).compactMap(Unicode.Scalar.init)))
        let escaped = TerminalText.escape(all)
        #expect(!escaped.unicodeScalars.contains(where: TerminalText.needsEscape))
        #expect(TerminalText.escapeLines("a\u{1B}\nb\u{9B}") == "a\\u{1B}\nb\\u{9B}")
    }

    @Test func tableCellsAreEscaped() {
        var table = TextTable(columns: [.init("NAME"), .init("N", alignment: .right)])
        table.append(["x\u{1B}[2J", "1"])
        #expect(table.render() == "NAME        N\nx\\u{1B}[2J  1\n")
    }
}
