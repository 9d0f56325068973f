// The shop of VaporShopApp as a server, with its CAPIClient.
//
//   swift run --package-path Examples VaporShopServer
//   open http://127.0.0.1:8080/?fbclid=IwAR-example          # land from an "ad", then buy
//   open http://127.0.0.1:8080/admin/capi                    # the delivery dashboard
//
// Environment: see ShopEnvironment (CAPI_PIXELS, CAPI_ACCESS_TOKEN, CAPI_STORE, PORT, …).
import FakeGraphAPI
import Foundation
import Logging
import RoasProof
import ServiceLifecycle
import ShopCore
import Vapor
import VaporShopApp

var logger = Logger(label: "shop")
logger.logLevel = .info
let environment = try await ShopEnvironment.load(ProcessInfo.processInfo.environment, logger: logger)
let capi = environment.capi

var visits = VisitTracker.Configuration()
visits.publicScheme = "http"  // plain HTTP on localhost; "https" behind your TLS terminator
let app = try await Application.make(.detect(), .singleton)
app.logger = logger
app.http.server.configuration.hostname = "127.0.0.1"
app.http.server.configuration.port = environment.port
VaporShop(pixelID: capi.destinations[0].pixel.pixelID, capi: capi, visits: visits).register(in: app)

// The client delivers while the application serves; Vapor handles SIGTERM and SIGINT, and the
// client shuts down gracefully after it (the worker finishes in-flight requests, queued events
// stay in the store, and the store closes last).
let delivery = ServiceGroup(configuration: ServiceGroupConfiguration(services: [.init(service: capi)], logger: logger))
async let delivering: Void = delivery.run()
do {
    try await app.startup()
    // A line scripts can wait for (Scripts/test-examples.sh reads the port from it).
    let port = app.http.server.shared.localAddress?.port ?? 0
    FileHandle.standardOutput.write(Data("VaporShopServer listening on http://127.0.0.1:\(port)\n".utf8))
    try await app.running?.onStop.get()
} catch {
    logger.error("VaporShopServer failed", metadata: ["shop.error": "\(error)"])
}
try await app.asyncShutdown()
await delivery.triggerGracefulShutdown()
try await delivering
try await environment.fakeGraph?.shutdown()
logger.info("VaporShopServer stopped")
