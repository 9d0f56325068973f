#if canImport(FoundationEssentials)
package import FoundationEssentials
#else
package import Foundation
#endif

/// Writes a `Decimal` as JSON number text, byte for byte what `Decimal.description` (and so
/// `JSONEncoder`) writes, in a small fraction of the time.
///
/// `Decimal.description` costs about 2.7 µs here, more than validating and encoding the rest
/// of an event, and FoundationEssentials offers no public way to read a `Decimal`'s digits.
/// `Decimal` keeps the layout of Foundation's C `NSDecimal` (an 8-bit exponent, a 4-bit
/// mantissa length, sign and compact flags, then eight 16-bit mantissa words), so the fast
/// path reads those fields directly. It is used only when a self-check at first use reads
/// back known values exactly, and only for compact values whose mantissa fits in 64 bits;
/// anything else goes through `description`.
package enum DecimalText {
    /// Appends the JSON text of `value` to `bytes`.
    package static func append(_ value: Decimal, to bytes: inout [UInt8]) {
        if layoutIsKnown, let parts = fields(of: value) {
            appendDigits(parts.mantissa, exponent: parts.exponent, negative: parts.negative, to: &bytes)
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    /// The JSON text of `value`.
    package static func text(_ value: Decimal) -> String {
        var bytes: [UInt8] = []
        append(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Mantissa, exponent and sign, when the value is a compact finite number whose mantissa
    /// fits in 64 bits.
    static func fields(of value: Decimal) -> (mantissa: UInt64, exponent: Int, negative: Bool)? {
        var copy = value
        return withUnsafeBytes(of: &copy) { raw -> (UInt64, Int, Bool)? in
            guard raw.count == 20 else { return nil }
            let exponent = Int(Int8(bitPattern: raw[0]))
            let flags = raw[1]
            let length = Int(flags >> 4)
            let negative = flags & 0x08 != 0
            let compact = flags & 0x04 != 0
            if length == 0 {
                // Zero (no flags) or NaN (the negative flag): only zero is handled here.
                return negative || raw[0] != 0 ? nil : (0, 0, false)
            }
            guard compact, length <= 4, raw[2] == 0, raw[3] == 0 else { return nil }
            var mantissa: UInt64 = 0
            for word in (0..<length).reversed() {
                let low = UInt64(raw[4 + 2 * word])
                let high = UInt64(raw[5 + 2 * word])
                mantissa = mantissa << 16 | high << 8 | low
            }
            return (mantissa, exponent, negative)
        }
    }

    /// Writes `±mantissa × 10^exponent` in plain notation, as `Decimal.description` does.
    static func appendDigits(_ mantissa: UInt64, exponent: Int, negative: Bool, to bytes: inout [UInt8]) {
        if mantissa == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        let count = withUnsafeMutableBytes(of: &digits) { buffer -> Int in
            var value = mantissa
            var end = buffer.count
            while value > 0 {
                end -= 1
                buffer[end] = UInt8(ascii: "0") &+ UInt8(value % 10)
                value /= 10
            }
            let count = buffer.count - end
            if end > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + end, byteCount: count) }
            return count
        }
        if negative { bytes.append(UInt8(ascii: "-")) }
        withUnsafeBytes(of: &digits) { raw in
            let text = raw.prefix(count)
            if exponent >= 0 {
                bytes.append(contentsOf: text)
                bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: exponent))
            } else if -exponent < count {
                let point = count + exponent
                bytes.append(contentsOf: text.prefix(point))
                bytes.append(UInt8(ascii: "."))
                bytes.append(contentsOf: text.dropFirst(point))
            } else {
                bytes.append(UInt8(ascii: "0"))
                bytes.append(UInt8(ascii: "."))
                bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -exponent - count))
                bytes.append(contentsOf: text)
            }
        }
    }

    /// True when reading the fields gives back what `description` prints for known values,
    /// checked once per process.
    static let layoutIsKnown: Bool = {
        let samples = ["184.5", "1000", "-0.000123", "0", "123456789012345678.25", "0.1", "-5", "18446744073709551615"]
        for sample in samples {
            guard let value = Decimal(string: sample), let parts = fields(of: value) else { return false }
            var bytes: [UInt8] = []
            appendDigits(parts.mantissa, exponent: parts.exponent, negative: parts.negative, to: &bytes)
            guard String(decoding: bytes, as: UTF8.self) == value.description else { return false }
        }
        return true
    }()
}
