import Benchmark
import CAPIModel
import Dedup
import Identity
import Matching

// Run from Benchmarks/:  swift package --disable-sandbox benchmark --target MatchingBenchmarks
//
// Targets (issue 4): a complete user_data from a customer record and a session at
// ≥ 1 million per second on one core, and event_id derivation at ≥ 10 million per second.
// Throughput is per second of wall-clock time, so a busy machine reads low.

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
        userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15")
    let assembler = UserDataAssembler()

    Benchmark("user_data: complete (9 hashed keys + fbc, fbp, IP, UA)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(assembler.assemble(customer, session: session))
        }
    }

    let normalizer = IdentityNormalizer()
    Benchmark("user_data: one key (em) normalized and hashed") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? normalizer.process("Jane.Doe@Example.com", as: .email))
        }
    }

    Benchmark("user_data: fbc cookie parsed") { benchmark in
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
