import CAPIModel

extension Builder {
    /// ``scanUserAgentPlainly(_:)``, eight bytes at a time (a user agent is 100 to 200 bytes
    /// long, and every assembled event with a session has one).
    static func scanUserAgent(_ value: String) -> (length: Int, blank: Bool, control: Bool) {
        // The closure returns one integer (length << 2 | blank << 1 | control): a tuple came
        // back through memory as separate byte stores read as one word, which stalled.
        let packed = withUTF8(of: value) { raw -> Int in
            let count = raw.count
            var blank = 1
            for byte in raw where byte != 0x20 && byte != 0x09 {
                blank = 0
                break
            }
            var index = 0
            while index &+ 8 <= count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                // A byte below 0x20 (Mycroft's has-less-than test), or a 0x7F byte.
                let below = (word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080
                let del = word ^ 0x7F7F_7F7F_7F7F_7F7F
                let isDel = (del &- 0x0101_0101_0101_0101) & ~del & 0x8080_8080_8080_8080
                if below | isDel != 0 { return count << 2 | blank << 1 | 1 }
                index &+= 8
            }
            while index < count {
                let byte = raw[index]
                if byte < 0x20 || byte == 0x7F { return count << 2 | blank << 1 | 1 }
                index &+= 1
            }
            return count << 2 | blank << 1
        }
        return (packed >> 2, packed & 2 != 0, packed & 1 != 0)
    }
}
