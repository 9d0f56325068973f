// swift-tools-version:6.1
import PackageDescription

import struct Foundation.URL

// A path dependency is identified by its directory's name, which differs between clones and
// worktrees, so derive it instead of hard-coding "RoasProof".
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

// Benchmarks live in their own package so that users of RoasProof never build
// package-benchmark. Run from the repository root:
//
//   swift package --package-path Benchmarks benchmark
//
let package = Package(
    name: "Benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: []),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        .executableTarget(
            name: "DeliveryBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "CAPIModel", package: root),
                .product(name: "Identity", package: root),
                .product(name: "Delivery", package: root),
                .product(name: "DeliverySQLite", package: root),
                .product(name: "DeliveryHTTP", package: root),
                .product(name: "FakeGraphAPI", package: root),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Benchmarks/DeliveryBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        )
    ]
)
