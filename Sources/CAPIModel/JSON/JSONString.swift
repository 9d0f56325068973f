/// Writes JSON string literals exactly as `JSONEncoder` does: `"` and `\` escaped, `\b \f \n
/// \r \t` for those controls, `\u00xx` for the other control characters, everything else
/// (slashes and non-ASCII text included) as is.
///
/// Shared by every hand-written JSON output in the package (the delivery encoder, request
/// bodies, the JSON lines of `capi`), so they all agree with each other and with Foundation.
package enum JSONString {
    /// True when no byte of `utf8` needs escaping, so it can be copied as it is; checked eight
    /// bytes at a time.
    package static func isPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        // A byte of `x` is zero exactly when its high bit is set in `(x - ones) & ~x & highs`;
        // and below 0x20 exactly when it is set in `(x - 0x20 * ones) & ~x & highs`.
        @inline(__always) func hasSpecial(_ word: UInt64) -> Bool {
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let control = (word &- ones &* 0x20) & ~word
            let zeroQuote = (quote &- ones) & ~quote
            let zeroBackslash = (backslash &- ones) & ~backslash
            return (control | zeroQuote | zeroBackslash) & highs != 0
        }
        guard let base = utf8.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var index = 0
        while index &+ 8 <= utf8.count {
            if hasSpecial(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { return false }
            index &+= 8
        }
        while index < utf8.count {
            let byte = utf8[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
            index &+= 1
        }
        return true
    }

    /// Appends `text` as a JSON string literal, quotes included.
    package static func append(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            if isPlain(utf8) {
                bytes.append(contentsOf: utf8)
                return
            }
            // Copy runs of plain bytes at once; only the rare escaped byte is handled alone.
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if start < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index])) }
                start = index + 1
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                default:
                    let hex: StaticString = "0123456789abcdef"
                    hex.withUTF8Buffer { digits in
                        bytes.append(contentsOf: [
                            0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                            digits[Int(byte >> 4)], digits[Int(byte & 0xF)],
                        ])
                    }
                }
            }
            if start < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `text` as a JSON string literal.
    package static func quoted(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 2)
        append(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A JSON string literal, or `null`.
    package static func quoted(_ text: String?) -> String {
        text.map { quoted($0) } ?? "null"
    }
}
