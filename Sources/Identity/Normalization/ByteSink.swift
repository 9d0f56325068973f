/// An append-only view of a caller-provided byte buffer, where normalizers write their output.
///
/// Normalizing into a stack buffer and hashing that buffer directly avoids building a
/// `String` per value on the hot path.
struct ByteSink {
    let base: UnsafeMutablePointer<UInt8>
    let capacity: Int
    private(set) var count = 0
    /// The end of the bytes written before the last ``removeAll()`` (0 if never called):
    /// with ``count``, the end of everything ever written, so a caller that zeroed the
    /// buffer beforehand knows which bytes past `count` may no longer be zero.
    private(set) var discardedEnd = 0
    /// Set by the phone normalizer when it read a number without `+` as international
    /// (`16505551212`), so that provenance can say so.
    var readAsInternational = false

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.base = buffer.baseAddress!
        self.capacity = buffer.count
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        precondition(count < capacity, "normalized output exceeds its buffer")
        base[count] = byte
        count &+= 1
    }

    mutating func append(_ scalar: Unicode.Scalar) {
        if scalar.isASCII {
            append(UInt8(truncatingIfNeeded: scalar.value))
        } else {
            for unit in UTF8.encode(scalar)! { append(unit) }
        }
    }

    mutating func append(contentsOf text: StaticString) {
        text.withUTF8Buffer { for byte in $0 { append(byte) } }
    }

    mutating func append(contentsOf bytes: some Sequence<UInt8>) {
        for byte in bytes { append(byte) }
    }

    /// Reserves `n` bytes at the end for the caller to fill, and returns them.
    mutating func appendUninitialized(count n: Int) -> UnsafeMutableRawBufferPointer {
        precondition(n >= 0 && count &+ n <= capacity, "normalized output exceeds its buffer")
        let start = base + count
        count &+= n
        return UnsafeMutableRawBufferPointer(start: start, count: n)
    }

    mutating func removeAll() {
        discardedEnd = max(discardedEnd, count)
        count = 0
    }

    subscript(index: Int) -> UInt8 { base[index] }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}
