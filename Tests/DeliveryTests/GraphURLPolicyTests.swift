import Delivery
import Testing

/// The token travels in the Graph URL's query, so plain HTTP is allowed only on loopback.
@Suite("Graph base URL policy")
struct GraphURLPolicyTests {
    @Test(
        "accepted",
        arguments: [
            "https://graph.facebook.com", "HTTPS://graph.facebook.com", "https://proxy.example:8443/graph",
            "http://127.0.0.1:8080", "http://localhost", "http://LOCALHOST:9/x", "http://[::1]:8080", "http://127.1.2.3",
            "http://user@127.0.0.1:80",
        ])
    func accepted(_ url: String) throws {
        try PixelDestination.checkBaseURL(url)
    }

    @Test(
        "refused",
        arguments: [
            "http://graph.facebook.com", "http://127.0.0.1.example.com", "http://127.0.0.1@example.com",
            "http://localhost.example",
            "http://example.com#@127.0.0.1", "http://example.com?127.0.0.1", "http://[::2]", "http://127.0.0.256", "http://",
            "ftp://graph.facebook.com", "graph.facebook.com", "", "http://example.com\\@127.0.0.1",
        ])
    func refused(_ url: String) {
        #expect(throws: DeliveryError.self) { try PixelDestination.checkBaseURL(url) }
        do {
            try PixelDestination.checkBaseURL(url)
        } catch {
            #expect(error.code == .invalidConfiguration)
            #expect(error.message.contains("https://"))
        }
    }
}
