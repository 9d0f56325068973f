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
                ["quality", "--store", directory.appendingPathComponent("capi-demo.sqlite").path, "--pixel-id", "1234567890",
                 "--graph-url", graph.baseURL],
                environment: ["CAPI_ACCESS_TOKEN": "EAAB-quality-secret"])
            #expect(result.status == 0, "\(result.stderr)")
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
                ["quality", "--store", directory.appendingPathComponent("capi-demo.sqlite").path, "--pixel-id", "1234567890",
                 "--graph-url", graph.baseURL],
                environment: ["CAPI_ACCESS_TOKEN": "EAAB-quality-secret"])
            #expect(result.status == 69)
            #expect(result.stderr.contains("DatasetQualityError.invalid_token"), "\(result.stderr)")
            #expect(!result.stderr.contains("EAAB-quality-secret"))
        }
    }
}
