// swift-tools-version:6.1
import PackageDescription

// RoasProof: a Conversions API client for Swift servers.
//
// Module map (each module depends only on the ones above it):
//
//   CLibcrypto   system library over OpenSSL's libcrypto (SHA-256, HMAC)
//   CAPIModel    Codable Graph API types, no I/O, no crypto
//   Identity     normalization + hashing of customer identifiers (with Matching's CustomerRecord and
//                SessionContext, the only code that holds raw personal data)
//   Matching     fbc/fbp/visitor id/IP/consent, user_data assembly, coverage
//   Dedup        deterministic event_id and the browser pixel hand-off
//   Delivery     (also uses Matching's EventValidator) durable store-and-forward: EventStore/Transport protocols, retry rules, queue, worker
//   DeliveryTesting           in-memory store, recording transport, manual clock (a product)
//   DeliveryStoreConformance  the EventStore conformance suite every store's tests run
//   DeliverySQLite            the embedded SQLite store (sqlite-nio)
//   DeliveryHTTP              the AsyncHTTPClient transport
//   DeliveryPostgres          the PostgreSQL store shared by many app instances (postgres-nio)
//   FakeGraphAPI              a loopback fake of POST /{version}/{pixel}/events (a product)
//   DeliveryDashboard         text and self-contained HTML views of a store (status, coverage, failures)
//   DatasetQuality            Meta's Dataset Quality API: Event Match Quality per event name (typed client)
//   DeliveryConsole           the live operator console: pages, replay, CSRF and token checks, a loopback NIO server
//   RoasProof    umbrella that re-exports the library modules, CAPIClient (one call per conversion)
//                and VisitTracker (what a page request tells about the visitor)
//   RoasProofHummingbird / RoasProofVapor   middleware for each framework, behind the package
//                traits of the same names, so a user of neither fetches and builds neither
//   capi         command-line tool

