import Benchmark
import CAPIModel
import Crypto
import Identity

// Normalize + hash throughput per key on realistic inputs, beside the raw SHA-256 cost of
// the same libcrypto wrapper (the limit) and swift-crypto's SHA256 (a peer).
//
// One scaled iteration processes one value, so "Throughput (# / s) (K)" reads as
// thousands of values per second and the wall-clock time is per value.

let emails = (0..<1_000).map { "Customer.Name\($0)@Example-Mail.com" }
let phones = (0..<1_000).map { "+44 20 7946 \(String(format4: $0))" }
let firstNames = (0..<1_000).map { ["Mary", "Jean-Luc", "O'Connor", "Zoë", "Valéry", "Christopher"][$0 % 6] }
let cities = (0..<1_000).map { ["Menlo Park", "St. Louis", "San José", "New York", "München", "Paris"][$0 % 6] }
let birthDates = (0..<1_000).map { "19\(50 + $0 % 50)-0\(1 + $0 % 9)-1\($0 % 9)" }
let zipCodes = (0..<1_000).map { ["98121-4892", "NR9 5AL", "10115", "75008", "M5V 3A8"][$0 % 5] }

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
    maxDuration: .seconds(3),
    maxIterations: 1_000_000
    )
}

let benchmarks: @Sendable () -> Void = {
    let normalizer = IdentityNormalizer()

    func hashing(_ name: String, _ inputs: [String], _ key: HashedUserDataKey) {
        Benchmark("normalize+hash \(name)", configuration: hashingConfiguration()) { benchmark in
            for i in benchmark.scaledIterations {
                blackHole(try? normalizer.hash(inputs[i % inputs.count], as: key))
            }
        }
    }

    hashing("em", emails, .email)
    hashing("ph", phones, .phone)
    hashing("fn", firstNames, .firstName)
    hashing("ct", cities, .city)
    hashing("db", birthDates, .dateOfBirth)
    hashing("zp", zipCodes, .zipCode)

    Benchmark("raw SHA-256 libcrypto (email-sized input)", configuration: hashingConfiguration()) { benchmark in
        for i in benchmark.scaledIterations {
            blackHole(Identity.SHA256.hash(emails[i % emails.count]))
        }
    }

    Benchmark("raw SHA-256 swift-crypto (email-sized input)", configuration: hashingConfiguration()) { benchmark in
        for i in benchmark.scaledIterations {
            var input = emails[i % emails.count]
            blackHole(input.withUTF8 { Crypto.SHA256.hash(data: UnsafeRawBufferPointer($0)) })
        }
    }
}
