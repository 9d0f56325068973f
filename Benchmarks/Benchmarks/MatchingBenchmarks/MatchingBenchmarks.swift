import Benchmark
import BenchmarkData
import CAPIModel
import Dedup
import Identity
import Matching

// Run from Benchmarks/:  swift package --disable-sandbox benchmark --target MatchingBenchmarks
//
// Targets (issue 4): a complete user_data from a customer record and a session at
// ≥ 1 million per second on one core, and event_id derivation at ≥ 10 million per second.
// Throughput is per second of wall-clock time, so a busy machine reads low.
//
// "varied" rows run over the seeded customers of BenchmarkData (a third of names and cities
// non-ASCII, forty phone regions, dates, postal codes and genders in several spellings);
// "fixed" rows over one customer, as measured before the varied data existed.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock],
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 10_000
    )

    // A complete customer and session: em, ph, fn, ln, ct, st, zp, country and external_id
    // to normalize and hash; fbc, fbp, IP and user agent to check and pass through.
    let customer = CustomerRecord(
        emails: ["Jane.Doe@Example.com"], phones: ["+44 20 7946 0958"], firstName: "Jane", lastName: "Doe",
        city: "London", state: "LND", zipCode: "SW1A 1AA", country: "GB", userID: "user-84213")
    let session = SessionContext(
        consent: .granted,
        fbcCookie: "fb.1.1712345678901.IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMgk",
        fbpCookie: "fb.1.1712345678901.1234567890", clientIPAddresses: [IPAddress("2001:db8::7")!],
        userAgent:
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15"
    )
    let assembler = UserDataAssembler()

    let variedCustomers = VariedCustomers.generate(count: 4_096)
    let variedRecords = variedCustomers.map { ($0.record, $0.session) }
    Benchmark("varied: user_data complete (every key + fbc, fbp, IP, UA)") { benchmark in
        var index = 0
        for _ in benchmark.scaledIterations {
            let (record, session) = variedRecords[index]
            index = index == variedRecords.count - 1 ? 0 : index + 1
            blackHole(assembler.assemble(record, session: session))
        }
    }

    // The hashing alone: every value the assembler hashes for the customer (its normalized
    // bytes, derived keys included), through the same libcrypto wrapper.
    let variedNormalized = variedCustomers.map { $0.normalizedValues() }
    Benchmark("varied: raw SHA-256 libcrypto of the same customers' normalized values") { benchmark in
        var index = 0
        for _ in benchmark.scaledIterations {
            let values = variedNormalized[index]
            index = index == variedNormalized.count - 1 ? 0 : index + 1
            for value in values { blackHole(Identity.SHA256.hash(value)) }
        }
    }

    Benchmark("fixed: user_data complete (12 hashed keys + fbc, fbp, IP, UA)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(assembler.assemble(customer, session: session))
        }
    }

    let normalizer = IdentityNormalizer()
    Benchmark("fixed: user_data one key (em) normalized and hashed") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? normalizer.process("Jane.Doe@Example.com", as: .email))
        }
    }

    Benchmark("fixed: user_data fbc cookie parsed") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? FacebookCookie(parsing: session.fbcCookie!, as: .fbc))
        }
    }

    Benchmark("event_id: order (ord_<id>)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? EventID.forOrder("84213"))
        }
    }

    Benchmark("event_id: derived (evt_<sha-256>)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? EventID.derive(eventName: .lead, key: "form-7/submission-991"))
        }
    }
}
