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
    /// ``provenance``, packed.
    var records: ProvenanceRecords

    /// Creates a result.
    public init(userData: UserData, provenance: [KeyProvenance], consent: ConsentDecision) {
        self.init(userData: userData, records: ProvenanceRecords(provenance), consent: consent)
    }

    init(userData: UserData, records: ProvenanceRecords, consent: ConsentDecision) {
        self.userData = userData
        self.records = records
        self.consent = consent
    }

    /// The entries for one key.
    public func provenance(of key: UserDataKey) -> [KeyProvenance] {
        provenance.filter { $0.key == key }
    }

    /// The entries of values that were dropped as invalid.
    public var rejections: [KeyProvenance] { provenance.filter { $0.origin == .rejected } }
}

/// The provenance of one assembly, packed: key and origin per entry in a plain array, and
/// the reason and message of the few entries that have them (rejections) in a second one.
///
/// Thirteen entries are recorded for a complete event and almost none carries text, so
/// this keeps recording and releasing them free of reference counting (the second array
/// stays the shared empty array). The packing is unique for a given list of entries, so
/// comparing and hashing the packed form agrees with comparing the ``KeyProvenance`` list.
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

    private(set) var entries: [Entry] = []
    private(set) var details: [Detail] = []

    init() {}

    init(_ provenance: [KeyProvenance]) {
        entries.reserveCapacity(provenance.count)
        for entry in provenance { append(entry) }
    }

    mutating func reserveCapacity(_ count: Int) { entries.reserveCapacity(count) }

    @inline(__always)
    mutating func append(_ entry: KeyProvenance) {
        let hasDetail = entry.reason != nil || entry.message != nil
        if hasDetail { details.append(Detail(reason: entry.reason, message: entry.message)) }
        entries.append(Entry(key: entry.key, origin: entry.origin, hasDetail: hasDetail))
    }

    /// Calls `body` with each entry in order.
    func forEach(_ body: (KeyProvenance) -> Void) {
        var next = 0
        for entry in entries {
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
        result.reserveCapacity(entries.count)
        forEach { result.append($0) }
        return result
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
