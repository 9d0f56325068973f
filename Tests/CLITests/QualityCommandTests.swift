import FakeGraphAPI
import Foundation
import Testing

/// `capi quality`: Meta's Dataset Quality beside the store's coverage, against the fake Graph
/// API on loopback, with Meta's strings escaped and the token never shown.
@Suite("capi quality")
struct QualityCommandTests {
    static let meta = """
        {"web":[{"event_name":"Purchase","event_match_quality":{"composite_score":6.4,
          "match_key_feedback":[{"identifier":"email","coverage":{"percentage":97.5}},
                                {"identifier":"phone","coverage":{"percentage":41}},
                                {"identifier":"brand_new_key","coverage":{"percentage":3}}],
          "diagnostics":[{"name":"Missing phone\\u001b[31m","solution":"Send ph in E.164","percentage":59}]}}]}
        """

    @Test func printsMetasCoverageBesideTheStoresPerKeyWithDiagnostics() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capi-quality-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let demo = try await CAPIBinary.launch(["demo"], directory: directory.path)
        #expect(demo.status == 0)

        try await withFakeGraphAPI { graph in
            graph.setDatasetQuality([Self.meta], for: "1234567890")
            let result = try await CAPIBinary.launch(
                [
                    "quality", "--fetch", "--store", directory.appendingPathComponent("capi-demo.sqlite").path, "--pixel-id",
                    "1234567890",
                    "--graph-url", graph.baseURL,
                ],
                environment: ["CAPI_ACCESS_TOKEN": "EAAB-quality-secret"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("dataset 1234567890: Meta's Dataset Quality fetched now beside capi-demo.sqlite"))
            let out = result.stdout
            #expect(out.contains("Purchase  EMQ 6.4/10"), "\(out)")
            #expect(out.range(of: #"\n  em +97\.5% +\d+\.\d%"#, options: .regularExpression) != nil, "\(out)")
            #expect(out.range(of: #"\n  ph +41\.0% +\d+\.\d%"#, options: .regularExpression) != nil, "\(out)")
            #expect(out.range(of: #"\n  brand_new_key +3\.0% +—"#, options: .regularExpression) != nil, "\(out)")
            #expect(out.contains("Meta: Missing phone\\u{1B}[31m (59.0% of events): Send ph in E.164"), "\(out)")
            #expect(!out.contains("\u{1B}"))
            #expect(!out.contains("EAAB-quality-secret") && !result.stderr.contains("EAAB-quality-secret"))
            #expect(graph.requests.last?.path.hasSuffix("/dataset_quality") == true)
        }
    }

    @Test func aRefusedTokenIsATypedErrorWithoutTheToken() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capi-quality-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try await CAPIBinary.launch(["demo"], directory: directory.path)
        try await withFakeGraphAPI { graph in
            graph.setAcceptedAccessTokens(["another"])
            let result = try await CAPIBinary.launch(
                [
                    "quality", "--fetch", "--store", directory.appendingPathComponent("capi-demo.sqlite").path, "--pixel-id",
                    "1234567890",
                    "--graph-url", graph.baseURL,
                ],
                environment: ["CAPI_ACCESS_TOKEN": "EAAB-quality-secret"])
            #expect(result.status == 69)
            #expect(result.stderr.contains("DatasetQualityError.invalid_token"), "\(result.stderr)")
            #expect(!result.stderr.contains("EAAB-quality-secret"))
        }
    }

    @Test func theDemosSnapshotsShowTheDipInQualityAndStatusWithoutFetching() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capi-quality-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let demo = try await CAPIBinary.launch(["demo"], directory: directory.path)
        #expect(demo.status == 0)
        #expect(demo.stdout.contains("9. Meta's view beside ours"), "\(demo.stdout)")
        #expect(
            demo.stdout.contains("DIP Purchase EMQ 7.4 → 5.1: Meta's ph coverage 64.2% → 29.3%; ours ph 75.0% → 0.0%"),
            "\(demo.stdout)")
        let store = directory.appendingPathComponent("capi-demo.sqlite").path
        let before = try Data(contentsOf: URL(fileURLWithPath: store))

        // No token, no network: the latest stored snapshot, read-only.
        let quality = try await CAPIBinary.launch(["quality", "--store", store, "--pixel-id", "1234567890"], environment: [:])
        #expect(quality.status == 0, "\(quality.stderr)")
        #expect(quality.stdout.contains("Purchase  EMQ 5.1/10  7 stored events"), "\(quality.stdout)")
        #expect(
            quality.stdout.range(of: #"\n  ph +29\.3% +42\.9%  missing_region 42\.9%"#, options: .regularExpression) != nil,
            "\(quality.stdout)")
        #expect(quality.stdout.range(of: #"\n  ctwa_clid +3\.5% +—"#, options: .regularExpression) != nil, "\(quality.stdout)")
        #expect(quality.stdout.contains("\nDIP Purchase EMQ 7.4 → 5.1"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before)

        let status = try await CAPIBinary.launch(["status", "--store", store], environment: [:])
        #expect(status.stdout.contains("  Purchase  5.1/10 (was 7.4/10)"), "\(status.stdout)")
        #expect(status.stdout.contains("  DIP Purchase EMQ 7.4 → 5.1"), "\(status.stdout)")

        let none = try await CAPIBinary.launch(["quality", "--store", store, "--pixel-id", "999"], environment: [:])
        #expect(none.status != 0)
        #expect(none.stderr.contains("no Dataset Quality snapshot of pixel 999; take one with --fetch"), "\(none.stderr)")
    }
}
