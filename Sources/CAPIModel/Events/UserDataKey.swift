/// Every key `user_data` can carry, hashed or not, in Meta's spelling.
///
/// The hashed keys come first, in ``HashedUserDataKey`` order (each derived key after the key
/// it is derived from), then the keys sent unhashed.
///
/// Each wire name is written once: a hashed key's in ``HashedUserDataKey``, an unhashed key's
/// in `UserData`'s coding keys. This type lists the keys in that order and takes its raw value
/// and its mappings from there by position, so adding a key means adding its case here at the
/// matching position (a test compares the two lists name by name).
///
/// ``rawValue`` and ``init(rawValue:)`` are members, not a `RawRepresentable` conformance:
/// that protocol's default `hash(into:)` hashes the raw value, which is looked up by position,
/// which is looked up by hash.
public enum UserDataKey: Hashable, Sendable, CaseIterable, Codable, Comparable {
    // The hashed keys, as in HashedUserDataKey.
    case email
    case phone
    case firstName
    case firstNamePrefix
    case firstInitial
    case lastName
    case lastNamePrefix
    case gender
    case dateOfBirth
    case dayOfBirth
    case monthOfBirth
    case yearOfBirth
    case city
    case state
    case zipCode
    case country
    case externalID
    // The keys sent unhashed, as in UserData.PlainKey.
    case clientIPAddress
    case clientUserAgent
    case fbc
    case fbp
    case subscriptionID
    case fbLoginID
    case leadID
    case anonID
    case madid
    case pageID
    case pageScopedUserID
    case ctwaClid
    case igAccountID
    case igSID

    /// The key's name in `user_data`, such as `em` or `client_ip_address`.
    public var rawValue: String { Self.rawValues[index] }

    /// The key named `rawValue` in `user_data`, or `nil` for a name Meta does not define.
    public init?(rawValue: String) {
        guard let index = Self.rawValues.firstIndex(of: rawValue) else { return nil }
        self = Self.orderedCases[index]
    }

    /// The hashed key this is, or `nil` for keys sent unhashed.
    public var hashedKey: HashedUserDataKey? {
        let index = self.index
        return index < Self.hashedKeys.count ? Self.hashedKeys[index] : nil
    }

    /// The unhashed key this is, or `nil` for hashed keys.
    var plainKey: UserData.PlainKey? {
        let index = self.index &- Self.hashedKeys.count
        return index >= 0 ? UserData.PlainKey.orderedCases[index] : nil
    }

    /// The position of the key in `allCases`, for table-driven counters.
    public var index: Int { Self.indexTable[self]! }

    public static func < (lhs: UserDataKey, rhs: UserDataKey) -> Bool { lhs.index < rhs.index }

    /// A single string, as with a `String` raw value.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let key = Self(rawValue: name) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "Cannot initialize UserDataKey from invalid String value \(name)")
        }
        self = key
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    // Stored tables: `allCases` of an enum is built anew on every call.
    static let orderedCases: [UserDataKey] = allCases
    static let hashedKeys: [HashedUserDataKey] = HashedUserDataKey.allCases
    private static let rawValues: [String] =
        HashedUserDataKey.allCases.map(\.rawValue) + UserData.PlainKey.allCases.map(\.rawValue)
    private static let indexTable: [UserDataKey: Int] = Dictionary(
        uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })
}

extension HashedUserDataKey {
    /// The same key as a ``UserDataKey``.
    public var userDataKey: UserDataKey { UserDataKey.orderedCases[order] }
}

extension UserData {
    /// True when `key` carries at least one value.
    public func contains(_ key: UserDataKey) -> Bool {
        if let hashed = key.hashedKey { return count(of: hashed) > 0 }
        return key.plainKey.map { self[keyPath: $0.keyPath] != nil } ?? false
    }

    /// The keys that carry at least one value, in ``UserDataKey`` order.
    public var presentKeys: [UserDataKey] { UserDataKey.allCases.filter(contains) }
}
