/// A lookup from short ASCII keys to two-letter codes without building a `String` or
/// hashing one with SipHash: keys of up to 16 bytes are packed into two words and found
/// in an open-addressing table (multiplicative hash of the words, linear probing, at most
/// half full), usually at the first probe.
///
/// It answers exactly as the dictionary it is made from for every ASCII key of up to
/// ``ShortKey/capacity`` bytes; callers look longer or non-ASCII keys up in the dictionary.
struct PackedKeyTable: Sendable {
    /// Slots of keys; a slot whose `high` word is 0 is empty (keys are never empty).
    private let keys: [ShortKey.Packed]
    /// The code of each slot, two ASCII bytes, first in the high byte.
    private let codes: [UInt16]
    /// `keys.count - 1`; the slot count is a power of two.
    private let mask: Int
    /// 64 minus the number of index bits.
    private let shift: UInt64

    /// The ASCII entries of `dictionary` whose keys have at most ``ShortKey/capacity`` bytes.
    /// Every value must be two ASCII bytes.
    init(_ dictionary: [String: String]) {
        var entries: [(ShortKey.Packed, UInt16)] = []
        for (name, code) in dictionary {
            var key = ShortKey()
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0 && $0 < 0x80 && key.append($0) }) else { continue }
            let codeBytes = Array(code.utf8)
            precondition(codeBytes.count == 2, "a table value is a two-letter code")
            entries.append((key.packed, UInt16(codeBytes[0]) << 8 | UInt16(codeBytes[1])))
        }
        var bits = 1
        while 1 << bits < entries.count * 2 { bits += 1 }
        let size = 1 << bits
        var keys = [ShortKey.Packed](repeating: ShortKey.Packed(high: 0, low: 0), count: size)
        var codes = [UInt16](repeating: 0, count: size)
        mask = size - 1
        shift = UInt64(64 - bits)
        for (key, code) in entries {
            var slot = Self.slot(key, shift: shift)
            while keys[slot].high != 0 { slot = (slot + 1) & mask }
            keys[slot] = key
            codes[slot] = code
        }
        self.keys = keys
        self.codes = codes
    }

    /// The first slot to probe for `key`: the top bits of a multiplicative hash.
    @inline(__always)
    private static func slot(_ key: ShortKey.Packed, shift: UInt64) -> Int {
        Int(truncatingIfNeeded: ((key.high ^ (key.low &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9) >> shift)
    }

    /// The code for `key`, two ASCII bytes (first in the high byte), or nil when the table
    /// has no such key.
    func code(for key: ShortKey) -> UInt16? {
        let packed = key.packed
        guard packed.high != 0 else { return nil }  // the empty key
        return keys.withUnsafeBufferPointer { keys -> UInt16? in
            var slot = Self.slot(packed, shift: shift)
            while true {
                let candidate = keys[slot]
                if candidate == packed { return codes[slot] }
                if candidate.high == 0 { return nil }
                slot = (slot &+ 1) & mask
            }
        }
    }
}

/// Up to 16 bytes collected in two words, zero-padded: the key of a ``PackedKeyTable``.
struct ShortKey {
    static let capacity = 16

    /// Byte `i` in bits `8 * i` of word `i / 8`. Built with shifts rather than byte stores
    /// into memory: reading the words back right after such stores stalls (store forwarding).
    private var words: (UInt64, UInt64) = (0, 0)
    private(set) var count = 0

    /// Appends `byte` (never zero); false, leaving the key unchanged, when it is full.
    @inline(__always)
    mutating func append(_ byte: UInt8) -> Bool {
        guard count < Self.capacity else { return false }
        if count < 8 {
            words.0 |= UInt64(byte) << UInt64(count &* 8)
        } else {
            words.1 |= UInt64(byte) << UInt64((count &- 8) &* 8)
        }
        count &+= 1
        return true
    }

    /// The bytes.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeBytes(of: (words.0.littleEndian, words.1.littleEndian)) {
            body(UnsafeRawBufferPointer(rebasing: $0[0..<count]))
        }
    }

    /// The key as two words, first byte in the most significant bits. Keys hold no zero
    /// bytes, so the zero padding keeps them apart (and a non-empty key has a non-zero
    /// `high` word).
    struct Packed: Equatable {
        let high: UInt64
        let low: UInt64
    }

    var packed: Packed { Packed(high: words.0.byteSwapped, low: words.1.byteSwapped) }
}
