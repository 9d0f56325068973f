/// Re-indents JSON text for reading without parsing it, so every number, string and key order
/// stays byte for byte what was sent (a parser would turn `19.99` into `19.989999999999998`).
public enum JSONIndenter {
    /// `json` with one member or element per line, indented by `indent` spaces per level.
    /// Whitespace outside strings is replaced; nothing else changes. Text that is not JSON
    /// comes back re-spaced but otherwise intact.
    public static func indent(_ json: String, by indent: Int = 2) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(json.utf8.count * 2)
        var depth = 0
        var inString = false
        var escaped = false
        let bytes = Array(json.utf8)
        func newline() {
            out.append(UInt8(ascii: "\n"))
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: max(0, depth) * indent))
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            defer { index += 1 }
            if inString {
                out.append(byte)
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                out.append(byte)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                out.append(byte)
                // An empty object or array stays on one line.
                var next = index + 1
                while next < bytes.count, isSpace(bytes[next]) { next += 1 }
                let close = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if next < bytes.count, bytes[next] == close {
                    out.append(close)
                    index = next
                } else {
                    depth += 1
                    newline()
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                newline()
                out.append(byte)
            case UInt8(ascii: ","):
                out.append(byte)
                newline()
            case UInt8(ascii: ":"):
                out.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
            case _ where isSpace(byte):
                break
            default:
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
