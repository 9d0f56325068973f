/// A lookup from short ASCII keys to two-letter codes without building a `String` or
/// hashing one: keys of up to 16 bytes are packed into two big-endian words, sorted, and
/// found by binary search (about ten comparisons for the country table).
///
/// It answers exactly as the dictionary it is made from for every ASCII key of up to
/// ``ShortKey/capacity`` bytes; callers look longer or non-ASCII keys up in the dictionary.
struct PackedKeyTable: Sendable {
    private let keys: [ShortKey.Packed]
    /// The code of each key, two ASCII bytes, first in the high byte.
    private let codes: [UInt16]

    /// The ASCII entries of `dictionary` whose keys have at most ``ShortKey/capacity`` bytes.
    /// Every value must be two ASCII bytes.
    init(_ dictionary: [String: String]) {
        var entries: [(ShortKey.Packed, UInt16)] = []
        for (name, code) in dictionary {
            var key = ShortKey()
            guard name.utf8.allSatisfy({ $0 > 0 && $0 < 0x80 && key.append($0) }) else { continue }
            let codeBytes = Array(code.utf8)
            precondition(codeBytes.count == 2, "a table value is a two-letter code")
            entries.append((key.packed, UInt16(codeBytes[0]) << 8 | UInt16(codeBytes[1])))
        }
        entries.sort { $0.0 < $1.0 }
        keys = entries.map(\.0)
        codes = entries.map(\.1)
    }

    /// The code for `key`, two ASCII bytes (first in the high byte), or nil when the table
    /// has no such key.
    func code(for key: ShortKey) -> UInt16? {
        let packed = key.packed
        return keys.withUnsafeBufferPointer { keys -> UInt16? in
            var lo = 0
            var hi = keys.count
            while lo < hi {
                let mid = (lo &+ hi) >> 1
                if keys[mid] < packed { lo = mid &+ 1 } else { hi = mid }
            }
            guard lo < keys.count, keys[lo] == packed else { return nil }
            return codes[lo]
        }
    }
}

/// Up to 16 bytes collected on the stack, zero-padded: the key of a ``PackedKeyTable``.
struct ShortKey {
    static let capacity = 16

    /// The bytes in memory order.
    private var storage: (UInt64, UInt64) = (0, 0)
    private(set) var count = 0

    /// Appends `byte` (never zero); false, leaving the key unchanged, when it is full.
    @inline(__always)
    mutating func append(_ byte: UInt8) -> Bool {
        guard count < Self.capacity else { return false }
        let index = count
        withUnsafeMutableBytes(of: &storage) { $0[index] = byte }
        count &+= 1
        return true
    }

    /// The bytes.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeBytes(of: storage) { body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }

    /// The key as two big-endian words. Keys hold no zero bytes, so the zero padding keeps
    /// them apart, and comparing packed keys orders them as their bytes.
    struct Packed: Comparable {
        let high: UInt64
        let low: UInt64

        static func < (lhs: Packed, rhs: Packed) -> Bool {
            lhs.high != rhs.high ? lhs.high < rhs.high : lhs.low < rhs.low
        }
    }

    var packed: Packed { Packed(high: UInt64(bigEndian: storage.0), low: UInt64(bigEndian: storage.1)) }
}
