// The shop of ShopApp as a server, with its CAPIClient, in one ServiceGroup.
//
//   swift run --package-path Examples ShopServer
//   open http://127.0.0.1:8080/?fbclid=IwAR-example          # land from an "ad", then buy
//   open http://127.0.0.1:8080/admin/capi                    # the delivery dashboard
//
// Environment (the keys CAPIClient reads; see CAPIClient.Settings):
//   CAPI_PIXELS           the pixels purchases go to (default 1234567890); the page fires the first
//   CAPI_ACCESS_TOKEN     the Conversions API token; without one, events go to a fake Graph
//                         API started in-process, so the example runs offline
//   CAPI_TEST_EVENT_CODE  set while checking events in Events Manager > Test Events
//   CAPI_STORE            the SQLite queue (default shop-capi.sqlite) or a postgres:// URL
//   CAPI_TRUSTED_PROXIES  proxies whose forwarding headers are believed (default loopback)
//   PORT                  the port (default 8080; 0 picks a free one)
import FakeGraphAPI
import Foundation
import Hummingbird
import Logging
import RoasProof
import ServiceLifecycle
import ShopApp
import UnixSignals

var environment = ProcessInfo.processInfo.environment
var logger = Logger(label: "shop")
logger.logLevel = .info

// The example's defaults, for what the environment does not say.
let defaults = ["CAPI_PIXELS": "1234567890", "CAPI_STORE": "shop-capi.sqlite", "CAPI_TRUSTED_PROXIES": "127.0.0.0/8,::1/128"]
environment.merge(defaults) { set, _ in set }
var fake: FakeGraphAPI?
if (environment["CAPI_ACCESS_TOKEN"] ?? "").isEmpty {
    let server = try await FakeGraphAPI.start()
    environment["CAPI_ACCESS_TOKEN"] = "offline-example"
    environment["CAPI_GRAPH_URL"] = server.baseURL
    fake = server
    logger.notice("CAPI_ACCESS_TOKEN is not set: delivering to a fake Graph API", metadata: ["shop.graph_url": "\(server.baseURL)"])
}

let capi = try await CAPIClient(environment: environment, logger: logger)
var shopConfiguration = Shop.Configuration(pixelID: capi.destinations[0].pixel.pixelID)
shopConfiguration.publicScheme = "http"  // plain HTTP on localhost; "https" behind your TLS terminator
let shop = Shop(configuration: shopConfiguration, capi: capi)
let app = buildApplication(
    shop: shop,
    configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: Int(environment["PORT"] ?? "") ?? 8_080)),
    logger: logger,
    onServerRunning: { channel in
        // A line scripts can wait for (Scripts/test-examples.sh reads the port from it), written
        // unbuffered so it shows up at once even when standard output is a file.
        let line = "ShopServer listening on http://127.0.0.1:\(channel.localAddress?.port ?? 0)\n"
        FileHandle.standardOutput.write(Data(line.utf8))
    })

// The web server and the client share one lifecycle: SIGTERM or SIGINT shuts down both
// gracefully (the worker finishes in-flight requests, queued events stay in the store, and the
// store closes last).
let group = ServiceGroup(
    configuration: ServiceGroupConfiguration(
        services: [.init(service: capi), .init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint],
        logger: logger))
try await group.run()
try await fake?.shutdown()
logger.info("ShopServer stopped")
