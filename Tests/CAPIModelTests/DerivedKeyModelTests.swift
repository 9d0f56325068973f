import CAPIModel
import Foundation
import Testing

/// The keys Meta's SDKs derive from the name and date of birth: one value each, sent as one
/// string, counted in coverage like every other key.
@Suite struct DerivedKeyModelTests {
    static func hash(_ seed: String) -> HashedIdentifier {
        HashedIdentifier(hexString: String(repeating: seed, count: 64 / seed.count))!
    }

    static var derived: [(WritableKeyPath<UserData, HashedIdentifier?>, HashedUserDataKey, UserDataKey)] {
        [
            (\.firstNamePrefix, .firstNamePrefix, .firstNamePrefix), (\.lastNamePrefix, .lastNamePrefix, .lastNamePrefix),
            (\.firstInitial, .firstInitial, .firstInitial), (\.dayOfBirth, .dayOfBirth, .dayOfBirth),
            (\.monthOfBirth, .monthOfBirth, .monthOfBirth), (\.yearOfBirth, .yearOfBirth, .yearOfBirth),
        ]
    }

    @Test func metasSpellings() {
        #expect(Self.derived.map(\.1.rawValue) == ["f5first", "f5last", "fi", "dobd", "dobm", "doby"])
        #expect(Self.derived.allSatisfy { $0.1.userDataKey == $0.2 && $0.2.hashedKey == $0.1 && $0.1.isSingleValued })
        #expect(HashedUserDataKey.allCases.filter(\.isSingleValued).count == 6)
        #expect(HashedUserDataKey.firstName.derivedKeys == [.firstNamePrefix, .firstInitial])
        #expect(HashedUserDataKey.lastName.derivedKeys == [.lastNamePrefix])
        #expect(HashedUserDataKey.dateOfBirth.derivedKeys == [.dayOfBirth, .monthOfBirth, .yearOfBirth])
        for key in HashedUserDataKey.allCases {
            #expect(key.derivedKeys.allSatisfy { $0.derivedFrom == key })
        }
        // Every hashed key is a user_data key, in the same order.
        #expect(UserDataKey.allCases.compactMap(\.hashedKey) == HashedUserDataKey.allCases)
    }

    @Test func eachHoldsOneValueAndEncodesAsOneString() throws {
        var data = UserData(firstNames: [Self.hash("a1")])
        for (index, (path, _, _)) in Self.derived.enumerated() { data[keyPath: path] = Self.hash("b\(index)") }
        for (index, (path, key, userDataKey)) in Self.derived.enumerated() {
            #expect(data[keyPath: path] == Self.hash("b\(index)"))
            #expect(data[hashed: key] == [Self.hash("b\(index)")])
            #expect(data.contains(userDataKey))
            // A second value is refused: the first stays.
            let appended = data.append(Self.hash("c\(index)"), for: key)
            #expect(!appended)
            data[hashed: key] = [Self.hash("d\(index)"), Self.hash("e\(index)")]
            #expect(data[hashed: key] == [Self.hash("d\(index)")])
            data[keyPath: path] = Self.hash("b\(index)")
        }
        let json = String(decoding: try CAPIJSON.encode(data), as: UTF8.self)
        #expect(json.contains(#""f5first":"\#(Self.hash("b0").hexString)""#))
        #expect(json.contains(#""doby":"\#(Self.hash("b5").hexString)""#))
        #expect(json.contains(#""fn":["\#(Self.hash("a1").hexString)"]"#))
        #expect(try CAPIJSON.decode(UserData.self, from: Data(json.utf8)) == data)
        // A list, as other tools may send, keeps its first value.
        let list = #"{"fi":["\#(Self.hash("f1").hexString)","\#(Self.hash("f2").hexString)"]}"#
        #expect(try CAPIJSON.decode(UserData.self, from: Data(list.utf8)).firstInitial == Self.hash("f1"))
        // Clearing leaves no trace.
        for (path, _, _) in Self.derived { data[keyPath: path] = nil }
        #expect(data == UserData(firstNames: [Self.hash("a1")]))
    }

    @Test func coverageCountsTheDerivedKeys() throws {
        var data = UserData()
        data.dayOfBirth = Self.hash("0d")
        data.firstInitial = Self.hash("1f")
        #expect(data.presentKeys == [.firstInitial, .dayOfBirth])
        var coverage = MatchKeyCoverage()
        coverage.record(eventName: .purchase, userData: data)
        #expect(coverage[.purchase].count(of: .dayOfBirth) == 1)
        #expect(coverage[.purchase].count(of: .firstInitial) == 1)
        #expect(coverage[.purchase].count(of: .yearOfBirth) == 0)
        #expect(try CAPIJSON.decode(MatchKeyCoverage.self, from: CAPIJSON.encode(coverage)) == coverage)
    }

    /// Counters encoded before the derived keys existed had 25 counts in the old key order;
    /// they decode with each count under its own key.
    @Test func coverageFromBeforeTheDerivedKeysDecodes() throws {
        var counts = Array(repeating: 0, count: 25)
        counts[0] = 7  // em
        counts[5] = 3  // db
        counts[14] = 5  // fbp
        counts[24] = 1  // ig_sid
        let json = #"{"byEventName":["Purchase",{"events":9,"keyCounts":\#(counts),"rejections":[]}]}"#
        let coverage = try CAPIJSON.decode(MatchKeyCoverage.self, from: Data(json.utf8))
        let purchase = coverage[.purchase]
        #expect(purchase.events == 9)
        #expect(purchase.count(of: .email) == 7 && purchase.count(of: .dateOfBirth) == 3)
        #expect(purchase.count(of: .fbp) == 5 && purchase.count(of: .igSID) == 1)
        #expect(purchase.count(of: .yearOfBirth) == 0 && purchase.count(of: .firstInitial) == 0)
    }
}
