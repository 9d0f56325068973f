// swift-tools-version:6.1
import PackageDescription

// Benchmarks live in their own package so that library users never resolve
// package-benchmark. Run them from the repository root:
//
//   swift package --package-path Benchmarks benchmark
//
// See BENCHMARKS.md for the numbers and how they were measured.
let package = Package(
    name: "RoasProofBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "RoasProof", path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: []),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // The events the delivery benchmarks enqueue (shared, so both stores do the same work).
        .target(
            name: "BenchmarkEvents",
            dependencies: [
                .product(name: "CAPIModel", package: "RoasProof"),
                .product(name: "Identity", package: "RoasProof"),
                .product(name: "Delivery", package: "RoasProof"),
            ],
            path: "Benchmarks/BenchmarkEvents"
        ),
        // Seeded realistic customers (several scripts, forty phone regions) for the Identity
        // and Matching benchmarks, and the tool that writes them for Scripts/python-baselines.py.
        .target(
            name: "BenchmarkData",
            dependencies: [
                .product(name: "CAPIModel", package: "RoasProof"),
                .product(name: "Identity", package: "RoasProof"),
                .product(name: "Matching", package: "RoasProof"),
                .product(name: "DeliveryTesting", package: "RoasProof"),
            ],
            path: "Benchmarks/BenchmarkData"
        ),
        .executableTarget(
            name: "benchmark-data",
            dependencies: [
                "BenchmarkData",
                .product(name: "CAPIModel", package: "RoasProof"),
                .product(name: "Identity", package: "RoasProof"),
            ],
            path: "Benchmarks/BenchmarkDataWriter"
        ),
        .executableTarget(
            name: "HashingBenchmarks",
            dependencies: [
                "BenchmarkData",
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "RoasProof", package: "RoasProof"),
            ],
            path: "Benchmarks/HashingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "PhoneBenchmarks",
            dependencies: [
                "BenchmarkData",
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "Identity", package: "RoasProof"),
                .product(name: "CAPIModel", package: "RoasProof"),
            ],
            path: "Benchmarks/PhoneBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "MatchingBenchmarks",
            dependencies: [
                "BenchmarkData",
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "Matching", package: "RoasProof"),
                .product(name: "Dedup", package: "RoasProof"),
                .product(name: "Identity", package: "RoasProof"),
                .product(name: "CAPIModel", package: "RoasProof"),
            ],
            path: "Benchmarks/MatchingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "DeliveryBenchmarks",
            dependencies: [
                "BenchmarkEvents",
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "CAPIModel", package: "RoasProof"),
                .product(name: "Identity", package: "RoasProof"),
                .product(name: "Delivery", package: "RoasProof"),
                .product(name: "Matching", package: "RoasProof"),
                .product(name: "DeliverySQLite", package: "RoasProof"),
                .product(name: "DeliveryHTTP", package: "RoasProof"),
                .product(name: "FakeGraphAPI", package: "RoasProof"),
                .product(name: "RoasProof", package: "RoasProof"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Benchmarks/DeliveryBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        // The operator console's queries over a store of 1,000,000 events (built once, kept in the
        // temporary directory).
        .executableTarget(
            name: "ConsoleBenchmarks",
            dependencies: [
                "BenchmarkEvents",
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "CAPIModel", package: "RoasProof"),
                .product(name: "Delivery", package: "RoasProof"),
                .product(name: "DeliveryConsole", package: "RoasProof"),
                .product(name: "DeliverySQLite", package: "RoasProof"),
            ],
            path: "Benchmarks/ConsoleBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        // Needs a PostgreSQL server: run under Scripts/with-postgres.sh (see BENCHMARKS.md).
        .executableTarget(
            name: "DeliveryPostgresBenchmarks",
            dependencies: [
                "BenchmarkEvents",
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "CAPIModel", package: "RoasProof"),
                .product(name: "Identity", package: "RoasProof"),
                .product(name: "Delivery", package: "RoasProof"),
                .product(name: "DeliveryPostgres", package: "RoasProof"),
                .product(name: "DeliverySQLite", package: "RoasProof"),
                .product(name: "DeliveryHTTP", package: "RoasProof"),
                .product(name: "FakeGraphAPI", package: "RoasProof"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Benchmarks/DeliveryPostgresBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
