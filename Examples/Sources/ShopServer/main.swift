// The shop of ShopApp as a server, with its delivery worker, in one ServiceGroup.
//
//   swift run --package-path Examples ShopServer
//   open http://127.0.0.1:8080/?fbclid=IwAR-example          # land from an "ad", then buy
//   open http://127.0.0.1:8080/admin/capi                    # the delivery dashboard
//
// Environment:
//   CAPI_PIXEL_ID         the pixel (default 1234567890)
//   CAPI_ACCESS_TOKEN     the Conversions API token; without one, events go to a fake Graph
//                         API started in-process, so the example runs offline
//   CAPI_TEST_EVENT_CODE  set while checking events in Events Manager > Test Events
//   SHOP_CAPI_STORE       the SQLite queue (default shop-capi.sqlite)
//   PORT                  the port (default 8080; 0 picks a free one)
import FakeGraphAPI
import Foundation
import Hummingbird
import Logging
import RoasProof
import ServiceLifecycle
import ShopApp
import UnixSignals

let environment = ProcessInfo.processInfo.environment
var logger = Logger(label: "shop")
logger.logLevel = .info

let pixel = PixelID(environment["CAPI_PIXEL_ID"] ?? "1234567890")
var destination = PixelDestination(pixelID: pixel, accessToken: AccessToken(environment["CAPI_ACCESS_TOKEN"] ?? ""))
destination.testEventCode = environment["CAPI_TEST_EVENT_CODE"]
var fake: FakeGraphAPI?
if destination.accessToken.unredactedValue.isEmpty {
    let server = try await FakeGraphAPI.start()
    destination = PixelDestination(pixelID: pixel, accessToken: AccessToken("offline-example"))
    destination.baseURL = server.baseURL
    fake = server
    logger.notice("CAPI_ACCESS_TOKEN is not set: delivering to a fake Graph API", metadata: ["shop.graph_url": "\(server.baseURL)"])
}

let store = try await SQLiteEventStore.open(path: environment["SHOP_CAPI_STORE"] ?? "shop-capi.sqlite", logger: logger)
let queue = DeliveryQueue(store: store, logger: logger)
let worker = DeliveryWorker(
    queue: queue, transport: AsyncHTTPClientTransport(), destinations: [destination], logger: logger)

var shopConfiguration = Shop.Configuration(pixelID: pixel)
shopConfiguration.publicScheme = "http"  // plain HTTP on localhost; "https" behind your TLS terminator
let shop = Shop(configuration: shopConfiguration, queue: queue)
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

// The web server and the delivery worker share one lifecycle: SIGTERM or SIGINT shuts down
// both gracefully (the worker finishes in-flight requests; queued events stay in SQLite).
let group = ServiceGroup(
    configuration: ServiceGroupConfiguration(
        services: [.init(service: app), .init(service: worker)], gracefulShutdownSignals: [.sigterm, .sigint],
        logger: logger))
try await group.run()
try await store.close()
try await fake?.shutdown()
logger.info("ShopServer stopped")
