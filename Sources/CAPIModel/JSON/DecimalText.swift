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
    /// The JSON text of `value`.
    package static func text(_ value: Decimal) -> String {
        withUnsafeTemporaryAllocation(byteCount: maximumPlainLength, alignment: 1) { buffer in
            guard let count = write(value, into: buffer) else { return value.description }
            return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[..<count]), as: UTF8.self)
        }
    }

    /// Writes the JSON text of `value` into `output` (at least ``maximumPlainLength`` bytes)
    /// and returns its length, or returns `nil` for the values the fast path does not handle
    /// (use `value.description` for those).
    package static func write(_ value: Decimal, into output: UnsafeMutableRawBufferPointer) -> Int? {
        guard layoutIsKnown, let parts = fields(of: value) else { return nil }
        return writeDigits(parts.mantissa, exponent: parts.exponent, negative: parts.negative, into: output)
    }

    /// The longest text ``writeDigits(_:exponent:negative:into:)`` writes: a sign, 20
    /// digits and 127 zeros, or a sign, `0.`, 127 zeros and 20 digits (the exponent is 8 bits).
    package static let maximumPlainLength = 1 + 2 + 128 + 20

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

    /// Writes `±mantissa × 10^exponent` in plain notation, as `Decimal.description` does,
    /// into `output` (at least ``maximumPlainLength`` bytes), and returns how many bytes it wrote.
    static func writeDigits(
        _ mantissa: UInt64, exponent: Int, negative: Bool, into output: UnsafeMutableRawBufferPointer
    )
        -> Int
    {
        var count = 0
        func put(_ byte: UInt8) {
            output[count] = byte
            count += 1
        }
        func zeros(_ n: Int) { for _ in 0..<n { put(UInt8(ascii: "0")) } }
        if mantissa == 0 {
            put(UInt8(ascii: "0"))
            return count
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        return withUnsafeMutableBytes(of: &digits) { buffer -> Int in
            var value = mantissa
            var start = buffer.count
            while value > 0 {
                start -= 1
                buffer[start] = UInt8(ascii: "0") &+ UInt8(value % 10)
                value /= 10
            }
            let text = buffer[start...]
            if negative { put(UInt8(ascii: "-")) }
            if exponent >= 0 {
                for digit in text { put(digit) }
                zeros(exponent)
            } else if -exponent < text.count {
                let point = text.count + exponent
                for digit in text.prefix(point) { put(digit) }
                put(UInt8(ascii: "."))
                for digit in text.dropFirst(point) { put(digit) }
            } else {
                put(UInt8(ascii: "0"))
                put(UInt8(ascii: "."))
                zeros(-exponent - text.count)
                for digit in text { put(digit) }
            }
            return count
        }
    }

    /// True when reading the fields gives back what `description` prints for known values,
    /// checked once per process.
    static let layoutIsKnown: Bool = {
        let samples = ["184.5", "1000", "-0.000123", "0", "123456789012345678.25", "0.1", "-5", "18446744073709551615"]
        for sample in samples {
            guard let value = Decimal(string: sample), let parts = fields(of: value) else { return false }
            let text = withUnsafeTemporaryAllocation(byteCount: maximumPlainLength, alignment: 1) { buffer in
                let count = writeDigits(parts.mantissa, exponent: parts.exponent, negative: parts.negative, into: buffer)
                return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[..<count]), as: UTF8.self)
            }
            guard text == value.description else { return false }
        }
        return true
    }()
}
