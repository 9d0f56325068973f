/// Customer information (`user_data`): what Meta matches an event to an account with.
///
/// The hashed keys (``HashedUserDataKey``) hold ``HashedIdentifier`` values only, so raw
/// personal data cannot end up in a request; produce them with the `Identity` module. Empty
/// arrays are left out of the JSON. The remaining keys are sent as given, unhashed, as Meta
/// requires.
public struct UserData: Hashable, Sendable {
    /// Every hashed value, grouped by key in ``HashedUserDataKey`` order, each group in the
    /// order its values were added. One array instead of one per key keeps building a
    /// complete `user_data` to a single allocation.
    private var hashedEntries: [HashedEntry]

    struct HashedEntry: Hashable, Sendable {
        var key: HashedUserDataKey
        var value: HashedIdentifier
    }

    /// `em`: hashed email addresses.
    public var emails: [HashedIdentifier] {
        get { self[hashed: .email] }
        set { self[hashed: .email] = newValue }
    }
    /// `ph`: hashed phone numbers (E.164 digits, country code included, no `+`).
    public var phones: [HashedIdentifier] {
        get { self[hashed: .phone] }
        set { self[hashed: .phone] = newValue }
    }
    /// `fn`: hashed first names.
    public var firstNames: [HashedIdentifier] {
        get { self[hashed: .firstName] }
        set { self[hashed: .firstName] = newValue }
    }
    /// `ln`: hashed last names.
    public var lastNames: [HashedIdentifier] {
        get { self[hashed: .lastName] }
        set { self[hashed: .lastName] = newValue }
    }
    /// `ge`: hashed genders (`f` or `m`).
    public var genders: [HashedIdentifier] {
        get { self[hashed: .gender] }
        set { self[hashed: .gender] = newValue }
    }
    /// `db`: hashed dates of birth (`YYYYMMDD`).
    public var datesOfBirth: [HashedIdentifier] {
        get { self[hashed: .dateOfBirth] }
        set { self[hashed: .dateOfBirth] = newValue }
    }
    /// `ct`: hashed cities.
    public var cities: [HashedIdentifier] {
        get { self[hashed: .city] }
        set { self[hashed: .city] = newValue }
    }
    /// `st`: hashed states or provinces.
    public var states: [HashedIdentifier] {
        get { self[hashed: .state] }
        set { self[hashed: .state] = newValue }
    }
    /// `zp`: hashed zip or postal codes.
    public var zipCodes: [HashedIdentifier] {
        get { self[hashed: .zipCode] }
        set { self[hashed: .zipCode] = newValue }
    }
    /// `country`: hashed ISO 3166-1 alpha-2 country codes.
    public var countries: [HashedIdentifier] {
        get { self[hashed: .country] }
        set { self[hashed: .country] = newValue }
    }
    /// `external_id`: hashed advertiser-side identifiers (a visitor or user id).
    public var externalIDs: [HashedIdentifier] {
        get { self[hashed: .externalID] }
        set { self[hashed: .externalID] = newValue }
    }

    // The keys Meta's SDKs derive from the name and date of birth. Each holds one value (see
    // HashedUserDataKey.isSingleValued); `Matching`'s assembler fills them from fn, ln and db.

    /// `f5first`: the hashed first five characters of the normalized first name.
    public var firstNamePrefix: HashedIdentifier? {
        get { self[single: .firstNamePrefix] }
        set { self[single: .firstNamePrefix] = newValue }
    }
    /// `f5last`: the hashed first five characters of the normalized last name.
    public var lastNamePrefix: HashedIdentifier? {
        get { self[single: .lastNamePrefix] }
        set { self[single: .lastNamePrefix] = newValue }
    }
    /// `fi`: the hashed first character of the normalized first name.
    public var firstInitial: HashedIdentifier? {
        get { self[single: .firstInitial] }
        set { self[single: .firstInitial] = newValue }
    }
    /// `dobd`: the hashed day of birth (`DD`, `01` to `31`).
    public var dayOfBirth: HashedIdentifier? {
        get { self[single: .dayOfBirth] }
        set { self[single: .dayOfBirth] = newValue }
    }
    /// `dobm`: the hashed month of birth (`MM`, `01` to `12`).
    public var monthOfBirth: HashedIdentifier? {
        get { self[single: .monthOfBirth] }
        set { self[single: .monthOfBirth] = newValue }
    }
    /// `doby`: the hashed year of birth (`YYYY`).
    public var yearOfBirth: HashedIdentifier? {
        get { self[single: .yearOfBirth] }
        set { self[single: .yearOfBirth] = newValue }
    }

