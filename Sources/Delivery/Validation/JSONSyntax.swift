/// A strict JSON (RFC 8259) syntax check that builds nothing.
///
/// The worker runs it over every stored event before sending: a payload that is not one JSON
/// object (a damaged row, a truncated write, a file edited by hand) would make Meta refuse the
/// whole request, so it is parked as ``ParkReason/Code/unreadable`` instead and the rest of
/// the batch flows. It is iterative (no recursion, whatever the nesting) and linear in the
/// input, so hostile input cannot exhaust the stack or take long.
///
/// It accepts exactly what RFC 8259 accepts; `\u` escapes are checked for four hex digits but
/// not for surrogate pairing (a lone surrogate escape is well-formed JSON text).
public enum JSONSyntax {
    /// True when `text` is exactly one JSON object, with optional whitespace around it.
    public static func isObject(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var scanner = Scanner(bytes: UnsafeRawBufferPointer(bytes))
            return scanner.object()
        }
    }

    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        var atEnd: Bool { index >= bytes.count }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// One top-level object and nothing after it but whitespace.
        mutating func object() -> Bool {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return false }
            guard value() else { return false }
            skipWhitespace()
            return atEnd
        }

        /// One value of any nesting, with an explicit stack of open containers.
        mutating func value() -> Bool {
            var open: [UInt8] = []  // "{" or "["
            while true {
                // A value is expected here.
                skipWhitespace()
                guard index < bytes.count else { return false }
                switch bytes[index] {
                case UInt8(ascii: "{"):
                    index += 1
                    skipWhitespace()
                    if take(UInt8(ascii: "}")) { break }
                    open.append(UInt8(ascii: "{"))
                    guard member() else { return false }
                    continue
                case UInt8(ascii: "["):
                    index += 1
                    skipWhitespace()
                    if take(UInt8(ascii: "]")) { break }
                    open.append(UInt8(ascii: "["))
                    continue
                case UInt8(ascii: "\""):
                    guard string() else { return false }
                case UInt8(ascii: "t"):
                    guard literal("true") else { return false }
                case UInt8(ascii: "f"):
                    guard literal("false") else { return false }
                case UInt8(ascii: "n"):
                    guard literal("null") else { return false }
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    guard number() else { return false }
                default:
                    return false
                }
                // A value ended: close containers, or move to the next element.
                var next = false
                while !next {
                    guard let container = open.last else { return true }
                    skipWhitespace()
                    guard index < bytes.count else { return false }
                    let byte = bytes[index]
                    index += 1
                    if byte == UInt8(ascii: ",") {
                        if container == UInt8(ascii: "{") {
                            skipWhitespace()
                            guard member() else { return false }
                        }
                        next = true
                    } else if container == UInt8(ascii: "{") ? byte == UInt8(ascii: "}") : byte == UInt8(ascii: "]") {
                        open.removeLast()
                    } else {
                        return false
                    }
                }
            }
        }

        /// `"name"` and `:`; the value follows.
        mutating func member() -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), string() else { return false }
            skipWhitespace()
            return take(UInt8(ascii: ":"))
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard bytes.count - index >= count else { return false }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
            index += count
            return true
        }

        mutating func string() -> Bool {
            index += 1  // the opening quote
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return true
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { return false }
                    let escaped = bytes[index]
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                        UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        continue
                    case UInt8(ascii: "u"):
                        guard bytes.count - index >= 4 else { return false }
                        for _ in 0..<4 {
                            guard Self.isHexDigit(bytes[index]) else { return false }
                            index += 1
                        }
                    default:
                        return false
                    }
                case 0x00..<0x20:
                    return false  // control characters must be escaped
                default:
                    continue
                }
            }
            return false
        }

        mutating func number() -> Bool {
            _ = take(UInt8(ascii: "-"))
            guard index < bytes.count else { return false }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                guard digits() else { return false }
            }
            if take(UInt8(ascii: ".")) {
                guard digits() else { return false }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
                guard digits() else { return false }
            }
            return true
        }

        /// One or more decimal digits.
        mutating func digits() -> Bool {
            let start = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index > start
        }

        static func isHexDigit(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
                UInt8(ascii: "A")...UInt8(ascii: "F"):
                true
            default:
                false
            }
        }
    }
}
