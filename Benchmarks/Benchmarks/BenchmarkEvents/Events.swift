// The events every delivery benchmark enqueues, so the SQLite and PostgreSQL numbers
// measure the same work.
public import CAPIModel
public import Delivery
import Identity

public enum Events {
    public static let pixel: PixelID = "1234567890"
    public static let email = HashedIdentifier(digest: SHA256.hash("jane.doe@example.com"))
    public static let phone = HashedIdentifier(digest: SHA256.hash("15551234567"))
    public static let start = Timestamp.now.wholeSeconds

    public static var fastQueueConfiguration: DeliveryQueue.Configuration {
        var configuration = DeliveryQueue.Configuration()
        configuration.encoder = FastServerEventEncoder()
        return configuration
    }

    /// A realistic website purchase: hashed email, phone and external id, IP, UA, fbp, fbc,
    /// value, currency and two products.
    public static func purchase(_ index: Int) -> ServerEvent {
        var userData = UserData(
            emails: [email], phones: [phone], externalIDs: [HashedIdentifier(digest: SHA256.hash("visitor-\(index)"))],
            clientIPAddress: "2001:db8::" + String(index % 65_536, radix: 16),
            clientUserAgent:
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
            fbc: "fb.1.1767225500123.IwAR2xYz\(index)", fbp: "fb.1.1767225000456.\(1_000_000_000 + index)")
        userData.countries = [HashedIdentifier(digest: SHA256.hash("us"))]
        return ServerEvent(
            eventName: .purchase, eventTime: start, actionSource: .website, userData: userData,
            customData: CustomData(
                value: 42.5, currency: "USD",
                contents: [
                    Content(id: "sku-1", quantity: 2, itemPrice: 12.5), Content(id: "sku-2", quantity: 1, itemPrice: 17.5),
                ],
                contentType: "product", orderID: "order-\(index)"),
            eventID: "order-\(index)", eventSourceURL: "https://shop.example.com/checkout/thank-you")
    }

    public static func pending(_ event: ServerEvent, encoder: some ServerEventEncoder) throws -> PendingEvent {
        PendingEvent(
            key: EventKey(pixelID: pixel, eventName: event.eventName, eventID: event.eventID ?? ""), eventTime: event.eventTime,
            actionSource: event.actionSource, json: try encoder.encode(event), matchKeys: UserDataKeySet(event.userData))
    }

    /// Enqueues purchases `0..<count` into `queue`, 5,000 per call (setup, not measured).
    public static func enqueue(_ count: Int, into queue: DeliveryQueue) async throws {
        var next = 0
        while next < count {
            let chunk = min(5_000, count - next)
            try await queue.enqueue(contentsOf: (next..<(next + chunk)).map { purchase($0) }, pixel: pixel)
            next += chunk
        }
    }

    /// The benchmarks' pixel, delivered to `baseURL` (a FakeGraphAPI on loopback).
    public static func destination(baseURL: String) -> PixelDestination {
        var destination = PixelDestination(pixelID: pixel, accessToken: AccessToken("bench-token"))
        destination.baseURL = baseURL
        return destination
    }

    /// Batches of 1,000 with 4 requests in flight, as every delivery benchmark runs.
    public static var workerConfiguration: DeliveryWorker.Configuration {
        var configuration = DeliveryWorker.Configuration()
        configuration.batchSize = 1_000
        configuration.maximumConcurrentRequests = 4
        return configuration
    }
}
