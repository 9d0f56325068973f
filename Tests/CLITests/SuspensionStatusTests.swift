import CAPIModel
import Delivery
import DeliverySQLite
import FakeGraphAPI
import Foundation
import Testing

/// A suspended pixel is explained where the operator looks: `capi status` and `capi send-test`.
@Suite("Suspended pixels in capi")
struct SuspensionStatusTests {
    static let pixel: PixelID = "1234567890"

    @Test func statusSaysWhyAPixelIsSuspendedAndHowToFixIt() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.file("shop.sqlite")
        let now = SystemDeliveryClock().now
        try await withSQLiteEventStore(path: path) { store in
            let queue = DeliveryQueue(store: store)
            let event = ServerEvent(
                eventName: .purchase, eventTime: now.wholeSeconds, actionSource: .website,
                userData: UserData(clientIPAddress: "203.0.113.9", clientUserAgent: "Mozilla/5.0"),
                customData: CustomData(value: 19.99, currency: "USD"), eventID: "ord_1",
                eventSourceURL: "https://shop.example.com/thanks")
            _ = try await queue.enqueue(event, pixel: Self.pixel)
            // What a worker records when Meta answers 100/33.
            let refused = GraphError(
                message: "Unsupported post request. Object with ID '1234567890' does not exist, cannot be loaded due to "
                    + "missing permissions, or does not support this operation", type: "GraphMethodException", code: 100,
                errorSubcode: 33, fbtraceID: "TRACE33")
            _ = try await store.updatePixelHold(
                Self.pixel, .suspend(refused, credentials: CredentialFingerprint(accessToken: AccessToken("t"), appSecret: nil)),
                at: now)
        }
        let result = try await CAPIBinary.launch(["status", "--store", path])
        #expect(result.status == 0, "\(result.stderr)")
        let out = result.stdout
        #expect(out.contains("Suspended pixels: workers sending with what Meta refused send nothing; events stay queued"))
        #expect(out.contains("1234567890  pixel_not_accessible since"))
        #expect(out.contains("(Graph 100/33, fbtrace_id TRACE33)"))
        #expect(out.contains("either the pixel (dataset) id is wrong, or the token has no access to the dataset"))
        #expect(out.contains("replaceCredentials"))
    }

    @Test func sendTestExplainsAPixelTheTokenCannotReach() async throws {
        try await withFakeGraphAPI { server in
            server.setAccessiblePixelIDs(["42"])
            let result = try await CAPIBinary.launch(
                [
                    "send-test", "--pixel-id", Self.pixel.rawValue, "--test-event-code", "TEST1", "--graph-url", server.baseURL,
                    "--order-id", "T-33",
                ],
                environment: ["CAPI_ACCESS_TOKEN": "EAAGsomeToken"])
            #expect(result.status != 0)
            #expect(result.stdout.contains("HTTP 400 destination_rejected (Graph 100/33)"))
            #expect(result.stderr.contains("either the pixel (dataset) id is wrong, or the token has no access to the dataset"))
            #expect(server.requests.count == 1)
            #expect(!(result.stdout + result.stderr).contains("EAAGsomeToken"))
        }
    }
}
