import Foundation
import Testing

@testable import CAPIModel

/// `UserDataKey` takes its wire names and mappings from `HashedUserDataKey` and
/// `UserData.PlainKey` by position; these tests fail when the lists drift apart.
@Suite struct UserDataKeyTests {
    /// Meta's names, in `UserDataKey` order, written out here as the specification.
    static let wireNames = [
        "em", "ph", "fn", "f5first", "fi", "ln", "f5last", "ge", "db", "dobd", "dobm", "doby", "ct", "st", "zp",
        "country", "external_id", "client_ip_address", "client_user_agent", "fbc", "fbp", "subscription_id",
        "fb_login_id", "lead_id", "anon_id", "madid", "page_id", "page_scoped_user_id", "ctwa_clid", "ig_account_id",
        "ig_sid",
    ]

    @Test func everyKeyHasMetasName() {
        #expect(UserDataKey.allCases.map(\.rawValue) == Self.wireNames)
        for (index, name) in Self.wireNames.enumerated() {
            #expect(UserDataKey(rawValue: name) == UserDataKey.allCases[index])
            #expect(UserDataKey.allCases[index].index == index)
        }
        #expect(UserDataKey(rawValue: "email") == nil)
        #expect(UserDataKey(rawValue: "") == nil)
    }

    @Test func theListsAgreeNameByName() {
        let hashedCount = HashedUserDataKey.allCases.count
        #expect(UserDataKey.allCases.count == hashedCount + UserData.PlainKey.allCases.count)
        for key in UserDataKey.allCases {
            if let hashed = key.hashedKey {
                #expect(key.plainKey == nil)
                #expect("\(hashed)" == "\(key)")
                #expect(hashed.rawValue == key.rawValue)
                #expect(hashed.userDataKey == key)
                #expect(hashed.order == key.index)
            } else {
                let plain = try! #require(key.plainKey)
                #expect(plain.rawValue == key.rawValue)
                #expect(plain.order + hashedCount == key.index)
            }
        }
        #expect(UserDataKey.allCases.compactMap(\.hashedKey) == HashedUserDataKey.allCases)
        #expect(HashedUserDataKey.allCases.map(\.userDataKey) == Array(UserDataKey.allCases.prefix(hashedCount)))
    }

    /// The unhashed keys by case name (`UserData.PlainKey` is a `CodingKey`, which describes
    /// itself by its string value, so its case names cannot be compared as above).
    @Test func unhashedKeysHaveTheirNames() {
        let named: [(UserDataKey, String)] = [
            (.clientIPAddress, "client_ip_address"), (.clientUserAgent, "client_user_agent"), (.fbc, "fbc"),
            (.fbp, "fbp"), (.subscriptionID, "subscription_id"), (.fbLoginID, "fb_login_id"), (.leadID, "lead_id"),
            (.anonID, "anon_id"), (.madid, "madid"), (.pageID, "page_id"), (.pageScopedUserID, "page_scoped_user_id"),
            (.ctwaClid, "ctwa_clid"), (.igAccountID, "ig_account_id"), (.igSID, "ig_sid"),
        ]
        #expect(named.map(\.0) == UserDataKey.allCases.filter { $0.hashedKey == nil })
        for (key, name) in named {
            #expect(key.rawValue == name)
            #expect(key.plainKey?.rawValue == name)
        }
    }

    @Test func codesAsItsNameAlone() throws {
        let keys: [UserDataKey] = [.email, .yearOfBirth, .externalID, .clientIPAddress, .igSID]
        let json = String(decoding: try JSONEncoder().encode(keys), as: UTF8.self)
        #expect(json == #"["em","doby","external_id","client_ip_address","ig_sid"]"#)
        #expect(try JSONDecoder().decode([UserDataKey].self, from: Data(json.utf8)) == keys)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([UserDataKey].self, from: Data(#"["email"]"#.utf8)) }
    }

    @Test func ordersByPosition() {
        #expect(UserDataKey.allCases.sorted() == UserDataKey.allCases)
        #expect(UserDataKey.externalID < .clientIPAddress && UserDataKey.email < .phone)
    }
}
