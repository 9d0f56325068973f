public import RoasProof
import DeliveryDashboard
import FoundationEssentials
import HTTPTypes
import Hummingbird
import Logging

/// A small shop that sends its purchases to the Conversions API the way RoasProof is meant
/// to be used: the click is captured on landing, the browser keeps `_fbc`, `_fbp` and a
/// first-party visitor cookie, the checkout sends the Purchase through ``CAPIClient`` (stored
/// durably, for every configured pixel, before it answers), and the thank-you page fires the
/// pixel with the same `eventID`, so Meta counts the purchase once whichever copy arrives.
public final class Shop: Sendable {
    /// What the shop knows about its Meta setup and its network.
    public struct Configuration: Sendable {
        /// The pixel the page fires and the server events go to.
        public var pixelID: PixelID
        /// The domain `_fbc`, `_fbp` and the visitor cookie are set on; `nil` works it out from
        /// each request's `Host` with the Public Suffix List (`shop.example.co.uk` → `example.co.uk`).
        public var cookieDomain: CookieDomain?
        /// The scheme visitors use, for absolute URLs (`event_source_url`) behind TLS termination.
        public var publicScheme = "https"
        /// The name of the first-party visitor cookie.
        public var visitorCookieName = VisitorID.defaultCookieName

        public init(pixelID: PixelID) { self.pixelID = pixelID }
    }

    /// One thing to buy, to keep the example short.
    struct Product: Sendable {
        var sku: String
        var name: String
        var price: Decimal
        var currency: String
    }

    public let configuration: Configuration
    /// Sends the purchases; run it beside the web server (its `run()` delivers them).
    public let capi: CAPIClient
    let clock: any DeliveryClock
    let visitors = VisitorSessions()
    let orders = OrderBook()
    let clickResolver: ClickIDResolver
    let product = Product(sku: "SKU-2481", name: "Trail running shoe", price: Decimal(string: "89.90") ?? 89, currency: "EUR")

    public init(configuration: Configuration, capi: CAPIClient, clock: any DeliveryClock = SystemDeliveryClock()) {
        self.configuration = configuration
        self.capi = capi
        self.clock = clock
        self.clickResolver = ClickIDResolver(cookieDomain: configuration.cookieDomain)
    }

    // MARK: Landing

    /// Any page a visitor can land on from an ad: captures `fbclid`, keeps or mints `_fbp` and
    /// the visitor id, and sets the cookies.
    func landing(_ request: Request, _ context: ShopRequestContext) async -> Response {
        var rng = SystemRandomNumberGenerator()
        let now = clock.now
        let returning = VisitorID(cookieValue: request.cookies[configuration.visitorCookieName]?.value)
        let visitor = returning ?? VisitorID.mint(using: &rng)
        let stored = await visitors.session(for: visitor)
        let resolution = clickResolver.resolve(
            BrowserRequest(
                url: absoluteURL(request), referer: request.headers[.referer],
                fbcCookie: request.cookies["_fbc"]?.value, fbpCookie: request.cookies["_fbp"]?.value,
                storedClick: stored.click),
            at: now, using: &rng)
        // Keep the click and the fbp with the visitor: if the browser drops the cookies
        // (Safari caps script-set cookies at 7 days; ad blockers purge them), the checkout can
        // still send fbc, synthesized from the click.
        await visitors.update(visitor, click: resolution.click, fbp: resolution.fbp)
        var cookies = resolution.cookiesToSet
        if returning == nil, let domain = resolution.cookieDomain {
            cookies.append(visitor.cookie(on: domain, name: configuration.visitorCookieName))
        }
        for note in resolution.notes { context.logger.debug("click ids", metadata: ["shop.click_ids": "\(note.code)"]) }
        return Self.html(
            Pages.landing(pixelID: configuration.pixelID, visitor: visitor, product: product), setting: cookies)
    }

    // MARK: Checkout

    struct CheckoutForm: Decodable {
        var email: String
        var phone: String?
        var country: String?
        /// `granted` when the visitor ticked the measurement box of the consent banner.
        var consent: String?
    }

