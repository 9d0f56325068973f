import CAPIModel

/// The provenance of one assembly, packed: key and origin per entry, and the reason and
/// message of the few entries that have them (rejections) in a separate array.
///
/// A complete event records up to twenty-one entries (a name and a date of birth bring six
/// derived keys) and almost none carries text. The first 24 entries are kept inline (three
/// bytes each), so recording them allocates
/// nothing and releasing them is free; later entries go to `overflow`, and `details`
/// stays the shared empty array. The packing is unique for a given list of entries
/// (unused inline bytes are zero), so comparing and hashing the packed form agrees with
/// comparing the ``KeyProvenance`` list.
///
/// The plain form is that list itself (``AssembledUserData/provenance``); the round trip and
/// the comparisons are checked against it in `MatchingFastPathTests`.
struct ProvenanceRecords: Hashable, Sendable {
    struct Entry: Hashable, Sendable {
        let key: UserDataKey
        let origin: KeyProvenance.Origin
        /// Whether the next unused element of `details` belongs to this entry.
        let hasDetail: Bool
    }

    struct Detail: Hashable, Sendable {
        let reason: String?
        let message: String?
    }

    /// How many entries `inline` holds.
    static let inlineCapacity = 24
    /// Room for ``inlineCapacity`` entries of `MemoryLayout<Entry>.size` (3) bytes.
    private var inline: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0, 0)
    private var inlineCount = 0
    /// The entries after the first ``inlineCapacity``.
    private var overflow: [Entry] = []
    private(set) var details: [Detail] = []

    init() {}

    init(_ provenance: [KeyProvenance]) {
        for entry in provenance { append(entry) }
    }

    var count: Int { inlineCount + overflow.count }

    @inline(__always)
    mutating func append(_ entry: KeyProvenance) {
        let hasDetail = entry.reason != nil || entry.message != nil
        if hasDetail { details.append(Detail(reason: entry.reason, message: entry.message)) }
        let packed = Entry(key: entry.key, origin: entry.origin, hasDetail: hasDetail)
        guard inlineCount < Self.inlineCapacity else {
            overflow.append(packed)
            return
        }
        let offset = inlineCount &* MemoryLayout<Entry>.size
        withUnsafeMutableBytes(of: &inline) { $0.storeBytes(of: packed, toByteOffset: offset, as: Entry.self) }
        inlineCount &+= 1
    }

    /// The entry at `index`, which must be below ``count``.
    func entry(at index: Int) -> Entry {
        guard index < inlineCount else { return overflow[index - inlineCount] }
        return withUnsafeBytes(of: inline) {
            $0.loadUnaligned(fromByteOffset: index &* MemoryLayout<Entry>.size, as: Entry.self)
        }
    }

    /// Calls `body` with each entry in order.
    func forEach(_ body: (KeyProvenance) -> Void) {
        var next = 0
        for index in 0..<count {
            let entry = entry(at: index)
            var detail: Detail? = nil
            if entry.hasDetail {
                detail = details[next]
                next += 1
            }
            body(KeyProvenance(key: entry.key, origin: entry.origin, reason: detail?.reason, message: detail?.message))
        }
    }

    var provenance: [KeyProvenance] {
        var result: [KeyProvenance] = []
        result.reserveCapacity(count)
        forEach { result.append($0) }
        return result
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        // Byte by byte: `==` is defined for tuples of at most six elements.
        lhs.inlineCount == rhs.inlineCount
            && withUnsafeBytes(of: lhs.inline, { left in withUnsafeBytes(of: rhs.inline) { left.elementsEqual($0) } })
            && lhs.overflow == rhs.overflow
            && lhs.details == rhs.details
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(inlineCount)
        withUnsafeBytes(of: inline) { hasher.combine(bytes: $0) }
        hasher.combine(overflow)
        hasher.combine(details)
    }
}
