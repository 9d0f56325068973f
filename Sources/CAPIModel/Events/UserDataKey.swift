/// Every key `user_data` can carry, hashed or not, in Meta's spelling.
///
/// The hashed keys come first, in ``HashedUserDataKey`` order (each derived key after the key
/// it is derived from), then the keys sent unhashed.
public enum UserDataKey: String, Hashable, Sendable, CaseIterable, Codable, Comparable {
    case email = "em"
    case phone = "ph"
    case firstName = "fn"
    case firstNamePrefix = "f5first"
    case firstInitial = "fi"
    case lastName = "ln"
    case lastNamePrefix = "f5last"
    case gender = "ge"
    case dateOfBirth = "db"
    case dayOfBirth = "dobd"
    case monthOfBirth = "dobm"
    case yearOfBirth = "doby"
    case city = "ct"
    case state = "st"
    case zipCode = "zp"
    case country = "country"
    case externalID = "external_id"
    case clientIPAddress = "client_ip_address"
    case clientUserAgent = "client_user_agent"
    case fbc
    case fbp
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

    /// The hashed key this is, or `nil` for keys sent unhashed.
    public var hashedKey: HashedUserDataKey? { HashedUserDataKey(rawValue: rawValue) }

    /// The position of the key in `allCases`, for table-driven counters.
    public var index: Int { Self.indexTable[self]! }

    private static let indexTable: [UserDataKey: Int] = Dictionary(
        uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })

    public static func < (lhs: UserDataKey, rhs: UserDataKey) -> Bool { lhs.index < rhs.index }
}

extension HashedUserDataKey {
    /// The same key as a ``UserDataKey``.
    public var userDataKey: UserDataKey { UserDataKey(rawValue: rawValue)! }
}

extension UserData {
    /// True when `key` carries at least one value.
    public func contains(_ key: UserDataKey) -> Bool {
        if let hashed = key.hashedKey { return count(of: hashed) > 0 }
        return UserData.PlainKey(rawValue: key.rawValue).map { self[keyPath: $0.keyPath] != nil } ?? false
    }

    /// The keys that carry at least one value, in ``UserDataKey`` order.
    public var presentKeys: [UserDataKey] { UserDataKey.allCases.filter(contains) }
}
