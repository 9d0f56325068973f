public import CAPIModel

/// The result of ``UserDataAssembler/assemble(_:session:)``: the `user_data` to send, the
/// provenance of every value, and the consent decision behind it.
public struct AssembledUserData: Hashable, Sendable {
    /// The `user_data` to send.
    public var userData: UserData
    /// One entry per value the inputs had: hashed, passed through, synthesized, rejected
    /// (with the reason) or withheld by consent, in `user_data` key order.
    public var provenance: [KeyProvenance] {
        get { records.provenance }
        set { records = ProvenanceRecords(newValue) }
    }
    /// The consent decision the keys were filtered with.
    public var consent: ConsentDecision
    /// The region national phone numbers and postal codes were read in, and where it came
    /// from (the record's phone region, its country, or the normalizer's default); nil when
    /// none was known, so a phone number without `+` was read as international or rejected.
    public var region: ResolvedRegion?
    /// ``provenance``, packed.
    var records: ProvenanceRecords

    /// Creates a result.
    public init(userData: UserData, provenance: [KeyProvenance], consent: ConsentDecision, region: ResolvedRegion? = nil) {
        self.init(userData: userData, records: ProvenanceRecords(provenance), consent: consent, region: region)
    }

    init(userData: UserData, records: ProvenanceRecords, consent: ConsentDecision, region: ResolvedRegion? = nil) {
        self.userData = userData
        self.records = records
        self.consent = consent
        self.region = region
    }

    /// The entries for one key.
    public func provenance(of key: UserDataKey) -> [KeyProvenance] {
        provenance.filter { $0.key == key }
    }

    /// The entries of values that were dropped as invalid.
    public var rejections: [KeyProvenance] { provenance.filter { $0.origin == .rejected } }
}

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

/// A server event built by ``UserDataAssembler/makeEvent(_:customer:session:)``, or the
/// reason there is none.
public struct BuiltEvent: Hashable, Sendable {
    /// The event to validate and deliver, or `nil` when the consent policy drops it.
    public var event: ServerEvent?
    /// The user data, its provenance and the consent decision.
    public var assembled: AssembledUserData
}

extension MatchKeyCoverage {
    /// Counts one assembled event: the keys it carries, plus every rejected value and every
    /// value withheld by consent (reason `withheld_by_consent`) as a rejection of its key.
    public mutating func record(eventName: EventName, assembled: AssembledUserData) {
        record(eventName: eventName, userData: assembled.userData)
        assembled.records.forEach { entry in
            if entry.origin == .rejected {
                recordRejection(eventName: eventName, key: entry.key, reason: entry.reason ?? "rejected")
            } else if entry.origin == .withheldByConsent {
                recordRejection(eventName: eventName, key: entry.key, reason: KeyProvenance.Origin.withheldByConsent.rawValue)
            }
        }
    }
}