    /// The value of a single-valued key, read without building an array.
    private subscript(single key: HashedUserDataKey) -> HashedIdentifier? {
        get {
            let range = entryRange(of: key)
            return range.isEmpty ? nil : hashedEntries[range.lowerBound].value
        }
        set { self[hashed: key] = newValue.map { [$0] } ?? [] }
    }

    /// `client_ip_address`: the buyer's IP address (IPv4 or IPv6), never the server's.
    public var clientIPAddress: String?
    /// `client_user_agent`: the buyer's browser user agent; required for `website` events.
    public var clientUserAgent: String?
    /// `fbc`: the click id, `fb.{subdomainIndex}.{ms}.{fbclid}`.
    public var fbc: String?
    /// `fbp`: the browser id, `fb.{subdomainIndex}.{ms}.{random}`.
    public var fbp: String?
    /// `subscription_id`: the subscription id of this transaction.
    public var subscriptionID: String? {
        get { self[other: .subscriptionID] }
        set { self[other: .subscriptionID] = newValue }
    }
    /// `fb_login_id`: the app-scoped id of a Facebook Login user.
    public var fbLoginID: String? {
        get { self[other: .fbLoginID] }
        set { self[other: .fbLoginID] = newValue }
    }
    /// `lead_id`: the id of a Meta Lead Ads lead.
    public var leadID: String? {
        get { self[other: .leadID] }
        set { self[other: .leadID] = newValue }
    }
    /// `anon_id`: an app install id (app events only).
    public var anonID: String? {
        get { self[other: .anonID] }
        set { self[other: .anonID] = newValue }
    }
    /// `madid`: the mobile advertiser id, IDFA or GAID (app events only).
    public var madid: String? {
        get { self[other: .madid] }
        set { self[other: .madid] = newValue }
    }
    /// `page_id`: the id of the Facebook Page involved.
    public var pageID: String? {
        get { self[other: .pageID] }
        set { self[other: .pageID] = newValue }
    }
    /// `page_scoped_user_id`: the Page-scoped user id (PSID).
    public var pageScopedUserID: String? {
        get { self[other: .pageScopedUserID] }
        set { self[other: .pageScopedUserID] = newValue }
    }
    /// `ctwa_clid`: the Click-to-WhatsApp ad click id.
    public var ctwaClid: String? {
        get { self[other: .ctwaClid] }
        set { self[other: .ctwaClid] = newValue }
    }
    /// `ig_account_id`: the Instagram account id.
    public var igAccountID: String? {
        get { self[other: .igAccountID] }
        set { self[other: .igAccountID] = newValue }
    }
    /// `ig_sid`: the Instagram-scoped user id (Click-to-Instagram).
    public var igSID: String? {
        get { self[other: .igSID] }
        set { self[other: .igSID] = newValue }
    }

    /// The ten keys above, which an event rarely has, kept in one array sorted by key
    /// without nil values. An event without them (nearly every one) then copies and
    /// releases one shared empty array instead of ten optional strings. Each set of
    /// values has exactly one representation, so the synthesized `==` and `hash(into:)`
    /// mean what they meant with ten stored properties.
    private var otherIDs: [OtherID] = []

    struct OtherID: Hashable, Sendable {
        let key: PlainKey
        var value: String
    }

    private subscript(other key: PlainKey) -> String? {
        get {
            for entry in otherIDs where entry.key == key { return entry.value }
            return nil
        }
        set {
            let order = key.order
            let index = otherIDs.firstIndex { $0.key.order >= order } ?? otherIDs.endIndex
            if index < otherIDs.endIndex, otherIDs[index].key == key {
                if let newValue { otherIDs[index].value = newValue } else { otherIDs.remove(at: index) }
            } else if let newValue {
                otherIDs.insert(OtherID(key: key, value: newValue), at: index)
            }
        }
    }

    /// Creates empty user data.
    ///
    /// The same as the memberwise initializer with every default, without making and
    /// releasing its eleven empty arrays: `UserData()` is created for every event.
    public init() {
        hashedEntries = []
    }

