public import Logging
public import RoasProof

/// The checkout form of the shop's pages.
public struct CheckoutForm: Decodable, Sendable {
    public var email: String
    public var phone: String?
    public var country: String?
    /// `granted` when the visitor ticked the measurement box of the consent banner.
    public var consent: String?

    /// The customer's raw identifiers: RoasProof normalizes and hashes them.
    public var customer: CustomerRecord {
        CustomerRecord(
            emails: [email], phones: [phone].compactMap { $0 }.filter { !$0.isEmpty },
            country: country.flatMap { $0.isEmpty ? nil : $0 })
    }

    public var consentSignal: ConsentSignal { consent == "granted" ? .granted : .denied }
}

/// Places orders and sends their Purchase through the request's `CAPIVisit`: the same code
/// for the Hummingbird and the Vapor shop, since the middleware did the framework's part.
public struct Checkout: Sendable {
    public let orders = OrderBook()
    public let product: Product

    public init(product: Product = .trailShoe) { self.product = product }

    /// Places the order and sends the server Purchase (durable when this returns; `capi`
    /// adds the request's fbc, fbp, visitor id, address, user agent and URL). Returns the order id.
    public func place(_ form: CheckoutForm, capi: CAPIVisit, logger: Logger) async -> String {
        let order = await orders.open()
        var handoff: PixelHandoff?
        do {
            // Durable when it returns: the purchase reaches Meta even if the process dies now.
            let sent = try await capi.send(
                .purchase(
                    orderID: order, value: product.price, currency: product.currency,
                    contents: [Content(id: product.sku, quantity: 1, itemPrice: product.price)]),
                customer: form.customer, consent: form.consentSignal)
            handoff = sent.pixelHandoff
        } catch {
            // The order stands; only its conversion event could not be queued.
            logger.error("purchase event not queued", metadata: ["shop.order": "\(order)", "shop.error": "\(error)"])
        }
        await orders.record(order, handoff: handoff)
        return order
    }
}
