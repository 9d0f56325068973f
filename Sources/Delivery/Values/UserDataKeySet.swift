public import CAPIModel

/// The set of `user_data` keys one event carries, as a bit mask over ``UserDataKey``.
///
/// Events are stored already encoded, so coverage is computed once at enqueue time and kept
/// as these 32 bits; stores add them up into ``MatchKeyCoverage`` per pixel.
public struct UserDataKeySet: OptionSet, Hashable, Sendable, Codable {
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The set with one key.
    public init(_ key: UserDataKey) { self.rawValue = 1 << UInt32(key.index) }

    /// The keys `userData` carries.
    public init(_ userData: UserData) {
        var raw: UInt32 = 0
        for key in UserDataKey.allCases where userData.contains(key) {
            raw |= 1 << UInt32(key.index)
        }
        self.rawValue = raw
    }

    /// The keys in the set, in ``UserDataKey`` order.
    public var keys: [UserDataKey] {
        UserDataKey.allCases.filter { rawValue & (1 << UInt32($0.index)) != 0 }
    }
}
