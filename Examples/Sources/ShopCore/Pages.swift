import DeliveryDashboard
public import RoasProof

/// The shop's HTML. Every value is escaped: HTML text with `HTMLText.escape`, script strings
/// with `ScriptEscaping`, and the pixel call comes from `PixelHandoff`, which is safe inside
/// `<script>` whatever the order contains.
public enum Pages {
    /// Meta's pixel base code: loads `fbevents.js`, initialises the pixel with the visitor id
    /// as `external_id` (the server sends the same id, hashed), and tracks the page view.
    public static func pixelBaseCode(pixelID: PixelID, visitor: VisitorID?) -> String {
        var initialize = "fbq('init', " + ScriptEscaping.singleQuoted(pixelID.rawValue)
        if let visitor { initialize += ", {external_id: " + ScriptEscaping.singleQuoted(visitor.rawValue) + "}" }
        initialize += ");"
        return """
            <script>
            !function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?
            n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;
            n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;
            t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,
            document,'script','https://connect.facebook.net/en_US/fbevents.js');
            \(initialize)
            fbq('track', 'PageView');
            </script>
            """
    }

    public static func page(title: String, head: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTMLText.escape(title))</title>
        \(head)
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    public static func landing(pixelID: PixelID, visitor: VisitorID, product: Product) -> String {
        page(
            title: "Trail shop",
            head: pixelBaseCode(pixelID: pixelID, visitor: visitor),
            body: """
                <h1>\(HTMLText.escape(product.name))</h1>
                <p>\(HTMLText.escape("\(product.price) \(product.currency)"))</p>
                <form method="post" action="/cart"><button>Add to cart</button></form>
                \(checkoutForm)
                """)
    }

    static let checkoutForm = """
        <form method="post" action="/checkout">
        <label>Email <input name="email" type="email" required></label>
        <label>Phone <input name="phone" type="tel"></label>
        <label>Country <input name="country" maxlength="2" value="DE"></label>
        <label><input name="consent" type="checkbox" value="granted" checked> Measure my visit with Meta</label>
        <button>Buy</button>
        </form>
        """

    /// The cart: the product added from the landing page, and the checkout form.
    public static func cart(pixelID: PixelID, visitor: VisitorID, product: Product) -> String {
        page(
            title: "Your cart",
            head: pixelBaseCode(pixelID: pixelID, visitor: visitor),
            body: """
                <h1>Your cart</h1>
                <p>1 × \(HTMLText.escape(product.name)), \(HTMLText.escape("\(product.price) \(product.currency)"))</p>
                \(checkoutForm)
                """)
    }

    public static func thankYou(pixelID: PixelID, visitor: VisitorID?, order: String, handoff: PixelHandoff?) -> String {
        // The browser copy of the Purchase: same event name and eventID as the server event.
        let purchase = handoff.map { "<script>\n\($0.scriptSnippet)\n</script>" } ?? ""
        return page(
            title: "Thank you",
            head: pixelBaseCode(pixelID: pixelID, visitor: visitor) + "\n" + purchase,
            body: "<h1>Thank you</h1>\n<p>Order \(HTMLText.escape(order)) is confirmed.</p>")
    }

    public static func notFound() -> String {
        page(title: "Not found", head: "", body: "<h1>Not found</h1>")
    }
}
