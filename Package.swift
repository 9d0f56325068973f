// swift-tools-version:6.1
import PackageDescription

// RoasProof: a Conversions API client for Swift servers.
//
// Module map (each module depends only on the ones above it):
//
//   CLibcrypto   system library over OpenSSL's libcrypto (SHA-256, HMAC)
//   CAPIModel    Codable Graph API types, no I/O, no crypto
//   Identity     normalization + hashing of customer identifiers (the only module that sees raw PII)
//   Matching     fbc/fbp/visitor id/IP/consent, user_data assembly, coverage
//   Dedup        deterministic event_id and the browser pixel hand-off
//   Delivery     durable store-and-forward (protocols + worker)
//   RoasProof    umbrella that re-exports the library modules
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
        .executable(name: "capi", targets: ["capi"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Test-only: property-based tests of the pixel snippet escaping.
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
        .target(name: "Delivery", dependencies: ["CAPIModel"]),
        .target(name: "RoasProof", dependencies: ["CAPIModel", "Identity", "Matching", "Dedup", "Delivery"]),
        .executableTarget(
            name: "capi",
            dependencies: [
                "RoasProof",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "CAPIModelTests", dependencies: ["CAPIModel"]),
        .testTarget(name: "IdentityTests", dependencies: ["Identity", "CAPIModel"], resources: [.copy("Vectors")]),
        .testTarget(name: "CLITests", dependencies: ["capi"]),
        .testTarget(name: "MatchingTests", dependencies: ["Matching", "CAPIModel", "Identity"], resources: [.copy("Vectors")]),
        .testTarget(
            name: "DedupTests",
            dependencies: [
                "Dedup", "CAPIModel",
                .product(name: "PropertyBased", package: "swift-property-based"),
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
