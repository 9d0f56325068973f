import CAPIModel
@testable import Delivery
import Identity
import Matching
import Testing
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("Request bodies and credentials")
struct RequestBodyTests {
    @Test func bodyIsMetaShapedWithTestCode() throws {
        let encoder = FoundationServerEventEncoder()
        let events = try (1...3).map { index in
            LeasedEvent(
                id: EventRecordID(Int64(index)),
                key: EventKey(pixelID: Fixtures.pixel, eventName: .purchase, eventID: "o-\(index)"),
                eventTime: Fixtures.t0.wholeSeconds, actionSource: .website,
                json: try encoder.encode(Fixtures.purchase("o-\(index)")), attempts: 0, leaseToken: LeaseToken(1))
        }
        let body = RequestBody.make(events: events, destination: Fixtures.destination)
        let request = try CAPIJSON.decode(EventRequest.self, from: Data(body.utf8))
        #expect(request.data.map(\.eventID) == ["o-1", "o-2", "o-3"])
        #expect(request.data[0] == Fixtures.purchase("o-1"))
        #expect(request.testEventCode == "TEST123")
        #expect(!body.contains(Fixtures.token))
        #expect(!body.contains(Fixtures.secret))
        #expect(!body.contains(Fixtures.email))
        #expect(body.contains(SHA256.hash(Fixtures.email).hexString))
    }

    @Test func credentialsAreRedactedEverywhere() {
        let destination = Fixtures.destination
        let request = TransportRequest(destination: destination, body: "{}", timeout: .seconds(5))
        for text in [
            String(describing: destination), String(reflecting: destination), String(describing: request),
            String(reflecting: request), String(describing: destination.accessToken), String(reflecting: destination.appSecret),
            "\(Mirror(reflecting: destination).children.map { "\($0.value)" })",
        ] {
            #expect(!text.contains(Fixtures.token), "\(text)")
            #expect(!text.contains(Fixtures.secret), "\(text)")
        }
    }

    @Test func appSecretProofMatchesTheReferenceVector() {
        let destination = PixelDestination(
            pixelID: "1", accessToken: AccessToken("access-token-234"), appSecret: AppSecret("appsecret-123"))
        #expect(destination.appSecretProof == "cdfcbc87edc90f8123cd3797a0d6f6f7eedf63d97038a15d1693d297f653d7f2")
        #expect(PixelDestination(pixelID: "1", accessToken: AccessToken("t")).appSecretProof == nil)
    }

    @Test func defaultsAreGraphAPIVersion24AtGraphFacebookCom() {
        let destination = PixelDestination(pixelID: "1", accessToken: AccessToken("t"))
        #expect(destination.graphVersion == "v24.0")
        #expect(destination.baseURL == "https://graph.facebook.com")
        let request = TransportRequest(destination: destination, body: "", timeout: .seconds(1))
        #expect(request.path == "/v24.0/1/events")
    }
}
