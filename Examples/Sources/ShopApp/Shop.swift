public import RoasProof
import RoasProofHummingbird
import ShopCore
import DeliveryDashboard
import FoundationEssentials
import HTTPTypes
import Hummingbird
import Logging

/// A small shop on Hummingbird that sends its purchases to the Conversions API the way
/// RoasProof is meant to be used: `CAPIMiddleware` reads every request (captures the click on
/// landing, keeps `_fbc`, `_fbp` and a first-party visitor cookie, resolves the buyer's
/// address), the checkout sends the Purchase with one call (stored durably, for every
/// configured pixel, before it answers), and the thank-you page fires the pixel with the same
/// `eventID`, so Meta counts the purchase once whichever copy arrives.
public final class Shop: Sendable {
    /// What the shop knows about its Meta setup and its network.
    public struct Configuration: Sendable {
        /// The pixel the page fires.
        public var pixelID: PixelID
        /// Cookie domain and name, and the scheme visitors use (for `event_source_url` behind
        /// TLS termination).
        public var visits = VisitTracker.Configuration()

        public init(pixelID: PixelID) { self.pixelID = pixelID }
    }

    public let configuration: Configuration
    /// Sends the purchases; run it beside the web server (its `run()` delivers them).
    public let capi: CAPIClient
    /// Each visitor's click and fbp, for a checkout whose browser lost Meta's cookies. A shop
    /// with several instances keeps them in its shared session store instead.
    let memory = InMemoryVisitorMemory()
    let checkout = Checkout()

    public init(configuration: Configuration, capi: CAPIClient) {
        self.configuration = configuration
        self.capi = capi
    }

    /// The middleware every route runs behind.
    var middleware: CAPIMiddleware<ShopRequestContext> {
        CAPIMiddleware(client: capi, configuration: configuration.visits, memory: memory)
    }

    // MARK: Pages

    /// Any page a visitor can land on from an ad (the middleware captured `fbclid` and sets
    /// the cookies).
    func landing(_ request: Request, _ context: ShopRequestContext) throws -> Response {
        let visit = try context.capi.visit
        for note in visit.clickIDs.notes { context.logger.debug("click ids", metadata: ["shop.click_ids": "\(note.code)"]) }
        return Self.html(Pages.landing(pixelID: configuration.pixelID, visitor: visit.visitorID, product: checkout.product))
    }

    /// Adds the product to the cart (the shop has one product and one-item carts).
    func addToCart(_ request: Request, _ context: ShopRequestContext) -> Response {
        Self.redirect(to: "/cart")
    }

    func cart(_ request: Request, _ context: ShopRequestContext) throws -> Response {
        Self.html(
            Pages.cart(pixelID: configuration.pixelID, visitor: try context.capi.visit.visitorID, product: checkout.product))
    }

    /// Places the order, sends the server Purchase (durable when `place` returns), and
    /// redirects to the thank-you page.
    func placeOrder(_ request: Request, _ context: ShopRequestContext) async throws -> Response {
        let form = try await URLEncodedFormDecoder().decode(CheckoutForm.self, from: request, context: context)
        let order = await checkout.place(form, capi: try context.capi, logger: context.logger)
        return Self.redirect(to: "/thank-you?order=\(order)")
    }

    /// The pixel's copy of the Purchase, with the server event's `event_id` as `eventID`.
    func thankYou(_ request: Request, _ context: ShopRequestContext) async throws -> Response {
        guard let order = request.uri.queryParameters.get("order"), let placed = await checkout.orders.order(order) else {
            return Self.html(Pages.notFound(), status: .notFound)
        }
        return Self.html(
            Pages.thankYou(
                pixelID: configuration.pixelID, visitor: try context.capi.visit.visitorID, order: order, handoff: placed.handoff))
    }

    // MARK: Admin

    /// The delivery dashboard of the shop's queue. Put it behind your admin authentication.
    func dashboard(_ request: Request, _ context: ShopRequestContext) async throws -> Response {
        guard let store = capi.queue.store as? any InspectableEventStore else {
            return Self.html(Pages.notFound(), status: .notFound)
        }
        let snapshot = try await DashboardSnapshot.load(from: store, title: "shop queue", now: .now)
        return Self.html(HTMLDashboard.render(snapshot))
    }

    // MARK: Helpers

    static func html(_ page: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }

    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}
