// swift-tools-version:6.3
import PackageDescription

// Benchmarks live in their own package so that package-benchmark never becomes a
// dependency of RoasProof's users. Run from this directory:
//
//   swift package --disable-sandbox benchmark --target MatchingBenchmarks
let package = Package(
    name: "Benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "RoasProof", path: ".."),
        // No traits: the malloc/runtime interposers need packages this workplace doesn't have.
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: []),
    ],
    targets: [
        .executableTarget(
            name: "MatchingBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "Matching", package: "RoasProof"),
                .product(name: "Dedup", package: "RoasProof"),
                .product(name: "Identity", package: "RoasProof"),
                .product(name: "CAPIModel", package: "RoasProof"),
            ],
            path: "Benchmarks/MatchingBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "package-benchmark")
            ]
        ),
    ]
)
