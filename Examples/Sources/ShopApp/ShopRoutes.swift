public import Hummingbird
public import Logging
public import NIOCore
public import RoasProofHummingbird

/// The request context of the shop: the middleware's basic context (Hummingbird's basics, the
/// peer's address so forwarding headers are believed only from trusted proxies, and the visit
/// `CAPIMiddleware` reads). An app with a context of its own conforms it to `CAPIRequestContext`.
public typealias ShopRequestContext = CAPIBasicRequestContext

/// The shop's routes, all behind `CAPIMiddleware`:
///
/// - `GET /`: a landing page (`/?fbclid=…` when the visitor comes from an ad)
/// - `POST /cart`, `GET /cart`: adds the product, shows the cart
/// - `POST /checkout`: places the order and enqueues the server Purchase
/// - `GET /thank-you?order=…`: fires the pixel Purchase with the same `eventID`
/// - `GET /admin/capi`: the delivery dashboard
public func buildRouter(shop: Shop) -> Router<ShopRequestContext> {
    let router = Router(context: ShopRequestContext.self)
    router.add(middleware: shop.middleware)
    router.get("/") { request, context in try shop.landing(request, context) }
    router.post("/cart") { request, context in shop.addToCart(request, context) }
    router.get("/cart") { request, context in try shop.cart(request, context) }
    router.post("/checkout") { request, context in try await shop.placeOrder(request, context) }
    router.get("/thank-you") { request, context in try await shop.thankYou(request, context) }
    router.get("/admin/capi") { request, context in try await shop.dashboard(request, context) }
    return router
}

/// The shop as a Hummingbird application. Run it next to the client in a `ServiceGroup` (see
/// `ShopServer`), or add the client with `addServices`.
public func buildApplication(
    shop: Shop, configuration: ApplicationConfiguration, logger: Logger,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) -> Application<RouterResponder<ShopRequestContext>> {
    Application(
        router: buildRouter(shop: shop), configuration: configuration, onServerRunning: onServerRunning, logger: logger)
}