let package = Package(
    name: "RoasProof",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "RoasProof", targets: ["RoasProof"]),
        .library(name: "CAPIModel", targets: ["CAPIModel"]),
        .library(name: "Identity", targets: ["Identity"]),
        .library(name: "Matching", targets: ["Matching"]),
        .library(name: "Dedup", targets: ["Dedup"]),
        .library(name: "Delivery", targets: ["Delivery"]),
        .library(name: "DeliveryTesting", targets: ["DeliveryTesting"]),
        .library(name: "DeliverySQLite", targets: ["DeliverySQLite"]),
        .library(name: "DeliveryHTTP", targets: ["DeliveryHTTP"]),
        .library(name: "DeliveryPostgres", targets: ["DeliveryPostgres"]),
        .library(name: "FakeGraphAPI", targets: ["FakeGraphAPI"]),
        .library(name: "DeliveryDashboard", targets: ["DeliveryDashboard"]),
        .library(name: "DatasetQuality", targets: ["DatasetQuality"]),
        .library(name: "DeliveryConsole", targets: ["DeliveryConsole"]),
        .library(name: "RoasProofHummingbird", targets: ["RoasProofHummingbird"]),
        .library(name: "RoasProofVapor", targets: ["RoasProofVapor"]),
        .executable(name: "capi", targets: ["capi"]),
    ],
    // Each framework's middleware needs its trait: `.package(url: …, from: …, traits: ["Vapor"])`.
    // A package whose trait is off is neither fetched nor built.
    traits: [
        .trait(name: "Hummingbird", description: "The Hummingbird 2 middleware (RoasProofHummingbird)."),
        .trait(name: "Vapor", description: "The Vapor 4 middleware (RoasProofVapor)."),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.25.0"),
        // CAPIClient reads its settings (pixels, token, store, ...) from the environment or files.
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        // Spans for conversions, enqueues and delivery attempts; apps choose the tracer.
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        // Builds the DocC documentation of every library module (Scripts/docs.sh).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // The web framework middlewares, each only with its trait.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/vapor", from: "4.122.3"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // Test-only: property-based tests (pixel snippet escaping, normalizer idempotence).
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibcrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .target(name: "CAPIModel"),
        .target(name: "Identity", dependencies: ["CAPIModel", "CLibcrypto"]),
        .target(name: "Matching", dependencies: ["CAPIModel", "Identity"]),
        .target(name: "Dedup", dependencies: ["CAPIModel", "Identity"]),
        .target(
            name: "Delivery",
            dependencies: [
                "CAPIModel",
                "Identity",
                "Matching",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        // In-memory store, scripted transport and a manual clock, for tests (ours and users').
        .target(name: "DeliveryTesting", dependencies: ["Delivery", "CAPIModel"]),
        // The EventStore conformance suite, shared by every store's tests (Swift Testing checks).
        .target(name: "DeliveryStoreConformance", dependencies: ["Delivery", "CAPIModel"]),
        .target(
            name: "DeliverySQLite",
            dependencies: [
                "Delivery",
                "CAPIModel",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "DeliveryPostgres",
            dependencies: [
                "Delivery",
                "CAPIModel",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "DeliveryHTTP",
            dependencies: [
                "Delivery",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "FakeGraphAPI",
            dependencies: [
                "CAPIModel",
                "Identity",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Meta's Dataset Quality API (Event Match Quality per event name): typed client and model.
        .target(
            name: "DatasetQuality",
            dependencies: [
                "CAPIModel", "Delivery", "DeliveryHTTP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Text and HTML views of a store: pure rendering over InspectableEventStore snapshots.
        .target(name: "DeliveryDashboard", dependencies: ["Delivery", "CAPIModel", "DatasetQuality"]),
        // The live operator console: framework-neutral request -> response core, and a small NIO server.
        .target(
            name: "DeliveryConsole",
            dependencies: [
                "Delivery", "DeliveryDashboard", "DatasetQuality", "CAPIModel", "Identity",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A child process for the crash test: enqueues and delivers until it is killed.
        .executableTarget(
            name: "DeliveryCrashChild",
            dependencies: ["Delivery", "DeliverySQLite", "DeliveryHTTP", "DeliveryTesting", "CAPIModel"],
            path: "Tests/DeliveryCrashChild"
        ),
        // A worker process for the multi-instance test: a PostgreSQL store and a worker in a
        // ServiceGroup, delivering until SIGTERM (or SIGKILL).
        .executableTarget(
            name: "DeliveryPostgresChild",
            dependencies: [
                "Delivery", "DeliveryPostgres", "DeliveryHTTP", "DeliveryTesting",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Tests/DeliveryPostgresChild"
        ),
        // The umbrella, and CAPIClient: the one-call client that owns the store, queue and worker.
        .target(
            name: "RoasProof",
            dependencies: [
                "CAPIModel", "Identity", "Matching", "Dedup", "Delivery", "DeliverySQLite", "DeliveryHTTP",
                "DeliveryPostgres", "DatasetQuality",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        // Hummingbird 2 middleware: the visit in `context.capi`, cookies on the response.
        .target(
            name: "RoasProofHummingbird",
            dependencies: [
                "RoasProof", "DeliveryConsole",
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
                .product(name: "HTTPTypes", package: "swift-http-types", condition: .when(traits: ["Hummingbird"])),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Vapor 4 middleware: the visit in `request.capi`, cookies on the response.
        .target(
            name: "RoasProofVapor",
            dependencies: [
                "RoasProof", "DeliveryConsole",
                .product(name: "Vapor", package: "vapor", condition: .when(traits: ["Vapor"])),
            ]
        ),
        .executableTarget(
            name: "capi",
            dependencies: [
                "RoasProof",
                "DeliveryDashboard",
                "DeliveryConsole",
                "DatasetQuality",
                // `capi serve` opens the PostgreSQL store of many app instances too.
                "DeliveryPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // `capi demo` runs the whole pipeline offline against the fake Graph API, with
                // DeliveryTesting's seeded generator so its visitor ids are the same every run.
                "FakeGraphAPI",
                "DeliveryTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
            ]
        ),
        .testTarget(name: "CAPIModelTests", dependencies: ["CAPIModel"]),
        .testTarget(
            name: "DatasetQualityTests",
            dependencies: [
                "DatasetQuality", "CAPIModel", "Delivery", "DeliveryHTTP", "DeliverySQLite", "DeliveryTesting",
                "DeliveryDashboard",
                "FakeGraphAPI",
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Run with `--traits Hummingbird,Vapor` (Scripts/test.sh does): real servers on loopback.
        .testTarget(
            name: "RoasProofHummingbirdTests",
            dependencies: [
                "RoasProofHummingbird", "RoasProof", "DeliveryTesting", "DeliveryConsole",
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
                .product(name: "HummingbirdTesting", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
                .product(name: "HTTPTypes", package: "swift-http-types", condition: .when(traits: ["Hummingbird"])),
            ]
        ),
        .testTarget(
            name: "RoasProofVaporTests",
            dependencies: [
                "RoasProofVapor", "RoasProof", "DeliveryTesting", "DeliveryConsole",
                .product(name: "Vapor", package: "vapor", condition: .when(traits: ["Vapor"])),
                .product(name: "AsyncHTTPClient", package: "async-http-client", condition: .when(traits: ["Vapor"])),
            ]
        ),
        .testTarget(
            name: "RoasProofTests",
            dependencies: [
                "RoasProof", "FakeGraphAPI", "DeliveryTesting",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "IdentityTests",
            dependencies: [
                "Identity", "CAPIModel", "DeliveryTesting", .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Vectors")]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "capi", "Delivery", "DeliverySQLite", "DeliveryPostgres", "FakeGraphAPI", "CAPIModel",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "DeliveryConsoleTests",
            dependencies: [
                "DeliveryConsole", "Delivery", "DeliveryTesting", "DeliveryDashboard", "CAPIModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "DeliveryDashboardTests", dependencies: ["DeliveryDashboard", "Delivery", "DeliveryTesting", "CAPIModel"]),
        .testTarget(
            name: "MatchingTests", dependencies: ["Matching", "CAPIModel", "Identity", "DeliveryTesting"],
            resources: [.copy("Vectors")]
        ),
        .testTarget(
            name: "DedupTests",
            dependencies: [
                "Dedup", "CAPIModel",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "DeliveryTests",
            dependencies: [
                "Delivery", "DeliveryTesting", "DeliveryStoreConformance", "CAPIModel", "Identity", "Matching",
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "DeliverySQLiteTests",
            dependencies: [
                "Delivery", "DeliverySQLite", "DeliveryTesting", "DeliveryStoreConformance", "CAPIModel",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "DeliveryIntegrationTests",
            dependencies: [
                "Delivery", "DeliverySQLite", "DeliveryHTTP", "DeliveryTesting", "FakeGraphAPI", "CAPIModel", "Identity",
                "Matching", "DeliveryCrashChild",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Needs a PostgreSQL server: run `Scripts/with-postgres.sh swift test`, which sets
        // ROASPROOF_POSTGRES_URL. Without it these tests fail and say so.
        .testTarget(
            name: "DeliveryPostgresTests",
            dependencies: [
                "Delivery", "DeliveryPostgres", "DeliveryStoreConformance", "DeliveryTesting", "DeliveryHTTP", "FakeGraphAPI",
                "CAPIModel", "Identity", "DeliveryPostgresChild",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
