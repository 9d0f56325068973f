#if Vapor
import AsyncHTTPClient
import DeliveryConsole
import DeliveryTesting
import RoasProof
import RoasProofVapor
import Testing
import Vapor

/// The console mounted in a Vapor app under /admin/capi, behind the app's own auth, on a real
/// loopback server.
@Suite struct VaporConsoleTests {
    /// The app's own authentication: a fixed header, for the test.
    struct AdminOnly: AsyncMiddleware {
        func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
            guard request.headers.first(name: .authorization) == "Admin let-me-in" else { throw Abort(.unauthorized) }
            return try await next.respond(to: request)
        }
    }

    @Test func theConsoleAnswersUnderItsGroupBehindTheAppsAuthAndReplays() async throws {
        let store = InMemoryEventStore()
        let queue = DeliveryQueue(store: store)
        let now = Timestamp.now
        var event = ServerEvent(eventName: .purchase, eventTime: now.wholeSeconds, actionSource: .website, userData: UserData())
        event.userData.externalIDs = [HashedIdentifier(digest: SHA256Digest(hexString: String(repeating: "cd", count: 32))!)]
        event.customData = CustomData(value: 42.5, currency: "EUR")
        event.eventID = "ord_vapor_1"
        event.eventSourceURL = "https://shop.example.com/done"
        event.userData.clientUserAgent = "Mozilla/5.0"
        event.userData.clientIPAddress = "203.0.113.9"
        _ = try await queue.enqueue(event, pixel: "1234567890")
        // A moment later than the enqueue, which read the clock after `now`: the event is due.
        let leased = try await store.lease(
            pixel: "1234567890", now: Timestamp.now + .seconds(1), limit: 1, leaseDuration: .seconds(60))
        try await store.park(
            leased.map(\.id), reason: ParkReason(code: .retriesExhausted, message: "test"), attempt: nil, at: now)
        let id = try #require(leased.first?.id)
        var configuration = DeliveryConsole.Configuration()
        configuration.mountPath = "/admin/capi"
        let console = DeliveryConsole(store: store, queue: queue, configuration: configuration)

        try await VaporMiddlewareTests.withServer(
            { app in
                try app.grouped(AdminOnly()).grouped("admin", "capi").register(collection: ConsoleRoutes(console: console))
            },
            requests: { baseURL in
                let admin = [("Authorization", "Admin let-me-in")]
                #expect(try await VaporMiddlewareTests.execute("\(baseURL)/admin/capi").status == .unauthorized)
                let overview = try await VaporMiddlewareTests.execute("\(baseURL)/admin/capi", headers: admin)
                #expect(overview.status == .ok)
                #expect(overview.headers.first(name: "Content-Security-Policy")?.contains("default-src 'none'") == true)
                let page = try await VaporMiddlewareTests.execute("\(baseURL)/admin/capi/events/\(id.rawValue)", headers: admin)
                #expect(page.status == .ok)
                let range = try #require(page.body.firstRange(of: #"name="csrf" value=""#))
                let csrf = String(page.body[range.upperBound...].prefix { $0 != "\"" })
                let refused = try await Self.post(
                    "\(baseURL)/admin/capi/events/\(id.rawValue)/replay", form: "csrf=wrong", headers: admin)
                #expect(refused.status == .forbidden)
                #expect(await store.status(of: id)?.state == .parked)
                let replayed = try await Self.post(
                    "\(baseURL)/admin/capi/events/\(id.rawValue)/replay", form: "csrf=\(csrf)", headers: admin)
                // AsyncHTTPClient follows the 303 to the event page (with the same headers).
                #expect(replayed.status == .ok)
                #expect(replayed.body.contains("Replayed:"))
                #expect(await store.status(of: id)?.state == .pending)
            })
    }

    static func post(_ url: String, form: String, headers: [(String, String)]) async throws -> VaporMiddlewareTests.Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: form))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return VaporMiddlewareTests.Answer(status: response.status, headers: response.headers, body: String(buffer: body))
    }
}
#endif