    /// Creates user data. Every field may also be set afterwards.
    public init(
        emails: [HashedIdentifier] = [], phones: [HashedIdentifier] = [],
        firstNames: [HashedIdentifier] = [], lastNames: [HashedIdentifier] = [],
        genders: [HashedIdentifier] = [], datesOfBirth: [HashedIdentifier] = [],
        cities: [HashedIdentifier] = [], states: [HashedIdentifier] = [],
        zipCodes: [HashedIdentifier] = [], countries: [HashedIdentifier] = [],
        externalIDs: [HashedIdentifier] = [],
        clientIPAddress: String? = nil, clientUserAgent: String? = nil,
        fbc: String? = nil, fbp: String? = nil
    ) {
        hashedEntries = []
        // Group by group, in key order; no intermediate collections, since `UserData()` is
        // created for every event.
        @inline(__always) func add(_ values: [HashedIdentifier], _ key: HashedUserDataKey, to entries: inout [HashedEntry]) {
            for value in values { entries.append(HashedEntry(key: key, value: value)) }
        }
        add(emails, .email, to: &hashedEntries)
        add(phones, .phone, to: &hashedEntries)
        add(firstNames, .firstName, to: &hashedEntries)
        add(lastNames, .lastName, to: &hashedEntries)
        add(genders, .gender, to: &hashedEntries)
        add(datesOfBirth, .dateOfBirth, to: &hashedEntries)
        add(cities, .city, to: &hashedEntries)
        add(states, .state, to: &hashedEntries)
        add(zipCodes, .zipCode, to: &hashedEntries)
        add(countries, .country, to: &hashedEntries)
        add(externalIDs, .externalID, to: &hashedEntries)
        self.clientIPAddress = clientIPAddress
        self.clientUserAgent = clientUserAgent
        self.fbc = fbc
        self.fbp = fbp
    }

    /// The hashed values stored under one Meta key, in the order they were added.
    ///
    /// A key that holds one value (``HashedUserDataKey/isSingleValued``) keeps the first of
    /// the values set and drops the others.
    public subscript(hashed key: HashedUserDataKey) -> [HashedIdentifier] {
        get {
            let range = entryRange(of: key)
            return hashedEntries[range].map(\.value)
        }
        set {
            let range = entryRange(of: key)
            let kept = key.isSingleValued ? newValue.prefix(1) : newValue[...]
            hashedEntries.replaceSubrange(range, with: kept.map { HashedEntry(key: key, value: $0) })
        }
    }

    /// Adds `value` under `key` unless that key already holds it.
    ///
    /// - Returns: `false` when the value was already there (Meta gains nothing from a
    ///   duplicate), or when `key` holds one value (``HashedUserDataKey/isSingleValued``)
    ///   and has it already: the first value stays.
    @discardableResult
    public mutating func append(_ value: HashedIdentifier, for key: HashedUserDataKey) -> Bool {
        // The usual case, keys arriving in order: a key after the last entry's starts a new
        // group at the end, with nothing to compare against.
        let count = hashedEntries.count
        if count == 0 || hashedEntries[count &- 1].key.order < key.order {
            hashedEntries.append(HashedEntry(key: key, value: value))
            return true
        }
        let range = entryRange(of: key)
        if key.isSingleValued, !range.isEmpty { return false }
        for index in range where hashedEntries[index].value == value { return false }
        if range.upperBound == hashedEntries.count {
            hashedEntries.append(HashedEntry(key: key, value: value))  // the usual case: keys arrive in order
        } else {
            hashedEntries.insert(HashedEntry(key: key, value: value), at: range.upperBound)
        }
        return true
    }

    /// ``append(_:for:)`` for a digest computed here (no param-builder appendix), which the
    /// `Identity` module calls right after hashing: the digest is passed in registers, so
    /// no identifier is written to memory and copied again just before it is stored.
    package mutating func append(digest: SHA256Digest, for key: HashedUserDataKey) -> Bool {
        let count = hashedEntries.count
        if count == 0 || hashedEntries[count &- 1].key.order < key.order {
            hashedEntries.append(HashedEntry(key: key, value: HashedIdentifier(digest: digest)))
            return true
        }
        return append(HashedIdentifier(digest: digest), for: key)
    }

    /// Reserves room for `count` hashed values in total, so assembling them allocates once.
    public mutating func reserveHashedCapacity(_ count: Int) {
        hashedEntries.reserveCapacity(count)
    }

