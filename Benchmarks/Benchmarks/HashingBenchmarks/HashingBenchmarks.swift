import Benchmark
import BenchmarkData
import CAPIModel
import Crypto
import Identity

// Normalize + hash throughput per key, beside the raw SHA-256 cost of the same libcrypto
// wrapper over the same normalized bytes (the limit) and swift-crypto's SHA256 (a peer).
//
// "varied" rows run over the seeded customers of BenchmarkData (mixed case, whitespace,
// names and cities in several scripts, forty phone regions); "fixed" rows over the short
// fixed lists below, as measured before the varied data existed.
//
// One scaled iteration processes one value, so "Throughput (# / s) (K)" reads as
// thousands of values per second and the wall-clock time is per value.

let emails = (0..<1_000).map { "Customer.Name\($0)@Example-Mail.com" }
let phones = (0..<1_000).map { "+44 20 7946 \(String(format4: $0))" }
let firstNames = (0..<1_000).map { ["Mary", "Jean-Luc", "O'Connor", "Zoë", "Valéry", "Christopher"][$0 % 6] }
let cities = (0..<1_000).map { ["Menlo Park", "St. Louis", "San José", "New York", "München", "Paris"][$0 % 6] }
let birthDates = (0..<1_000).map { "19\(50 + $0 % 50)-0\(1 + $0 % 9)-1\($0 % 9)" }
let zipCodes = (0..<1_000).map { ["98121-4892", "NR9 5AL", "10115", "75008", "M5V 3A8"][$0 % 5] }

let customers = VariedCustomers.generate(count: 4_096)

extension String {
    init(format4 value: Int) {
        let digits = String(value % 10_000)
        self = String(repeating: "0", count: 4 - digits.count) + digits
    }
}

func hashingConfiguration() -> Benchmark.Configuration {
    Benchmark.Configuration(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 1_000_000
    )
}

let benchmarks: @Sendable () -> Void = {
    let normalizer = IdentityNormalizer()

    // Wraps around `count` without a division per iteration.
    @inline(__always) func advance(_ index: inout Int, _ count: Int) {
        index = index == count - 1 ? 0 : index + 1
    }

    func varied(_ key: HashedUserDataKey) {
        let inputs = VariedInputs(key, of: customers, normalizer: normalizer)
        let values = inputs.values
        Benchmark("varied: normalize+hash \(key.rawValue)", configuration: hashingConfiguration()) { benchmark in
            var index = 0
            for _ in benchmark.scaledIterations {
                let (value, region) = values[index]
                advance(&index, values.count)
                blackHole(try? normalizer.hash(value, as: key, region: region))
            }
        }
        let normalized = inputs.normalized
        Benchmark("varied: raw SHA-256 libcrypto of normalized \(key.rawValue)", configuration: hashingConfiguration()) {
            benchmark in
            var index = 0
            for _ in benchmark.scaledIterations {
                let value = normalized[index]
                advance(&index, normalized.count)
                blackHole(Identity.SHA256.hash(value))
            }
        }
    }

    for key: HashedUserDataKey in [
        .email, .phone, .firstName, .lastName, .city, .state, .zipCode, .dateOfBirth, .gender, .country, .externalID,
    ] {
        varied(key)
    }

    func fixed(_ name: String, _ inputs: [String], _ key: HashedUserDataKey) {
        Benchmark("fixed: normalize+hash \(name)", configuration: hashingConfiguration()) { benchmark in
            var index = 0
            for _ in benchmark.scaledIterations {
                let value = inputs[index]
                advance(&index, inputs.count)
                blackHole(try? normalizer.hash(value, as: key))
            }
        }
    }

    fixed("em", emails, .email)
    fixed("ph", phones, .phone)
    fixed("fn", firstNames, .firstName)
    fixed("ct", cities, .city)
    fixed("db", birthDates, .dateOfBirth)
    fixed("zp", zipCodes, .zipCode)

    Benchmark("fixed: raw SHA-256 libcrypto (email-sized input)", configuration: hashingConfiguration()) { benchmark in
        var index = 0
        for _ in benchmark.scaledIterations {
            let value = emails[index]
            advance(&index, emails.count)
            blackHole(Identity.SHA256.hash(value))
        }
    }

    Benchmark("fixed: raw SHA-256 swift-crypto (email-sized input)", configuration: hashingConfiguration()) { benchmark in
        var index = 0
        for _ in benchmark.scaledIterations {
            var input = emails[index]
            advance(&index, emails.count)
            blackHole(input.withUTF8 { Crypto.SHA256.hash(data: UnsafeRawBufferPointer($0)) })
        }
    }
}
