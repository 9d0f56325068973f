// swift-tools-version:6.1
import PackageDescription

// Examples depend on RoasProof by path, with the traits of both web frameworks, so the
// library's own users fetch neither unless they ask. Run one from the repository root:
//
//   swift run --package-path Examples BuildPurchase
//   swift run --package-path Examples ShopServer        # Hummingbird; open http://127.0.0.1:8080/?fbclid=IwAR-demo
//   swift run --package-path Examples VaporShopServer   # the same shop on Vapor
//   swift test --package-path Examples                 # the shop's smoke tests
let package = Package(
    name: "RoasProofExamples",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "RoasProof", path: "..", traits: ["Hummingbird", "Vapor"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/vapor", from: "4.122.3"),
        // ShopServer exports RoasProof's spans over OTLP/HTTP (not gRPC: one trait, fewer packages).
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // (1) Building an example Purchase in-process from an order.
        .executableTarget(
            name: "BuildPurchase",
            dependencies: [.product(name: "RoasProof", package: "RoasProof")]
        ),
        // (0) The README's first example, exactly as printed (Scripts/test-examples.sh checks it).
        .executableTarget(
            name: "ReadmeExample",
            dependencies: [
                .product(name: "RoasProof", package: "RoasProof"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // (2) A shop: its pages, orders and checkout, the same on every framework.
        .target(
            name: "ShopCore",
            dependencies: [
                .product(name: "RoasProof", package: "RoasProof"),
                .product(name: "DeliveryDashboard", package: "RoasProof"),
                .product(name: "FakeGraphAPI", package: "RoasProof"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // (2a) The shop on Hummingbird, behind RoasProofHummingbird's middleware.
        .target(
            name: "ShopApp",
            dependencies: [
                "ShopCore",
                .product(name: "RoasProof", package: "RoasProof"),
                .product(name: "RoasProofHummingbird", package: "RoasProof"),
                .product(name: "DeliveryDashboard", package: "RoasProof"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .executableTarget(
            name: "ShopServer",
            dependencies: [
                "ShopApp", "ShopCore",
                .product(name: "RoasProof", package: "RoasProof"),
                .product(name: "FakeGraphAPI", package: "RoasProof"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OTel", package: "swift-otel"),
            ]
        ),
        // (2b) The same shop on Vapor, behind RoasProofVapor's middleware.
        .target(
            name: "VaporShopApp",
            dependencies: [
                "ShopCore",
                .product(name: "RoasProof", package: "RoasProof"),
                .product(name: "RoasProofVapor", package: "RoasProof"),
                .product(name: "DeliveryDashboard", package: "RoasProof"),
                .product(name: "Vapor", package: "vapor"),
            ]
        ),
        .executableTarget(
            name: "VaporShopServer",
            dependencies: [
                "VaporShopApp", "ShopCore",
                .product(name: "RoasProof", package: "RoasProof"),
                .product(name: "FakeGraphAPI", package: "RoasProof"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The smoke test's Graph API: records what the shops deliver (Scripts/test-examples.sh).
        .executableTarget(
            name: "FakeGraphServer",
            dependencies: [.product(name: "FakeGraphAPI", package: "RoasProof")]
        ),
        .testTarget(
            name: "ShopAppTests",
            dependencies: [
                "ShopApp", "ShopCore",
                .product(name: "RoasProof", package: "RoasProof"),
                .product(name: "FakeGraphAPI", package: "RoasProof"),
                .product(name: "FakeGraphAPI", package: "RoasProof"),
                .product(name: "DeliveryTesting", package: "RoasProof"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
    ]
)

// The README example is compiled with Swift 6's defaults, as a user's new package would be.
for target in package.targets where target.name != "ReadmeExample" {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
