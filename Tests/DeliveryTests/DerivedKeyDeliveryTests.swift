import CAPIModel
import Delivery
import DeliveryTesting
import Identity
import Testing

/// f5first, f5last, fi, dobd, dobm and doby on their way out: encoded by both encoders as one
/// string each, and counted in the key sets stores add up into coverage.
@Suite struct DerivedKeyDeliveryTests {
    static func hash(_ text: String) -> HashedIdentifier { HashedIdentifier(digest: SHA256.hash(text)) }

    static func withDerivedKeys() -> ServerEvent {
        var event = Fixtures.purchase("d-1")
        event.userData.firstNames = [hash("elodie")]
        event.userData.firstNamePrefix = hash("elodi")
        event.userData.firstInitial = hash("e")
        event.userData.lastNamePrefix = hash("mülle")
        event.userData.dayOfBirth = hash("07")
        event.userData.monthOfBirth = hash("03")
        event.userData.yearOfBirth = HashedIdentifier(hexString: SHA256.hash("1990").hexString + ".AQQAAQIB")!
        return event
    }

    @Test func bothEncodersWriteOneStringPerDerivedKey() throws {
        let event = Self.withDerivedKeys()
        let fast = try FastServerEventEncoder().encode(event)
        #expect(fast == (try FoundationServerEventEncoder().encode(event)))
        #expect(fast.contains(#""fi":"\#(Self.hash("e").hexString)","fn":["\#(Self.hash("elodie").hexString)"]"#))
        #expect(fast.contains(#""doby":"\#(SHA256.hash("1990").hexString).AQQAAQIB""#))
        for key in ["f5first", "f5last", "dobd", "dobm"] { #expect(fast.contains(#""\#(key)":""#)) }
    }

    @Test func keySetsFollowTheKeyOrder() {
        let all = Self.withDerivedKeys().userData
        #expect(UserDataKeySet(all).keys == all.presentKeys)
        // Each hashed key alone sets its own bit, which is its UserDataKey index.
        for key in HashedUserDataKey.allCases {
            var data = UserData()
            data.append(Self.hash(key.rawValue), for: key)
            #expect(UserDataKeySet(data).keys == [key.userDataKey], "\(key)")
            #expect(UserDataKeySet(data) == UserDataKeySet(key.userDataKey), "\(key)")
        }
    }
}