    /// Places the order, sends the server Purchase (durable when `send` returns), and redirects
    /// to the thank-you page.
    func checkout(_ request: Request, _ context: ShopRequestContext) async throws -> Response {
        let form = try await URLEncodedFormDecoder().decode(CheckoutForm.self, from: request, context: context)
        let order = await orders.open()
        let visitor = VisitorID(cookieValue: request.cookies[configuration.visitorCookieName]?.value)
        var stored = VisitorSessions.Session()
        if let visitor { stored = await visitors.session(for: visitor) }
        // Everything about the browser comes from the request that converted (or what was
        // stored for this visitor), never from the server itself.
        let session = SessionContext(
            consent: form.consent == "granted" ? .granted : .denied,
            fbcCookie: request.cookies["_fbc"]?.value,
            fbpCookie: request.cookies["_fbp"]?.value ?? stored.fbp,
            click: stored.click,
            cookieDomain: configuration.cookieDomain ?? CookieDomain(host: absoluteURL(request)),
            visitorID: visitor,
            clientIPAddresses: capi.buyerAddresses(
                peerAddress: context.peerAddress, forwarded: request.headers[values: .forwarded],
                xForwardedFor: request.headers[values: .xForwardedFor]),
            userAgent: request.headers[.userAgent])
        let customer = CustomerRecord(
            emails: [form.email], phones: [form.phone].compactMap { $0 }.filter { !$0.isEmpty },
            country: form.country.flatMap { $0.isEmpty ? nil : $0 })

        var handoff: PixelHandoff?
        do {
            // Durable when it returns: the purchase reaches Meta even if the process dies now.
            let sent = try await capi.send(
                .purchase(
                    orderID: order, value: product.price, currency: product.currency,
                    contents: [Content(id: product.sku, quantity: 1, itemPrice: product.price)],
                    eventTime: clock.now, sourceURL: absoluteURL(request, path: "/thank-you?order=\(order)")),
                customer: customer, session: session)
            handoff = sent.pixelHandoff
        } catch {
            // The order stands; only its conversion event could not be queued.
            context.logger.error("purchase event not queued", metadata: ["shop.order": "\(order)", "shop.error": "\(error)"])
        }
        await orders.record(order, handoff: handoff)
        var response = Response(status: .seeOther)
        response.headers[.location] = "/thank-you?order=\(order)"
        return response
    }

    // MARK: Thank-you page

    /// The pixel's copy of the Purchase, with the server event's `event_id` as `eventID`.
    func thankYou(_ request: Request, _ context: ShopRequestContext) async -> Response {
        guard let order = request.uri.queryParameters.get("order"), let placed = await orders.order(order) else {
            return Self.html(Pages.notFound(), status: .notFound)
        }
        let visitor = VisitorID(cookieValue: request.cookies[configuration.visitorCookieName]?.value)
        return Self.html(
            Pages.thankYou(pixelID: configuration.pixelID, visitor: visitor, order: order, handoff: placed.handoff))
    }

    // MARK: Admin

    /// The delivery dashboard of the shop's queue. Put it behind your admin authentication.
    func dashboard(_ request: Request, _ context: ShopRequestContext) async throws -> Response {
        guard let store = capi.queue.store as? any InspectableEventStore else {
            return Self.html(Pages.notFound(), status: .notFound)
        }
        let snapshot = try await DashboardSnapshot.load(from: store, title: "shop queue", now: clock.now)
        return Self.html(HTMLDashboard.render(snapshot))
    }

    // MARK: Helpers

    func absoluteURL(_ request: Request, path: String? = nil) -> String {
        let host = request.head.authority ?? "localhost"
        return "\(configuration.publicScheme)://\(host)\(path ?? request.uri.description)"
    }

    static func html(_ page: String, status: HTTPResponse.Status = .ok, setting cookies: [SetCookie] = []) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie.headerValue)) }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }
}

// Valid header names, so the initializer cannot fail.
extension HTTPField.Name {
    static let forwarded = HTTPField.Name("Forwarded")!
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
