/// An IPv4 or IPv6 address, parsed strictly and printed in canonical form.
///
/// IPv6 text follows RFC 5952 (lowercase, longest zero run compressed), so the same
/// address is always sent to Meta the same way. IPv4-mapped IPv6 addresses
/// (`::ffff:198.51.100.7`) are read as the IPv4 address they carry.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    enum Storage: Hashable, Sendable {
        case v4(UInt32)
        case v6(UInt64, UInt64)
    }

    let storage: Storage
    /// The canonical text, computed once: user_data takes it as a string on every event.
    public let description: String

    /// Parses an address: dotted-quad IPv4 (no leading zeros), or IPv6 with optional `::`,
    /// embedded IPv4 tail, surrounding brackets or zone id (`%eth0`, dropped).
    /// Returns `nil` for anything else, including host names and addresses with ports.
    public init?(_ text: some StringProtocol) {
        guard let storage = Self.parse(text) else { return nil }
        self.init(storage: storage)
    }

    /// True when `text` is an address ``init(_:)`` accepts. Cheaper than parsing it: the
    /// canonical text is not built (validation checks every event's address).
    public static func isValid(_ text: some StringProtocol) -> Bool { parse(text) != nil }

    private static func parse(_ text: some StringProtocol) -> Storage? {
        var bytes = Array(text.utf8)
        if bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") {
            bytes = Array(bytes.dropFirst().dropLast())
        }
        if let percent = bytes.firstIndex(of: UInt8(ascii: "%")) { bytes = Array(bytes[..<percent]) }
        guard !bytes.isEmpty, bytes.count <= 45 else { return nil }
        if let v4 = parseIPv4(bytes[...]) { return .v4(v4) }
        guard let (high, low) = parseIPv6(bytes) else { return nil }
        if high == 0, low >> 32 == 0xFFFF { return .v4(UInt32(truncatingIfNeeded: low)) }  // IPv4-mapped
        return .v6(high, low)
    }

    init(storage: Storage) {
        self.storage = storage
        self.description = Self.format(storage)
    }

    /// True for IPv4 addresses.
    public var isIPv4: Bool { if case .v4 = storage { true } else { false } }
    /// True for IPv6 addresses.
    public var isIPv6: Bool { !isIPv4 }

    /// False for addresses that cannot be a buyer's address on the internet: private
    /// (RFC 1918, IPv6 unique local), shared (100.64/10), loopback, link-local,
    /// unspecified, multicast and reserved ranges. Documentation ranges count as public,
    /// so examples and tests can use them.
    public var isPublic: Bool {
        switch storage {
        case .v4(let a):
            let first = a >> 24
            let second = (a >> 16) & 0xFF
            if first == 0 || first == 10 || first == 127 || first >= 224 { return false }
            if first == 100, (64...127).contains(second) { return false }
            if first == 169, second == 254 { return false }
            if first == 172, (16...31).contains(second) { return false }
            if first == 192, second == 168 { return false }
            return true
        case .v6(let high, let low):
            if high == 0, low <= 1 { return false }  // :: and ::1
            let top = high >> 48
            if top & 0xFE00 == 0xFC00 { return false }  // fc00::/7 unique local
            if top & 0xFFC0 == 0xFE80 { return false }  // fe80::/10 link-local
            if top & 0xFF00 == 0xFF00 { return false }  // ff00::/8 multicast
            return true
        }
    }

    // MARK: Parsing

    static func parseIPv4(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        var result: UInt32 = 0
        var parts = 0
        var value: UInt32 = 0
        var digits = 0
        var leadingZero = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, parts < 3 else { return nil }
                result = result << 8 | value
                parts += 1
                value = 0
                digits = 0
                continue
            }
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            if digits == 0 { leadingZero = digit == 0 } else if leadingZero { return nil }
            value = value * 10 + UInt32(digit)
            digits += 1
            guard value <= 255, digits <= 3 else { return nil }
        }
        guard digits > 0, parts == 3 else { return nil }
        return result << 8 | value
    }

    static func parseIPv6(_ bytes: [UInt8]) -> (UInt64, UInt64)? {
        var groups: [UInt16] = []
        groups.reserveCapacity(8)
        var compressAt: Int? = nil
        var i = 0
        let n = bytes.count
        if n >= 2, bytes[0] == UInt8(ascii: ":") {
            guard bytes[1] == UInt8(ascii: ":") else { return nil }
            compressAt = 0
            i = 2
        }
        while i < n {
            // An embedded IPv4 tail takes the last two groups.
            var j = i
            var isV4Tail = false
            while j < n, bytes[j] != UInt8(ascii: ":") {
                if bytes[j] == UInt8(ascii: ".") { isV4Tail = true }
                j += 1
            }
            if isV4Tail {
                guard j == n, groups.count <= 6, let v4 = parseIPv4(bytes[i..<n]) else { return nil }
                groups.append(UInt16(v4 >> 16))
                groups.append(UInt16(v4 & 0xFFFF))
                i = n
                break
            }
            guard j > i, j - i <= 4 else { return nil }
            var value: UInt16 = 0
            for k in i..<j {
                guard let nibble = hexValue(bytes[k]) else { return nil }
                value = value << 4 | UInt16(nibble)
            }
            groups.append(value)
            guard groups.count <= 8 else { return nil }
            i = j
            if i < n {
                i += 1  // the colon
                if i < n, bytes[i] == UInt8(ascii: ":") {
                    guard compressAt == nil else { return nil }
                    compressAt = groups.count
                    i += 1
                } else if i == n {
                    return nil  // a trailing single colon
                }
            }
        }
        if let at = compressAt {
            guard groups.count < 8 else { return nil }
            groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: at)
        }
        guard groups.count == 8 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for k in 0..<4 { high = high << 16 | UInt64(groups[k]) }
        for k in 4..<8 { low = low << 16 | UInt64(groups[k]) }
        return (high, low)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    // MARK: Formatting

    private static func format(_ storage: Storage) -> String {
        switch storage {
        case .v4(let a):
            return "\(a >> 24).\((a >> 16) & 0xFF).\((a >> 8) & 0xFF).\(a & 0xFF)"
        case .v6(let high, let low):
            var groups = [UInt16](repeating: 0, count: 8)
            for k in 0..<4 { groups[k] = UInt16(truncatingIfNeeded: high >> (48 - 16 * k)) }
            for k in 0..<4 { groups[4 + k] = UInt16(truncatingIfNeeded: low >> (48 - 16 * k)) }
            // RFC 5952: compress the longest run of two or more zero groups (the first on ties).
            var bestStart = -1
            var bestLength = 0
            var k = 0
            while k < 8 {
                guard groups[k] == 0 else {
                    k += 1
                    continue
                }
                var end = k
                while end < 8, groups[end] == 0 { end += 1 }
                if end - k > bestLength {
                    bestStart = k
                    bestLength = end - k
                }
                k = end
            }
            if bestLength < 2 { bestStart = -1 }
            var text = ""
            k = 0
            while k < 8 {
                if k == bestStart {
                    text += "::"
                    k += bestLength
                    continue
                }
                if !text.isEmpty, !text.hasSuffix(":") { text += ":" }
                text += String(groups[k], radix: 16)
                k += 1
            }
            return text
        }
    }
}
