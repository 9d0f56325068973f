public import FakeGraphAPI
public import Logging
public import RoasProof

/// The settings both example servers read from the environment (the keys `CAPIClient`
/// reads; see `CAPIClient.Settings`):
///
/// - `CAPI_PIXELS`: the pixels purchases go to (default 1234567890); the page fires the first
/// - `CAPI_ACCESS_TOKEN`: the Conversions API token; without one, events go to a fake Graph
///   API started in-process, so the example runs offline
/// - `CAPI_GRAPH_URL`: another Graph API (the smoke test's fake)
/// - `CAPI_TEST_EVENT_CODE`: set while checking events in Events Manager > Test Events
/// - `CAPI_STORE`: the SQLite queue (default shop-capi.sqlite) or a postgres:// URL
/// - `CAPI_TRUSTED_PROXIES`: proxies whose forwarding headers are believed (default loopback)
/// - `PORT`: the port (default 8080; 0 picks a free one)
public struct ShopEnvironment: Sendable {
    public let capi: CAPIClient
    /// The in-process fake Graph API, when no token was set; shut it down after the client.
    public let fakeGraph: FakeGraphAPI?
    public let port: Int

    public static func load(_ environment: [String: String], logger: Logger) async throws -> ShopEnvironment {
        var environment = environment
        let defaults = [
            "CAPI_PIXELS": "1234567890", "CAPI_STORE": "shop-capi.sqlite", "CAPI_TRUSTED_PROXIES": "127.0.0.0/8,::1/128",
        ]
        environment.merge(defaults) { set, _ in set }
        var fake: FakeGraphAPI?
        if (environment["CAPI_ACCESS_TOKEN"] ?? "").isEmpty {
            let server = try await FakeGraphAPI.start()
            environment["CAPI_ACCESS_TOKEN"] = "offline-example"
            environment["CAPI_GRAPH_URL"] = server.baseURL
            fake = server
            logger.notice(
                "CAPI_ACCESS_TOKEN is not set: delivering to a fake Graph API", metadata: ["shop.graph_url": "\(server.baseURL)"])
        }
        let capi = try await CAPIClient(environment: environment, logger: logger)
        return ShopEnvironment(capi: capi, fakeGraph: fake, port: Int(environment["PORT"] ?? "") ?? 8_080)
    }
}
