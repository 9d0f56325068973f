public import CAPIModel

/// Writes JavaScript string literals and JSON that are safe inside an HTML `<script>` element.
///
/// Inside `<script>`, the HTML parser ends the element at `</script` and changes state at
/// `<!--` before JavaScript sees anything, and U+2028/U+2029 end a line in older engines.
/// So besides the escapes JavaScript needs (quotes, backslash, control characters), `<`,
/// `>`, `&`, U+2028 and U+2029 are always written as `\uXXXX` escapes, and so are C1 controls
/// and invisible format characters (BOM, zero-width and bidirectional marks). The output is plain
/// ASCII-safe text that means exactly the input string to JavaScript and JSON parsers.
public enum ScriptEscaping {
    /// `text` as a single-quoted JavaScript string literal.
    public static func singleQuoted(_ text: String) -> String {
        "'" + escaped(text) + "'"
    }

    /// `text` as a double-quoted string literal, valid both as JSON and as JavaScript.
    public static func doubleQuoted(_ text: String) -> String {
        "\"" + escaped(text) + "\""
    }

    /// `value` as compact JSON with keys sorted, every string escaped as in ``doubleQuoted(_:)``.
    public static func json(_ value: JSONValue) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "'": out += "\\u0027"
            case "\"": out += "\\u0022"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                out += unicodeEscape(scalar.value)
            default:
                // Control characters, and invisible format characters (BOM, zero-width and
                // direction marks), which some parsers drop and which hide text in source views.
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.properties.generalCategory == .format {
                    out += unicodeEscape(scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    private static func unicodeEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    private static func write(_ value: JSONValue, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let number): out += "\(number)"
        case .string(let text): out += doubleQuoted(text)
        case .array(let values):
            out += "["
            for (i, element) in values.enumerated() {
                if i > 0 { out += "," }
                write(element, into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                out += doubleQuoted(key)
                out += ":"
                write(members[key]!, into: &out)
            }
            out += "}"
        }
    }
}
