// swift-tools-version:6.1
import PackageDescription

// Examples depend on RoasProof by path, so the library's own manifest never pulls in
// what the examples use. Run one from the repository root:
//
//   swift run --package-path Examples BuildPurchase
let package = Package(
    name: "RoasProofExamples",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "RoasProof", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "BuildPurchase",
            dependencies: [.product(name: "RoasProof", package: "RoasProof")]
        ),
    ]
)
