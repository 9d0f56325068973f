/// Escaping for outside text (Graph's `message` and `fbtrace_id`, response bodies, stored
/// event names and ids) printed on a terminal, as ``HTMLText`` is for HTML.
///
/// A terminal acts on control characters: `ESC ] 0 ; … BEL` retitles the window, `ESC [ 2 J`
/// clears it, a carriage return overwrites the line, and a line break starts a new line that
/// can pass for the tool's own output. ``escape(_:)`` shows each such character as text
/// instead, so what a server or a stored event says is printed, never obeyed.
///
/// ```swift
/// TerminalText.escape("bad\u{1B}]0;pwned\u{07}")   // bad\u{1B}]0;pwned\u{7}
/// ```
public enum TerminalText {
    /// `text` with every character a terminal could act on shown as an escape:
    ///
    /// - C0 control characters and DEL: `\n`, `\r` and `\t` as such, the others as `\u{1B}`;
    /// - C1 control characters (U+0080–U+009F): some terminals read U+009B as `ESC [` and
    ///   U+009D as `ESC ]`;
    /// - the line and paragraph separators U+2028 and U+2029;
    /// - the bidirectional formatting characters (U+061C, U+200E, U+200F, U+202A–U+202E,
    ///   U+2066–U+2069), which reorder the rest of the line as displayed ("Trojan Source").
    ///
    /// Everything else, including a backslash, is kept as it is. Text with none of these
    /// characters is returned unchanged.
    public static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return out
    }

    /// Multi-line text (a response body, an indented payload): each line escaped with
    /// ``escape(_:)``, the line breaks (`\n`) kept.
    public static func escapeLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) }.joined(separator: "\n")
    }

    /// JSON text made safe for a terminal and still the same JSON: every character
    /// ``needsEscape(_:)`` names (inside a JSON document they can only be in strings) is
    /// written as a `\uXXXX` escape, which JSON readers decode back to the same string.
    public static func escapeJSON(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: needsEscape) else { return json }
        var out = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            if needsEscape(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// True for the characters ``escape(_:)`` rewrites.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
