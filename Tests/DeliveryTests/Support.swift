import CAPIModel
import Delivery
import DeliveryTesting
import Identity
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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
            eventName: .purchase, eventTime: time.wholeSeconds, actionSource: source, userData: userData,
            customData: CustomData(value: 42.5, currency: "EUR"), eventID: eventID,
            eventSourceURL: source == .website ? "https://shop.example.com/done" : nil)
    }

    static func leased(_ id: Int64, attempts: Int = 0, time: Timestamp = t0, source: ActionSource = .website) -> LeasedEvent {
        LeasedEvent(
            id: EventRecordID(id), key: EventKey(pixelID: pixel, eventName: .purchase, eventID: "e\(id)"),
            eventTime: time.wholeSeconds, actionSource: source, json: #"{"event_id":"e\#(id)"}"#, attempts: attempts,
            leaseToken: LeaseToken(1))
    }

    static var destination: PixelDestination {
        var destination = PixelDestination(pixelID: pixel, accessToken: AccessToken(token))
        destination.appSecret = AppSecret(secret)
        destination.testEventCode = "TEST123"
        return destination
    }
}
