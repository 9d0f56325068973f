import Foundation
import Testing

/// A demo store made once per test process and shared by the read-only operator tests.
actor DemoFixture {
    static let shared = DemoFixture()
    private var made: Task<(directory: String, result: CAPIBinary.Result), any Error>?

    /// The directory holding `capi-demo.sqlite`, and the demo's output.
    func demo() async throws -> (directory: String, result: CAPIBinary.Result) {
        if let made { return try await made.value }
        let task = Task {
            let directory = try ScratchDirectory()  // kept until the process ends: other tests read it
            let result = try await CAPIBinary.launch(["demo"], directory: directory.path)
            return (directory: directory.path, result: result)
        }
        made = task
        return try await task.value
    }

    func store() async throws -> String { try await demo().directory + "/capi-demo.sqlite" }
}

@Suite("capi demo")
struct DemoCommandTests {
    @Test func runsOfflineAndShowsEveryPartOfThePromise() async throws {
        let (directory, result) = try await DemoFixture.shared.demo()
        #expect(result.status == 0, "\(result.stderr)")
        let out = result.stdout
        // Built through the real APIs: a refused event, a consent drop, a synthesized fbc.
        #expect(out.contains("refused before queueing"))
        #expect(out.contains("custom_data.currency: missing_currency"))
        #expect(out.contains("event_time: event_in_future"))
        #expect(out.contains("not sent: consent denied; nothing was hashed"))
        #expect(out.contains("fbc synthesized from the stored click"))
        #expect(out.contains("ph dropped ("))
        #expect(out.contains("Limited Data Use (country 1, state 1000)"))
        #expect(out.contains("Queued 10 events in capi-demo.sqlite in one durable commit"))
        // The scripted rate limit and transient failure, each with an fbtrace_id.
        #expect(
            out.range(of: #"HTTP 429 throttled \(Graph 80004\)\s+fbtrace_id [A-Za-z0-9]{11}"#, options: .regularExpression) != nil
        )
        #expect(
            out.range(of: #"HTTP 503 transient \(Graph 2\)\s+fbtrace_id [A-Za-z0-9]{11}  → retried"#, options: .regularExpression)
                != nil)
        // The exact payload of a Purchase, hashed, with the same event_id as the pixel snippet.
        #expect(out.contains("byte for byte as the Graph API received it"))
        #expect(out.contains(#""event_id": "ord_84213""#))
        #expect(out.range(of: #""em": \[\s*"[0-9a-f]{64}""#, options: .regularExpression) != nil)
        #expect(out.contains(#""value": 184.5"#))
        #expect(out.contains("{eventID: 'ord_84213'}"))
        #expect(!out.contains("Jane.Doe@Example.com"))
        // The outage: parked after the retry budget, then replayed and delivered.
        #expect(out.contains("→ retry budget spent: parked"))
        #expect(out.contains("retries_exhausted"))
        #expect(
            out.range(
                of: #"Delivered with the same event_id evt_[0-9a-f]{32} after 4 requests; fbtrace_id [A-Za-z0-9]{11}"#,
                options: .regularExpression) != nil)
        // Every event's status with its fbtrace_id, and the coverage bars.
        #expect(out.contains("14 delivered, 0 pending, 0 in flight, 0 parked"))
        let statusLines = out.split(separator: "\n").filter {
            $0.range(of: #"^\s+\d+\s+1234567890\s+\S+\s+\S+\s+delivered\s"#, options: .regularExpression) != nil
        }
        #expect(statusLines.count == 14)
        #expect(statusLines.allSatisfy { $0.range(of: #"[A-Za-z0-9]{11}$"#, options: .regularExpression) != nil })
        #expect(out.contains("Purchase · 7 events"))
        #expect(out.contains("AddToCart · 3 events"))
        #expect(out.range(of: #"em\s+█{20}\s+100%\s+7/7"#, options: .regularExpression) != nil)
        // The CRM import's phones lack a country: rejected, and Meta's EMQ dips (the fake's scenario).
        #expect(out.contains("ph dropped (missing_region)"))
        #expect(out.contains("DIP Purchase EMQ 7.4 → 5.1"))
        #expect(out.contains("Next: inspect the store"))
        // The store holds hashes only: no raw email, no token, no secret.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/capi-demo.sqlite"))
        for secret in ["jane.doe@example.com", "Jane.Doe@Example.com", "demo-access-token", "demo-app-secret"] {
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) is in the store")
        }
    }

    @Test func replacesAnEarlierDemoStoreButNothingElse() async throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let first = try await CAPIBinary.launch(["demo", "--store", "again.sqlite"], directory: directory.path)
        #expect(first.status == 0, "\(first.stderr)")
        let second = try await CAPIBinary.launch(["demo", "--store", "again.sqlite"], directory: directory.path)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("Queued 10 events"))

        let notes = directory.file("notes.sqlite")
        try Data("my notes, not a database".utf8).write(to: URL(fileURLWithPath: notes))
        let refused = try await CAPIBinary.launch(["demo", "--store", notes])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("is not a RoasProof store"))
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == "my notes, not a database")
    }
}
