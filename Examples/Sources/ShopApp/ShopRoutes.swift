public import Hummingbird
public import Logging
import NIOCore

/// The request context of the shop: Hummingbird's basics plus the peer's address, which
/// `ClientIPResolver` needs to know whether forwarding headers can be believed.
public struct ShopRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The address of the connection's peer (a proxy, or the browser itself).
    public let peerAddress: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peerAddress = source.channel.remoteAddress?.ipAddress
    }
}

/// The shop's routes:
///
/// - `GET /`: a landing page (`/?fbclid=…` when the visitor comes from an ad)
/// - `POST /checkout`: places the order and enqueues the server Purchase
/// - `GET /thank-you?order=…`: fires the pixel Purchase with the same `eventID`
/// - `GET /admin/capi`: the delivery dashboard
public func buildRouter(shop: Shop) -> Router<ShopRequestContext> {
    let router = Router(context: ShopRequestContext.self)
    router.get("/") { request, context in await shop.landing(request, context) }
    router.post("/checkout") { request, context in try await shop.checkout(request, context) }
    router.get("/thank-you") { request, context in await shop.thankYou(request, context) }
    router.get("/admin/capi") { request, context in try await shop.dashboard(request, context) }
    return router
}

/// The shop as a Hummingbird application. Run it next to the delivery worker in a
/// `ServiceGroup` (see `ShopServer`), or add the worker with `addServices`.
public func buildApplication(
    shop: Shop, configuration: ApplicationConfiguration, logger: Logger,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) -> Application<RouterResponder<ShopRequestContext>> {
    Application(
        router: buildRouter(shop: shop), configuration: configuration, onServerRunning: onServerRunning, logger: logger)
}
