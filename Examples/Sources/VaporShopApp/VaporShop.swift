public import RoasProof
import ShopCore
public import Vapor
import DeliveryDashboard
import RoasProofVapor

/// The same shop as ShopApp, on Vapor: `CAPIMiddleware` reads every request, the checkout
/// sends the Purchase with one call, the thank-you page fires the pixel with the same `eventID`.
public final class VaporShop: Sendable {
    /// The pixel the page fires.
    public let pixelID: PixelID
    /// Sends the purchases; run it beside the application (its `run()` delivers them).
    public let capi: CAPIClient
    let visits: VisitTracker.Configuration
    /// Each visitor's click and fbp, for a checkout whose browser lost Meta's cookies.
    let memory = InMemoryVisitorMemory()
    let checkout = Checkout()

    public init(pixelID: PixelID, capi: CAPIClient, visits: VisitTracker.Configuration = VisitTracker.Configuration()) {
        self.pixelID = pixelID
        self.capi = capi
        self.visits = visits
    }

    /// Adds the middleware and the shop's routes (the same as ShopApp's) to `app`.
    public func register(in app: Application) {
        app.middleware.use(CAPIMiddleware(client: capi, configuration: visits, memory: memory))
        app.get { request in
            Self.html(
                Pages.landing(pixelID: self.pixelID, visitor: try request.capi.visit.visitorID, product: self.checkout.product))
        }
        app.post("cart") { request in request.redirect(to: "/cart", redirectType: .normal) }
        app.get("cart") { request in
            Self.html(
                Pages.cart(pixelID: self.pixelID, visitor: try request.capi.visit.visitorID, product: self.checkout.product))
        }
        app.post("checkout") { request in
            let form = try request.content.decode(CheckoutForm.self)
            let order = await self.checkout.place(form, capi: try request.capi, logger: request.logger)
            return request.redirect(to: "/thank-you?order=\(order)", redirectType: .normal)
        }
        app.get("thank-you") { request in
            guard let order = request.query[String.self, at: "order"], let placed = await self.checkout.orders.order(order) else {
                return Self.html(Pages.notFound(), status: .notFound)
            }
            return Self.html(
                Pages.thankYou(
                    pixelID: self.pixelID, visitor: try request.capi.visit.visitorID, order: order, handoff: placed.handoff))
        }
        app.get("admin", "capi") { _ in
            // Put it behind your admin authentication.
            guard let store = self.capi.queue.store as? any InspectableEventStore else {
                return Self.html(Pages.notFound(), status: .notFound)
            }
            return Self.html(HTMLDashboard.render(try await DashboardSnapshot.load(from: store, title: "shop queue", now: .now)))
        }
    }

    static func html(_ page: String, status: HTTPResponseStatus = .ok) -> Response {
        Response(status: status, headers: ["Content-Type": "text/html; charset=utf-8"], body: .init(string: page))
    }
}