    /// The positions of `key`'s values, for ``hashedValue(at:)``: lets an encoder write them
    /// in place, without the array ``subscript(hashed:)`` builds.
    package func hashedIndices(of key: HashedUserDataKey) -> Range<Int> { entryRange(of: key) }

    /// The hashed value at `index`, one of ``hashedIndices(of:)``.
    package func hashedValue(at index: Int) -> HashedIdentifier { hashedEntries[index].value }

    /// How many hashed values `key` holds.
    public func count(of key: HashedUserDataKey) -> Int { entryRange(of: key).count }

    /// The positions of `key`'s group: entries are sorted by key, so this is a short scan.
    private func entryRange(of key: HashedUserDataKey) -> Range<Int> {
        let order = key.order
        var start = 0
        while start < hashedEntries.count, hashedEntries[start].key.order < order { start &+= 1 }
        var end = start
        while end < hashedEntries.count, hashedEntries[end].key == key { end &+= 1 }
        return start..<end
    }

    /// True when no key at all is set.
    public var isEmpty: Bool {
        // Field by field: an array of the fourteen optionals cost an allocation per call, and
        // the delivery queue asks once per event.
        hashedEntries.isEmpty && clientIPAddress == nil && clientUserAgent == nil && fbc == nil && fbp == nil
            && subscriptionID == nil && fbLoginID == nil && leadID == nil && anonID == nil && madid == nil
            && pageID == nil && pageScopedUserID == nil && ctwaClid == nil && igAccountID == nil && igSID == nil
    }
}

/// The `user_data` keys whose values Meta requires (or, for `external_id`, recommends) to be
/// SHA-256 hashes.
///
/// Besides the eleven keys of Meta's customer information parameters page, Meta's Business
/// SDKs send six keys derived from the name and date of birth (`f5first`, `fi`, `f5last`,
/// `dobd`, `dobm`, `doby`); each follows the key it is derived from.
public enum HashedUserDataKey: String, Hashable, Sendable, CaseIterable, Codable {
    case email = "em"
    case phone = "ph"
    case firstName = "fn"
    /// `f5first`: the first five characters of the normalized first name.
    case firstNamePrefix = "f5first"
    /// `fi`: the first character of the normalized first name.
    case firstInitial = "fi"
    case lastName = "ln"
    /// `f5last`: the first five characters of the normalized last name.
    case lastNamePrefix = "f5last"
    case gender = "ge"
    case dateOfBirth = "db"
    /// `dobd`: the day of birth, `DD`.
    case dayOfBirth = "dobd"
    /// `dobm`: the month of birth, `MM`.
    case monthOfBirth = "dobm"
    /// `doby`: the year of birth, `YYYY`.
    case yearOfBirth = "doby"
    case city = "ct"
    case state = "st"
    case zipCode = "zp"
    case country = "country"
    case externalID = "external_id"

    /// The position of the key in ``allCases``, the order of `user_data`'s hashed groups.
    ///
    /// Derived keys follow their source, so the assembler, which hashes fn, ln and db in this
    /// order and derives right after each, always appends at the end of `UserData`'s storage.
    var order: Int {
        switch self {
        case .email: 0
        case .phone: 1
        case .firstName: 2
        case .firstNamePrefix: 3
        case .firstInitial: 4
        case .lastName: 5
        case .lastNamePrefix: 6
        case .gender: 7
        case .dateOfBirth: 8
        case .dayOfBirth: 9
        case .monthOfBirth: 10
        case .yearOfBirth: 11
        case .city: 12
        case .state: 13
        case .zipCode: 14
        case .country: 15
        case .externalID: 16
        }
    }

    /// True for the keys Meta's SDKs send as one string rather than a list (`f5first`,
    /// `f5last`, `fi`, `dobd`, `dobm`, `doby`): ``UserData`` keeps one value for them and
    /// encodes it as a string.
    public var isSingleValued: Bool { derivedFrom != nil }

    /// The key whose normalized value this key is computed from: `fn` for `f5first` and `fi`,
    /// `ln` for `f5last`, `db` for `dobd`, `dobm` and `doby`; `nil` for the others.
    public var derivedFrom: HashedUserDataKey? {
        switch self {
        case .firstNamePrefix, .firstInitial: .firstName
        case .lastNamePrefix: .lastName
        case .dayOfBirth, .monthOfBirth, .yearOfBirth: .dateOfBirth
        default: nil
        }
    }

