import CAPIModel
import Delivery
import DeliveryTesting
import Identity
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A seeded SplitMix64 generator, for reproducible jitter.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Fixtures {
    static let t0 = Timestamp(milliseconds: 1_767_225_600_000)
    static let pixel: PixelID = "1234567890"
    static let token = "EAAB-secret-token-value"
    static let secret = "app-secret-value"
    static let email = "jane.doe@example.com"

    static func purchase(_ eventID: String?, at time: Timestamp = t0, source: ActionSource = .website) -> ServerEvent {
        var userData = UserData(
            emails: [HashedIdentifier(digest: SHA256.hash(email))], clientIPAddress: "203.0.113.7",
            clientUserAgent: "Mozilla/5.0")
        userData.fbp = "fb.1.1767225000456.1234567890"
        return ServerEvent(
            eventName: .purchase, eventTime: time.unixTime, actionSource: source, userData: userData,
            customData: CustomData(value: 42.5, currency: "EUR"), eventID: eventID,
            eventSourceURL: source == .website ? "https://shop.example.com/done" : nil)
    }

    static func leased(_ id: Int64, attempts: Int = 0, time: Timestamp = t0, source: ActionSource = .website) -> LeasedEvent {
        LeasedEvent(
            id: EventRecordID(id), key: EventKey(pixelID: pixel, eventName: .purchase, eventID: "e\(id)"),
            eventTime: time.unixTime, actionSource: source, json: #"{"event_id":"e\#(id)"}"#, attempts: attempts)
    }

    static var destination: PixelDestination {
        var destination = PixelDestination(pixelID: pixel, accessToken: AccessToken(token))
        destination.appSecret = AppSecret(secret)
        destination.testEventCode = "TEST123"
        return destination
    }
}
