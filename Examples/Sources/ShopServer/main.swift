// The shop of ShopApp (Hummingbird) as a server, with its CAPIClient, in one ServiceGroup.
//
//   swift run --package-path Examples ShopServer
//   open http://127.0.0.1:8080/?fbclid=IwAR-example          # land from an "ad", then buy
//   open http://127.0.0.1:8080/admin/capi                    # the delivery dashboard
//
// Environment: see ShopEnvironment (CAPI_PIXELS, CAPI_ACCESS_TOKEN, CAPI_STORE, PORT, …), and
// OTEL_EXPORTER_OTLP_ENDPOINT (http://collector:4318) to export RoasProof's spans (capi.send,
// capi.enqueue, capi.delivery.attempt) to an OpenTelemetry collector over OTLP/HTTP.
import FakeGraphAPI
import Foundation
import Hummingbird
import Logging
import OTel
import RoasProof
import ServiceLifecycle
import ShopApp
import ShopCore
import UnixSignals

var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
if let endpoint = ProcessInfo.processInfo.environment["OTEL_EXPORTER_OTLP_ENDPOINT"], !endpoint.isEmpty {
    // Bootstrapped before the client is made, so its spans go to this tracer. Listed first in
    // the group, it shuts down last and exports the last spans. (Logs and metrics stay local.)
    var otel = OTel.Configuration.default
    otel.serviceName = "shop"
    otel.logs.enabled = false
    otel.metrics.enabled = false
    otel.traces.otlpExporter.protocol = .httpProtobuf
    services.append(.init(service: try OTel.bootstrap(configuration: otel)))
}

var logger = Logger(label: "shop")
logger.logLevel = .info
let environment = try await ShopEnvironment.load(ProcessInfo.processInfo.environment, logger: logger)
let capi = environment.capi

var shopConfiguration = Shop.Configuration(pixelID: capi.destinations[0].pixel.pixelID)
shopConfiguration.visits.publicScheme = "http"  // plain HTTP on localhost; "https" behind your TLS terminator
let shop = Shop(configuration: shopConfiguration, capi: capi)
let app = buildApplication(
    shop: shop,
    configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: environment.port)),
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
        services: services + [.init(service: capi), .init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint],
        logger: logger))
try await group.run()
try await environment.fakeGraph?.shutdown()
logger.info("ShopServer stopped")
