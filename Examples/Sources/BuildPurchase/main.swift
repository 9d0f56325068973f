// Builds an example Purchase (order 84213) in-process and prints the request body that would
// be POSTed to https://graph.facebook.com/v24.0/{pixel_id}/events.
import Foundation
import RoasProof

// What the shop knows about the order and the customer (raw, as typed at checkout).
let order = (id: "84213", total: Decimal(string: "184.50")!, currency: "EUR", skus: ["SKU-2481", "SKU-1177"])
let customer = (email: " Jane.Doe@Example.com ", phone: "0151 1234 5678", country: "DE", visitorID: "rp_5x9Kq2vWmD8aT3nLcE7bYg")
// What the session that produced the conversion recorded.
let session = (
    ip: "203.0.113.24",
    userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X)",
    fbp: "fb.1.1780828882512.83179243",
    fbc: "fb.1.1780828882512.IwZXh0bgNhZW0"
)

do {
    // Identity: normalize and hash every customer identifier; raw values go no further.
    let identity = IdentityNormalizer()
    var user = UserData()
    user.emails = [try identity.hash(customer.email, as: .email)]
    user.phones = [try identity.hash(customer.phone, as: .phone, region: RegionCode(customer.country))]
    user.externalIDs = [try identity.hash(customer.visitorID, as: .externalID)]
    user.fbp = session.fbp
    user.fbc = session.fbc
    user.clientIPAddress = session.ip
    user.clientUserAgent = session.userAgent

    let purchase = ServerEvent(
        eventName: .purchase,
        eventTime: Timestamp(seconds: 1_781_430_082),
        actionSource: .website,
        userData: user,
        customData: CustomData(
            value: order.total, currency: order.currency, contentIDs: order.skus, contentType: "product",
            orderID: order.id),
        eventID: try EventID.forOrder(order.id),
        eventSourceURL: "https://store.example/checkout/thank-you"
    )
    let request = EventRequest(data: [purchase], testEventCode: "TEST61045")
    print(String(decoding: try CAPIJSON.encode(request), as: UTF8.self))
} catch {
    // Errors name the key and the reason, never the customer's data.
    FileHandle.standardError.write(Data("BuildPurchase: \(error)\n".utf8))
    exit(1)
}