    /// The keys computed from this key's normalized value, in `allCases` order (the
    /// inverse of ``derivedFrom``).
    public var derivedKeys: [HashedUserDataKey] {
        // Stored lists: the assembler asks for every event, and a literal could allocate.
        switch self {
        case .firstName: Self.keysDerivedFromFirstName
        case .lastName: Self.keysDerivedFromLastName
        case .dateOfBirth: Self.keysDerivedFromDateOfBirth
        default: []
        }
    }

    private static let keysDerivedFromFirstName: [HashedUserDataKey] = [.firstNamePrefix, .firstInitial]
    private static let keysDerivedFromLastName: [HashedUserDataKey] = [.lastNamePrefix]
    private static let keysDerivedFromDateOfBirth: [HashedUserDataKey] = [.dayOfBirth, .monthOfBirth, .yearOfBirth]
}

extension UserData: Codable {
    enum PlainKey: String, CodingKey, CaseIterable {
        case clientIPAddress = "client_ip_address"
        case clientUserAgent = "client_user_agent"
        case fbc, fbp
        case subscriptionID = "subscription_id"
        case fbLoginID = "fb_login_id"
        case leadID = "lead_id"
        case anonID = "anon_id"
        case madid
        case pageID = "page_id"
        case pageScopedUserID = "page_scoped_user_id"
        case ctwaClid = "ctwa_clid"
        case igAccountID = "ig_account_id"
        case igSID = "ig_sid"

        /// The position of the key in ``allCases``.
        var order: Int { Self.allCases.firstIndex(of: self)! }

        /// `allCases`, stored: an enum's is built anew on every call.
        static let orderedCases: [PlainKey] = allCases

        var keyPath: WritableKeyPath<UserData, String?> {
            switch self {
            case .clientIPAddress: \.clientIPAddress
            case .clientUserAgent: \.clientUserAgent
            case .fbc: \.fbc
            case .fbp: \.fbp
            case .subscriptionID: \.subscriptionID
            case .fbLoginID: \.fbLoginID
            case .leadID: \.leadID
            case .anonID: \.anonID
            case .madid: \.madid
            case .pageID: \.pageID
            case .pageScopedUserID: \.pageScopedUserID
            case .ctwaClid: \.ctwaClid
            case .igAccountID: \.igAccountID
            case .igSID: \.igSID
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        for key in HashedUserDataKey.allCases {
            let codingKey = AnyCodingKey(key.rawValue)
            guard container.contains(codingKey), try !container.decodeNil(forKey: codingKey) else { continue }
            // Meta accepts a single string or a list for every hashed key (a single-valued key
            // keeps the first value of a list).
            if let single = try? container.decode(HashedIdentifier.self, forKey: codingKey) {
                self[hashed: key] = [single]
            } else {
                self[hashed: key] = try container.decode([HashedIdentifier].self, forKey: codingKey)
            }
        }
        for key in PlainKey.allCases {
            let codingKey = AnyCodingKey(key.rawValue)
            // Some ids (fb_login_id, page_id) arrive as JSON numbers from other tools.
            if let text = try? container.decodeIfPresent(String.self, forKey: codingKey) {
                self[keyPath: key.keyPath] = text
            } else if let number = try? container.decodeIfPresent(Int64.self, forKey: codingKey) {
                self[keyPath: key.keyPath] = String(number)
            } else if container.contains(codingKey), try !container.decodeNil(forKey: codingKey) {
                throw DecodingError.typeMismatch(
                    String.self,
                    .init(codingPath: container.codingPath + [codingKey], debugDescription: "expected a string"))
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        var start = 0
        while start < hashedEntries.count {
            let key = hashedEntries[start].key
            var end = start
            while end < hashedEntries.count, hashedEntries[end].key == key { end &+= 1 }
            if key.isSingleValued {
                // One string, as Meta's SDKs send these keys.
                try container.encode(hashedEntries[start].value, forKey: AnyCodingKey(key.rawValue))
            } else {
                try container.encode(hashedEntries[start..<end].map(\.value), forKey: AnyCodingKey(key.rawValue))
            }
            start = end
        }
        for key in PlainKey.allCases {
            try container.encodeIfPresent(self[keyPath: key.keyPath], forKey: AnyCodingKey(key.rawValue))
        }
    }
}

/// A coding key made from any string, for objects with open or table-driven keys.
struct AnyCodingKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { self.stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}
