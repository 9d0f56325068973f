// swift-tools-version:6.1
import PackageDescription

// Benchmarks live in their own package so that package-benchmark stays out of the graph
// RoasProof's users resolve. Run from this directory:
//
//   swift package --allow-writing-to-package-directory benchmark --target PhoneBenchmarks
let package = Package(
    name: "RoasProofBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "RoasProof", path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", exact: "1.38.1", traits: []),
    ],
    targets: [
        .executableTarget(
            name: "PhoneBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "Identity", package: "RoasProof"),
                .product(name: "CAPIModel", package: "RoasProof"),
            ],
            path: "Benchmarks/PhoneBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        )
    ]
)
