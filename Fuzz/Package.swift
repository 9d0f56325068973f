// swift-tools-version:6.1
import PackageDescription

// libFuzzer targets. They only link with the fuzzer runtime, so build them through
// Scripts/fuzz.sh, which passes --sanitize=fuzzer --sanitize=address:
//
//   Scripts/fuzz.sh            # every target for 60 s each
//   Scripts/fuzz.sh 300 FuzzIdentity
let package = Package(
    name: "RoasProofFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "RoasProof", path: "..")],
    targets: [
        .executableTarget(name: "FuzzIdentity", dependencies: [.product(name: "RoasProof", package: "RoasProof")]),
        .executableTarget(name: "FuzzClickIDs", dependencies: [.product(name: "RoasProof", package: "RoasProof")]),
        .executableTarget(name: "FuzzGraphJSON", dependencies: [.product(name: "RoasProof", package: "RoasProof")]),
        .executableTarget(name: "FuzzClientIP", dependencies: [.product(name: "RoasProof", package: "RoasProof")]),
        .executableTarget(
            name: "FuzzDeliveryResponse",
            dependencies: [
                .product(name: "RoasProof", package: "RoasProof"),
                .product(name: "DeliveryTesting", package: "RoasProof"),
            ]
        ),
        .executableTarget(name: "FuzzJSONSyntax", dependencies: [.product(name: "RoasProof", package: "RoasProof")]),
        .executableTarget(name: "FuzzPixelSnippet", dependencies: [.product(name: "RoasProof", package: "RoasProof")]),
        .executableTarget(name: "FuzzHTMLText", dependencies: [.product(name: "DeliveryDashboard", package: "RoasProof")]),
        .executableTarget(
            name: "FuzzPostgresURL",
            dependencies: [
                .product(name: "RoasProof", package: "RoasProof"),
                .product(name: "DeliveryPostgres", package: "RoasProof"),
            ]
        ),
        // capi is an executable, so its line reader is compiled in from the same file
        // (Sources/FuzzJSONLines/LineReader.swift is a link to Sources/capi/Support/LineReader.swift).
        .executableTarget(name: "FuzzJSONLines", dependencies: [.product(name: "RoasProof", package: "RoasProof")]),
    ]
)
