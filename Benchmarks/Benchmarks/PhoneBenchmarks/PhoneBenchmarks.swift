import Benchmark
import BenchmarkData
import CAPIModel
import Identity

/// Phone normalize+hash throughput on realistic input. "varied" rows run over the seeded
/// customers of BenchmarkData: forty regions, written national (`020 7946 0958`),
/// international, with `00`, with the trunk prefix in brackets (`+44 (0)20 …`) and as bare
/// national digits, read in the customer's region. "fixed" rows run over the sixteen inputs
/// below. Each iteration normalizes and hashes one number (SHA-256 through libcrypto).
let phoneInputs: [(String, RegionCode?)] = [
    ("+1 (650) 555-1212", nil),
    ("(650) 555-1212", "US"),
    ("020 7946 0958", "GB"),
    ("+44 (0)20 7946 0958", nil),
    ("0044 20 7946 0958", nil),
    ("030 901820", "DE"),
    ("+33 1 42 68 53 00", nil),
    ("06 12 34 56 78", "FR"),
    ("+91 98765 43210", nil),
    ("(11) 91234-5678", "BR"),
    ("0412 345 678", "AU"),
    ("03-5843-2301", "JP"),
    ("+39 06 6982 1234", nil),
    ("011 15-2345-6789", "AR"),
    ("8 (912) 345-67-89", "RU"),
    ("+1-201-555-0123 ext. 42", nil),
]

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock],
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 1_000_000
    )

    let normalizer = IdentityNormalizer()
    let varied = VariedInputs(.phone, of: VariedCustomers.generate(count: 4_096), normalizer: normalizer)
    let variedValues = varied.values
    let variedE164 = varied.normalized

    Benchmark("varied: ph normalize+hash (40 regions, 5 forms)") { benchmark in
        var index = 0
        for _ in benchmark.scaledIterations {
            let (value, region) = variedValues[index]
            index = index == variedValues.count - 1 ? 0 : index + 1
            blackHole(try? normalizer.hash(value, as: .phone, region: region))
        }
    }

    Benchmark("varied: raw SHA-256 libcrypto of the E.164 digits") { benchmark in
        var index = 0
        for _ in benchmark.scaledIterations {
            let value = variedE164[index]
            index = index == variedE164.count - 1 ? 0 : index + 1
            blackHole(Identity.SHA256.hash(value))
        }
    }

    Benchmark("varied: ph parse to PhoneNumber (region lookup and validity)") { benchmark in
        var index = 0
        for _ in benchmark.scaledIterations {
            let (value, region) = variedValues[index]
            index = index == variedValues.count - 1 ? 0 : index + 1
            blackHole(try? PhoneNumber.parse(value, region: region))
        }
    }

    Benchmark("fixed: ph normalize+hash (16 realistic inputs)") { benchmark in
        var index = 0
        for _ in benchmark.scaledIterations {
            let (value, region) = phoneInputs[index]
            index = index == phoneInputs.count - 1 ? 0 : index + 1
            blackHole(try? normalizer.hash(value, as: .phone, region: region))
        }
    }

    Benchmark("fixed: ph normalize+hash, E.164 input") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? normalizer.hash("+442079460958", as: .phone))
        }
    }

    Benchmark("fixed: ph parse to PhoneNumber (region lookup and validity)") { benchmark in
        var index = 0
        for _ in benchmark.scaledIterations {
            let (value, region) = phoneInputs[index]
            index = index == phoneInputs.count - 1 ? 0 : index + 1
            blackHole(try? PhoneNumber.parse(value, region: region))
        }
    }
}
