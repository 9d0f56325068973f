#if Hummingbird
import DeliveryConsole
import DeliveryTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RoasProof
import RoasProofHummingbird
import Testing

/// The console mounted in a Hummingbird app under /admin/capi, behind the app's own auth.
@Suite struct HummingbirdConsoleTests {
    /// The app's own authentication: a fixed header, for the test.
    struct AdminOnly<Context: RequestContext>: RouterMiddleware {
        func handle(
            _ request: Request, context: Context, next: (Request, Context) async throws -> Response
        ) async throws -> Response {
            guard request.headers[.authorization] == "Admin let-me-in" else { throw HTTPError(.unauthorized) }
            return try await next(request, context)
        }
    }

    /// A store with one parked Purchase; its store id.
    static func parkedStore() async throws -> (InMemoryEventStore, DeliveryQueue, EventRecordID) {
        let store = InMemoryEventStore()
        let queue = DeliveryQueue(store: store)
        let now = Timestamp.now
        var event = ServerEvent(eventName: .purchase, eventTime: now.wholeSeconds, actionSource: .website, userData: UserData())
        event.userData.externalIDs = [HashedIdentifier(digest: SHA256Digest(hexString: String(repeating: "cd", count: 32))!)]
        event.customData = CustomData(value: 42.5, currency: "EUR")
        event.eventID = "ord_hb_1"
        event.eventSourceURL = "https://shop.example.com/done"
        event.userData.clientUserAgent = "Mozilla/5.0"
        event.userData.clientIPAddress = "203.0.113.9"
        _ = try await queue.enqueue(event, pixel: "1234567890")
        // A moment later than the enqueue, which read the clock after `now`: the event is due.
        let leased = try await store.lease(
            pixel: "1234567890", now: Timestamp.now + .seconds(1), limit: 1, leaseDuration: .seconds(60))
        try await store.park(
            leased.map(\.id), reason: ParkReason(code: .retriesExhausted, message: "test"), attempt: nil, at: now)
        return (store, queue, try #require(leased.first?.id))
    }

    @Test func theConsoleAnswersUnderItsGroupBehindTheAppsAuthAndReplays() async throws {
        let (store, queue, id) = try await Self.parkedStore()
        var configuration = DeliveryConsole.Configuration()
        configuration.mountPath = "/admin/capi"
        let console = DeliveryConsole(store: store, queue: queue, configuration: configuration)
        let router = Router(context: BasicRequestContext.self)
        router.group("admin/capi").add(middleware: AdminOnly()).addDeliveryConsole(console)
        let admin: HTTPFields = [.authorization: "Admin let-me-in"]
        try await Application(router: router).test(.router) { client in
            #expect(try await client.execute(uri: "/admin/capi", method: .get).status == .unauthorized)
            let overview = try await client.execute(uri: "/admin/capi", method: .get, headers: admin)
            #expect(overview.status == .ok)
            #expect(overview.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(String(buffer: overview.body).contains("href=\"/admin/capi/console.css\""))
            let page = String(
                buffer: try await client.execute(uri: "/admin/capi/events/\(id.rawValue)", method: .get, headers: admin).body)
            let marker = #"name="csrf" value=""#
            let range = try #require(page.firstRange(of: marker))
            let csrf = String(page[range.upperBound...].prefix { $0 != "\"" })
            var form = admin
            form[.contentType] = "application/x-www-form-urlencoded"
            let refused = try await client.execute(
                uri: "/admin/capi/events/\(id.rawValue)/replay", method: .post, headers: form,
                body: ByteBuffer(string: "csrf=wrong"))
            #expect(refused.status == .forbidden)
            #expect(await store.status(of: id)?.state == .parked)
            let replayed = try await client.execute(
                uri: "/admin/capi/events/\(id.rawValue)/replay", method: .post, headers: form,
                body: ByteBuffer(string: "csrf=\(csrf)"))
            #expect(replayed.status == .seeOther)
            #expect(replayed.headers[.location] == "/admin/capi/events/\(id.rawValue)?replayed=1")
            #expect(await store.status(of: id)?.state == .pending)
        }
    }
}
#endif
