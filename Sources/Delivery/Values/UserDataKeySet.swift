public import CAPIModel

/// The set of `user_data` keys one event carries, as a bit mask over `UserDataKey`.
///
/// Events are stored already encoded, so coverage is computed once at enqueue time and kept
/// as these 32 bits (31 keys); stores add them up into `MatchKeyCoverage` per pixel. Bit `i` is
/// `UserDataKey.allCases[i]` (the key's `UserDataKey.index`).
public struct UserDataKeySet: OptionSet, Hashable, Sendable, Codable {
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Every key, in bit order.
    static let orderedKeys: [UserDataKey] = UserDataKey.allCases

    /// The set with one key.
    public init(_ key: UserDataKey) { self.rawValue = 1 << UInt32(key.index) }

    /// The keys `userData` carries, asked key by key with `UserData.contains(_:)`: the
    /// definition `init(_ userData:)` (in `UserDataKeySet+FastPath.swift`) must equal.
    init(plainly userData: UserData) {
        self = userData.presentKeys.reduce(into: []) { $0.insert(UserDataKeySet($1)) }
    }

    /// The keys in the set, in `UserDataKey` order.
    public var keys: [UserDataKey] {
        var keys: [UserDataKey] = []
        forEachIndex { keys.append(Self.orderedKeys[$0]) }
        return keys
    }

    /// Calls `body` with the bit index (`UserDataKey.index`) of every key in the set.
    @inlinable
    public func forEachIndex(_ body: (Int) -> Void) {
        var bits = rawValue
        while bits != 0 {
            let index = bits.trailingZeroBitCount
            body(index)
            bits &= bits &- 1
        }
    }
}
