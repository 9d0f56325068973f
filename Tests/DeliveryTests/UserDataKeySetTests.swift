import CAPIModel
@testable import Delivery
import DeliveryTesting
import Testing
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `UserDataKeySet(_:)` reads `UserData`'s fields directly (`UserDataKeySet+FastPath.swift`);
/// `UserDataKeySet(plainly:)` asks `UserData.contains(_:)` key by key. They must agree.
@Suite("UserDataKeySet")
struct UserDataKeySetTests {
    @Test(arguments: UserDataKey.allCases)
    func directFieldReadingAgreesWithContains(_ key: UserDataKey) throws {
        var userData = UserData()
        if let hashed = key.hashedKey {
            userData[hashed: hashed] = [HashedIdentifier(hexString: String(repeating: "0", count: 64))!]
        } else {
            let json = #"{"\#(key.rawValue)":"x"}"#
            userData = try CAPIJSON.decode(UserData.self, from: Data(json.utf8))
        }
        let set = UserDataKeySet(userData)
        #expect(set == UserDataKeySet(key))
        #expect(set.keys == [key])
        #expect(userData.presentKeys == [key])
    }

    @Test func directFieldReadingAgreesWithContainsForAnySetOfKeys() throws {
        var generator = SeededGenerator(seed: 19)
        let hash = String(repeating: "0", count: 64)
        for _ in 0..<2_000 {
            let chosen = UserDataKey.allCases.filter { _ in generator.next() % 3 == 0 }
            // Every hashed key accepts a single string; every unhashed key takes one.
            let fields = chosen.map { #""\#($0.rawValue)":"\#($0.hashedKey == nil ? "x" : hash)""# }
            let json = "{" + fields.joined(separator: ",") + "}"
            let userData = try CAPIJSON.decode(UserData.self, from: Data(json.utf8))
            let expected = chosen.reduce(into: UserDataKeySet()) { $0.insert(UserDataKeySet($1)) }
            #expect(UserDataKeySet(userData) == expected, "\(json)")
            #expect(UserDataKeySet(plainly: userData) == expected, "\(json)")
            #expect(UserDataKeySet(userData).keys == chosen)
        }
    }
}
