// What the README's first example takes from the app around it: the order, the request's
// cookies and addresses, the page being built, the web server and a logger. main.swift is
// the README's example exactly as printed (Scripts/test-examples.sh checks that they match).
import Foundation
import Logging
import ServiceLifecycle

struct Order: Sendable {
    var id: String
    var total: Decimal
    var email: String
    var phone: String
    var country: String
}

let order = Order(
    id: "84213", total: Decimal(string: "184.50")!, email: "jane.doe@example.com", phone: "0151 1234 5678", country: "Germany")
let pageURL = "https://shop.example/checkout/thank-you"
let cookies = ["_fbc": "fb.1.1780828882512.IwZXh0bgNhZW0", "_fbp": "fb.1.1780828882512.83179243"]
let peer: String? = "203.0.113.24"
let userAgent = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X)"
nonisolated(unsafe) var html = ""
let logger = Logger(label: "shop")

/// Stands in for the app's HTTP server (Hummingbird's `Application`, Vapor's, ...).
struct WebServer: Service {
    func run() async throws { try await gracefulShutdown() }
}
let app = WebServer()
