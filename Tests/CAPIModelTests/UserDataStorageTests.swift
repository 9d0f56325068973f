import CAPIModel
import Foundation
import Testing

/// UserData keeps its rarely used ids together; values must behave exactly as ten
/// separate optional properties would.
@Suite struct UserDataStorageTests {
    static var setters: [(WritableKeyPath<UserData, String?>, String)] {
        [
            (\.subscriptionID, "subscription_id"), (\.fbLoginID, "fb_login_id"), (\.leadID, "lead_id"),
            (\.anonID, "anon_id"), (\.madid, "madid"), (\.pageID, "page_id"), (\.pageScopedUserID, "page_scoped_user_id"),
            (\.ctwaClid, "ctwa_clid"), (\.igAccountID, "ig_account_id"), (\.igSID, "ig_sid"),
        ]
    }

    @Test func eachIDIsItsOwnField() throws {
        var data = UserData()
        for (index, (path, _)) in Self.setters.enumerated() { data[keyPath: path] = "v\(index)" }
        for (index, (path, _)) in Self.setters.enumerated() { #expect(data[keyPath: path] == "v\(index)") }
        data.leadID = nil
        #expect(data.leadID == nil && data.fbLoginID == "v1" && data.anonID == "v3")
        data.leadID = "again"
        #expect(data.leadID == "again")
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(data)) as! [String: String]
        for (index, (path, name)) in Self.setters.enumerated() {
            #expect(json[name] == data[keyPath: path], "\(name) \(index)")
        }
        #expect(try JSONDecoder().decode(UserData.self, from: JSONEncoder().encode(data)) == data)
    }

    @Test func orderOfAssignmentDoesNotMatter() {
        var forward = UserData()
        var backward = UserData()
        for (index, (path, _)) in Self.setters.enumerated() { forward[keyPath: path] = "v\(index)" }
        for (index, (path, _)) in Self.setters.enumerated().reversed() { backward[keyPath: path] = "v\(index)" }
        #expect(forward == backward && forward.hashValue == backward.hashValue)
        // Setting and clearing leaves no trace.
        var cleared = UserData()
        cleared.madid = "x"
        cleared.igSID = "y"
        cleared.madid = nil
        cleared.igSID = nil
        #expect(cleared == UserData() && cleared.hashValue == UserData().hashValue && cleared.isEmpty)
        var other = UserData()
        other.madid = "x"
        #expect(other != UserData() && !other.isEmpty && other.presentKeys == [.madid])
        var different = other
        different.madid = "z"
        #expect(different != other)
    }
}
