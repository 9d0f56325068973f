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
        // ProvenanceRecords keeps its entries packed inline and is not a Sequence: forEach unpacks them.
        // swift-format-ignore: ReplaceForEachWithForLoop
        assembled.records.forEach { entry in
            if entry.origin == .rejected {
                recordRejection(eventName: eventName, key: entry.key, reason: entry.reason ?? "rejected")
            } else if entry.origin == .withheldByConsent {
                recordRejection(eventName: eventName, key: entry.key, reason: KeyProvenance.Origin.withheldByConsent.rawValue)
            }
        }
    }
}
