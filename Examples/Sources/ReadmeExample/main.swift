import RoasProof
import ServiceLifecycle

// CAPI_PIXELS=1234567890,2345678901  CAPI_ACCESS_TOKEN=…  CAPI_STORE=/var/lib/shop/capi.sqlite
let capi = try await CAPIClient()

// At checkout: complete user_data with consent applied, the same event_id for every pixel and
// the browser, one durable event per pixel when send returns.
let sent = try await capi.send(
    .purchase(orderID: order.id, value: order.total, currency: "EUR", sourceURL: pageURL),
    customer: CustomerRecord(emails: [order.email], phones: [order.phone], country: order.country),
    session: SessionContext(
        consent: .granted, fbcCookie: cookies["_fbc"], fbpCookie: cookies["_fbp"],
        clientIPAddresses: capi.buyerAddresses(peerAddress: peer), userAgent: userAgent))
html += "<script>\(sent.pixelSnippet)</script>"  // the browser pixel's copy: Meta counts the purchase once

// Beside your web server: delivers in batches, retries, pauses on rate limits, parks and keeps receipts.
try await ServiceGroup(services: [capi, app], gracefulShutdownSignals: [.sigterm], logger: logger).run()
