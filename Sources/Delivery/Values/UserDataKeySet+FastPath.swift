public import CAPIModel

extension UserDataKeySet {
    /// The keys `userData` carries.
    ///
    /// This runs once per enqueued event, so it reads the fields directly rather than going
    /// through `UserData.contains(_:)` as `init(plainly:)` does, and counts hashed values
    /// rather than asking for them (which builds an array per key).
    public init(_ userData: UserData) {
        var raw: UInt32 = 0
        @inline(__always) func set(_ bit: Int, _ present: Bool) { if present { raw |= 1 << UInt32(bit) } }
        set(0, userData.count(of: .email) != 0)
        set(1, userData.count(of: .phone) != 0)
        set(2, userData.count(of: .firstName) != 0)
        set(3, userData.count(of: .firstNamePrefix) != 0)
        set(4, userData.count(of: .firstInitial) != 0)
        set(5, userData.count(of: .lastName) != 0)
        set(6, userData.count(of: .lastNamePrefix) != 0)
        set(7, userData.count(of: .gender) != 0)
        set(8, userData.count(of: .dateOfBirth) != 0)
        set(9, userData.count(of: .dayOfBirth) != 0)
        set(10, userData.count(of: .monthOfBirth) != 0)
        set(11, userData.count(of: .yearOfBirth) != 0)
        set(12, userData.count(of: .city) != 0)
        set(13, userData.count(of: .state) != 0)
        set(14, userData.count(of: .zipCode) != 0)
        set(15, userData.count(of: .country) != 0)
        set(16, userData.count(of: .externalID) != 0)
        set(17, userData.clientIPAddress != nil)
        set(18, userData.clientUserAgent != nil)
        set(19, userData.fbc != nil)
        set(20, userData.fbp != nil)
        set(21, userData.subscriptionID != nil)
        set(22, userData.fbLoginID != nil)
        set(23, userData.leadID != nil)
        set(24, userData.anonID != nil)
        set(25, userData.madid != nil)
        set(26, userData.pageID != nil)
        set(27, userData.pageScopedUserID != nil)
        set(28, userData.ctwaClid != nil)
        set(29, userData.igAccountID != nil)
        set(30, userData.igSID != nil)
        self.rawValue = raw
    }
}
