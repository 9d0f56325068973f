import CAPIModel
import Delivery
import DeliveryConsole
import DeliveryTesting
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A store with delivered, pending and parked events, and helpers to drive a console over it.
struct ConsoleFixture {
    static let now = Timestamp(milliseconds: 1_781_430_082_000)
    static let pixel: PixelID = "1234567890"
    static let rawIP = "203.0.113.7"
    static let hostile = #"</td><script>alert("x")</script><img src=x onerror='y'>"#

    let store: InMemoryEventStore
    let clock: ManualDeliveryClock
    let queue: DeliveryQueue
    let console: DeliveryConsole
    /// The store id of a valid parked event (replay succeeds).
    let parkedID: EventRecordID

    init(configuration: DeliveryConsole.Configuration = DeliveryConsole.Configuration(), extraEvents: Int = 0) async throws {
        store = InMemoryEventStore()
        clock = ManualDeliveryClock(now: Self.now)
        queue = DeliveryQueue(store: store, clock: clock)
        console = DeliveryConsole(store: store, queue: queue, configuration: configuration, clock: clock)
        _ = try await queue.enqueue(Self.purchase("ord_1001"), pixel: Self.pixel)
        _ = try await queue.enqueue(Self.purchase("ord_1002"), pixel: Self.pixel)
        for index in 0..<extraEvents {
            _ = try await queue.enqueue(Self.purchase("ord_x\(index)"), pixel: "999")
        }
        let leased = try await store.lease(pixel: Self.pixel, now: Self.now, limit: 2, leaseDuration: .seconds(60))
        try await store.markDelivered(
            [leased[0].id], attempt: Self.receipt(.delivered, status: 200, trace: "OKTrace"), at: Self.now)
        try await store.park(
            [leased[1].id], reason: ParkReason(code: .retriesExhausted, message: "Meta answered 503 twelve times"),
            attempt: Self.receipt(.transient, status: 503, trace: "TraceFor503", message: "Service unavailable"), at: Self.now)
        parkedID = leased[1].id
    }

    static func purchase(_ eventID: String) -> ServerEvent {
        var userData = UserData(
            emails: [HashedIdentifier(digest: SHA256Digest(hexString: String(repeating: "ab", count: 32))!)],
            clientIPAddress: rawIP, clientUserAgent: "Mozilla/5.0 (Console test)")
        userData.fbp = "fb.1.1781430000000.1234567890"
        return ServerEvent(
            eventName: .purchase, eventTime: now.wholeSeconds, actionSource: .website, userData: userData,
            customData: CustomData(value: 42.5, currency: "EUR"), eventID: eventID,
            eventSourceURL: "https://shop.example.com/done")
    }

    static func receipt(
        _ outcome: AttemptOutcome, status: Int?, code: Int? = nil, trace: String, message: String? = nil, pixel: PixelID = pixel
    ) -> AttemptReceipt {
        AttemptReceipt(
            pixelID: pixel, startedAt: now - .seconds(120), durationMilliseconds: 12, requestBody: "{}", eventCount: 1,
            httpStatus: status, fbtraceID: trace, errorCode: code, errorMessage: message, outcome: outcome)
    }

    func get(_ target: String, headers: [(name: String, value: String)] = []) async -> ConsoleResponse {
        await console.respond(to: ConsoleRequest(method: "GET", target: target, headers: headers))
    }

    func post(
        _ target: String, _ fields: [(String, String)], headers: [(name: String, value: String)] = []
    ) async -> ConsoleResponse {
        let body = fields.map { "\(Self.formEncode($0.0))=\(Self.formEncode($0.1))" }.joined(separator: "&")
        return await console.respond(
            to: ConsoleRequest(
                method: "POST", target: target,
                headers: [("Content-Type", "application/x-www-form-urlencoded")] + headers, body: Array(body.utf8)))
    }

    static func formEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 45 || byte == 95 {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded
            }
        }
        return out
    }

    /// The CSRF token in a page's forms.
    static func csrfToken(in page: String) -> String? {
        guard let range = page.firstRange(of: #"name="csrf" value=""#) else { return nil }
        return String(page[range.upperBound...].prefix { $0 != "\"" })
    }

    func state(of id: EventRecordID) async -> EventState? { await store.status(of: id)?.state }
}

extension String {
    var leftPadded: String { count == 1 ? "0" + self : self }
}
