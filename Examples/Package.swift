// swift-tools-version:6.1
import PackageDescription

// Examples depend on RoasProof by path, so the library's own manifest never pulls in
// what the examples use (Hummingbird). Run one from the repository root:
//
//   swift run --package-path Examples BuildPurchase
//   swift run --package-path Examples ShopServer        # then open http://127.0.0.1:8080/?fbclid=IwAR-demo
//   swift test --package-path Examples                 # the shop's smoke tests
let package = Package(
    name: "RoasProofExamples",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "RoasProof", path: ".."),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
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
        // (2) A shop on Hummingbird: fbclid capture, cookies, the pixel hand-off and delivery.
        .target(
            name: "ShopApp",
            dependencies: [
                .product(name: "RoasProof", package: "RoasProof"),
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
                "ShopApp",
                .product(name: "RoasProof", package: "RoasProof"),
                .product(name: "FakeGraphAPI", package: "RoasProof"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ShopAppTests",
            dependencies: [
                "ShopApp",
                .product(name: "RoasProof", package: "RoasProof"),
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
