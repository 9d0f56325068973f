import CAPIModel
import DatasetQuality
import Delivery
import DeliveryHTTP
import FakeGraphAPI
import Foundation
import Testing

/// The Dataset Quality client: tolerant decoding of Meta's shapes, Graph errors classified,
/// and real requests to the fake Graph API on loopback.
@Suite struct DatasetQualityTests {
    /// A complete website answer, with every metric (values illustrative, names Meta's).
    static let fullWeb = """
        {"web":[{"event_name":"Purchase",
          "event_match_quality":{"composite_score":7.2,
            "match_key_feedback":[
              {"identifier":"email","coverage":{"percentage":100},"potential_aly_acr_increase":{"percentage":58.96,"description":"Similar advertisers…"}},
              {"identifier":"phone","coverage":{"percentage":62.5}},
              {"identifier":"ip_address","coverage":{"percentage":99.9}},
              {"identifier":"some_new_key","coverage":{"percentage":12}}],
            "diagnostics":[{"name":"Server sending mismatched IP addresses","description":"IPv4 and IPv6 differ","solution":"Send the buyer's address","percentage":61.5,"affected_event_count":19567,"total_event_count":31830}]},
          "event_coverage":{"percentage":34.1,"goal_percentage":75,"description":"…","potential_aly_acr_increase":{"percentage":35.8,"description":"…"}},
          "dedupe_key_feedback":[{"dedupe_key":"event_id","browser_events_with_dedupe_key":{"percentage":100,"description":"…"},"server_events_with_dedupe_key":{"percentage":100},"overall_browser_coverage_from_dedupe_key":{"percentage":14.8}}],
          "data_freshness":{"upload_frequency":"real_time","description":"…"},
          "acr":{"percentage":37.9,"description":"In the last 7 days…"}},
         {"event_name":"Search","event_potential_aly_acr_increase":{"percentage":32.9,"description":"…"}}]}
        """

    @Test func everyDocumentedWebMetricIsRead() throws {
        let report = try DatasetQualityReport(json: Array(Self.fullWeb.utf8))
        let purchase = try #require(report.web("Purchase"))
        let emq = try #require(purchase.eventMatchQuality)
        #expect(emq.compositeScore == 7.2)
        #expect(emq.feedback(for: .email)?.coverage == 100)
        #expect(emq.feedback(for: .email)?.potentialIncrease?.percentage == 58.96)
        #expect(emq.feedback(for: .phone)?.coverage == 62.5)
        #expect(emq.feedback(for: .ipAddress)?.coverage == 99.9)
        #expect(emq.diagnostics?.first?.solution == "Send the buyer's address")
        #expect(emq.diagnostics?.first?.affectedEventCount == 19_567)
        #expect(purchase.eventCoverage?.percentage == 34.1)
        #expect(purchase.eventCoverage?.goalPercentage == 75)
        #expect(purchase.dedupeKeyFeedback?.first?.dedupeKey == "event_id")
        #expect(purchase.dedupeKeyFeedback?.first?.overallBrowserCoverage?.percentage == 14.8)
        #expect(purchase.dataFreshness?.uploadFrequency == "real_time")
        #expect(purchase.additionalConversionsReported?.percentage == 37.9)
        let search = try #require(report.web("Search"))
        #expect(search.potentialAdditionalConversions?.percentage == 32.9)
        #expect(search.eventMatchQuality == nil)
    }

    @Test func anUnknownIdentifierIsKeptByItsNameWithoutAUserDataKey() throws {
        let emq = try #require(try DatasetQualityReport(json: Array(Self.fullWeb.utf8)).web("Purchase")?.eventMatchQuality)
        let unknown = try #require(emq.matchKeyFeedback?.first { $0.identifier.rawValue == "some_new_key" })
        #expect(unknown.coverage == 12)
        #expect(unknown.identifier.userDataKey == nil)
        #expect(MatchKeyIdentifier.email.userDataKey == .email)
        #expect(MatchKeyIdentifier.phone.userDataKey == .phone)
        #expect(MatchKeyIdentifier.ipAddress.userDataKey == .clientIPAddress)
        #expect(MatchKeyIdentifier.userAgent.userDataKey == .clientUserAgent)
        #expect(MatchKeyIdentifier.known.allSatisfy { $0.userDataKey != nil })
    }

    @Test func missingMetricsStayMissingAndAreNeverZero() throws {
        let json = """
            {"web":[{"event_name":"Lead","event_match_quality":{},"acr":null,"event_coverage":{"goal_percentage":75},
                     "dedupe_key_feedback":[],"data_freshness":{"upload_frequency":"every_full_moon"}},
                    {"event_name":"AddToCart","event_match_quality":{"composite_score":null,"match_key_feedback":[{"identifier":"fbp"}]}}]}
            """
        let report = try DatasetQualityReport(json: Array(json.utf8))
        let lead = try #require(report.web("Lead"))
        #expect(lead.eventMatchQuality != nil)
        #expect(lead.eventMatchQuality?.compositeScore == nil)
        #expect(lead.eventMatchQuality?.matchKeyFeedback == nil)
        #expect(lead.additionalConversionsReported == nil)
        #expect(lead.eventCoverage?.percentage == nil)
        #expect(lead.dedupeKeyFeedback == [])
        #expect(lead.dataFreshness?.uploadFrequency == "every_full_moon")
        let cart = try #require(report.web("AddToCart")?.eventMatchQuality)
        #expect(cart.compositeScore == nil)
        #expect(cart.feedback(for: .fbp)?.coverage == nil)
    }

    @Test func wrongShapesAreLeftOutNotFatal() throws {
        let json = """
            {"web":[{"event_name":"Purchase","event_match_quality":"n/a","event_coverage":[1,2],
                     "acr":{"percentage":"41.5"}},{"no_name":true},
                    {"event_name":"Lead","event_match_quality":{"composite_score":"6.1"}}]}
            """
        let report = try DatasetQualityReport(json: Array(json.utf8))
        #expect(report.web.map(\.eventName) == ["Purchase", "Lead"])
        #expect(report.web("Purchase")?.eventMatchQuality == nil)
        #expect(report.web("Purchase")?.eventCoverage == nil)
        #expect(report.web("Purchase")?.additionalConversionsReported?.percentage == 41.5)
        #expect(report.web("Lead")?.eventMatchQuality?.compositeScore == 6.1)
    }

    @Test func theDataWrappedShapesSomeClientsReportAreReadToo() throws {
        let wrapped = try DatasetQualityReport(json: Array(#"{"data":[{"web":[{"event_name":"Purchase"}]}]}"#.utf8))
        #expect(wrapped.web.map(\.eventName) == ["Purchase"])
        let flat = try DatasetQualityReport(json: Array(#"{"data":[{"event_name":"Lead"},{"event_name":"Purchase"}]}"#.utf8))
        #expect(flat.web.map(\.eventName) == ["Lead", "Purchase"])
    }

    @Test func offlineScoresAreReadWithCoverageInsideOrBesideTheMatchKey() throws {
        let json = """
            {"offline":[
              {"event_name":"Purchase","composite":{"score":6.6,"recommendation":"…"},
               "match_key":{"score":5.6,"recommendation":"…","coverage":{"email":100.0,"phone":90.0}},
               "frequency":{"score":4.6},"freshness":{"score":2.2}},
              {"event_name":"Lead","composite":7,"match_key":{"score":5},"coverage":{"email":80}}]}
            """
        let report = try DatasetQualityReport(json: Array(json.utf8))
        #expect(report.offline.count == 2)
        #expect(report.offline[0].composite?.score == 6.6)
        #expect(report.offline[0].matchKeyCoverage == ["email": 100, "phone": 90])
        #expect(report.offline[0].freshness?.score == 2.2)
        #expect(report.offline[1].composite?.score == 7)
        #expect(report.offline[1].matchKeyCoverage == ["email": 80])
    }

    @Test func aBodyThatIsNotAJSONObjectIsAMalformedResponse() {
        for body in ["", "<html>502</html>", "[1,2]", "\u{FF}\u{FE}"] {
            #expect(throws: DatasetQualityError.self) { try DatasetQualityReport(json: Array(body.utf8)) }
            do {
                _ = try DatasetQualityReport(json: Array(body.utf8))
            } catch {
                #expect(error.code == .malformedResponse)
            }
        }
    }

    @Test(arguments: [
        (190, DatasetQualityError.Code.invalidToken), (10, .permissionDenied), (200, .permissionDenied), (294, .permissionDenied),
        (2_044_055, .unknownDataset), (4, .throttled), (17, .throttled), (341, .throttled), (80_004, .throttled),
        (1, .transient), (2, .transient), (100, .invalidRequest),
    ])
    func graphErrorsAreClassified(code: Int, expected: DatasetQualityError.Code) {
        let body = #"{"error":{"message":"m","type":"OAuthException","code":\#(code),"fbtrace_id":"AbC123"}}"#
        do {
            _ = try DatasetQualityClient.interpret(TransportResponse(status: 400, body: body))
            Issue.record("no error for code \(code)")
        } catch {
            #expect(error.code == expected)
            #expect(error.graphError?.fbtraceID == "AbC123")
            #expect(error.isRetryable == [.throttled, .transient].contains(expected))
        }
    }

    @Test func answersWithoutAGraphErrorAreClassifiedByStatus() {
        func code(_ status: Int, _ body: String = "oops") -> DatasetQualityError.Code? {
            do {
                _ = try DatasetQualityClient.interpret(TransportResponse(status: status, body: body))
                return nil
            } catch { return error.code }
        }
        #expect(code(502) == .transient)
        #expect(code(429) == .throttled)
        #expect(code(302) == .malformedResponse)
        #expect(code(404) == .malformedResponse)
        var cut = TransportResponse(status: 200, body: #"{"web":["#)
        cut.isTruncated = true
        #expect(throws: DatasetQualityError.self) { try DatasetQualityClient.interpret(cut) }
    }

    @Test func theQueryNamesDatasetFieldsAndAgentAndNeverShowsTheToken() {
        var destination = PixelDestination(pixelID: "123456789012345", accessToken: AccessToken("EAAB-secret-token"))
        destination.partnerAgent = "Acme_2_1"
        let query = DatasetQualityQuery(destination: destination)
        #expect(query.agentName == "acme")
        #expect(query.path == "/\(PixelDestination.defaultGraphVersion)/dataset_quality")
        #expect(query.url.contains("dataset_id=123456789012345&fields=web%7Bevent_name%2Cevent_match_quality%7B"))
        #expect(query.url.contains("&agent_name=acme&access_token=EAAB-secret-token"))
        #expect(!"\(query)".contains("EAAB-secret-token"))
        #expect(DatasetQualityQuery.agentName(fromPartnerAgent: "_x") == nil)
    }

    // MARK: Over loopback

    @Test func fetchingFromTheFakeGraphAPIReadsItsSnapshotsInTurn() async throws {
        try await withFakeGraphAPI(
            configuration: {
                var c = FakeGraphAPI.Configuration()
                c.appSecret = "app-secret"
                return c
            }()
        ) { graph in
            let dataset = "123456789012345"
            graph.setDatasetQuality(
                [Self.fullWeb, #"{"web":[{"event_name":"Purchase","event_match_quality":{"composite_score":5.1}}]}"#],
                for: dataset)
            var destination = PixelDestination(pixelID: PixelID(rawValue: dataset), accessToken: AccessToken("EAAB-dq-token"))
            destination.baseURL = graph.baseURL
            destination.appSecret = AppSecret("app-secret")
            let client = DatasetQualityClient()
            let first = try await client.fetch(DatasetQualityQuery(destination: destination))
            #expect(first.web("Purchase")?.eventMatchQuality?.compositeScore == 7.2)
            let second = try await client.fetch(DatasetQualityQuery(destination: destination))
            #expect(second.web("Purchase")?.eventMatchQuality?.compositeScore == 5.1)

            let request = try #require(graph.requests.last)
            #expect(request.method == "GET")
            #expect(request.path == "/\(PixelDestination.defaultGraphVersion)/dataset_quality")
            #expect(request.pixelID == dataset)
            #expect(request.accessToken == "EAAB-dq-token")
            #expect(request.appSecretProof != nil)
        }
    }

    @Test func theFakesErrorsArriveClassifiedAndWithoutTheToken() async throws {
        try await withFakeGraphAPI { graph in
            var destination = PixelDestination(pixelID: "999999999999999", accessToken: AccessToken("EAAB-dq-secret"))
            destination.baseURL = graph.baseURL
            let client = DatasetQualityClient()
            await #expect { try await client.fetch(DatasetQualityQuery(destination: destination)) } throws: { error in
                (error as? DatasetQualityError)?.code == .unknownDataset && !"\(error)".contains("EAAB-dq-secret")
            }
            graph.setDatasetQuality([#"{"web":[]}"#], for: "999999999999999")
            graph.setAcceptedAccessTokens(["another"])
            await #expect { try await client.fetch(DatasetQualityQuery(destination: destination)) } throws: { error in
                (error as? DatasetQualityError)?.code == .invalidToken
            }
            graph.setAcceptedAccessTokens(nil)
            graph.inject(.throttle(code: 4))
            await #expect { try await client.fetch(DatasetQualityQuery(destination: destination)) } throws: { error in
                (error as? DatasetQualityError)?.isRetryable == true
            }
            let afterThrottling = try await client.fetch(DatasetQualityQuery(destination: destination))
            #expect(afterThrottling.web.isEmpty)
        }
    }

    @Test func aPlainHTTPGraphURLToAnotherHostIsRefusedBeforeConnecting() async {
        var destination = PixelDestination(pixelID: "123456789012345", accessToken: AccessToken("EAAB-dq-token"))
        destination.baseURL = "http://graph.example.com"
        await #expect { try await DatasetQualityClient().fetch(DatasetQualityQuery(destination: destination)) } throws: { error in
            (error as? DatasetQualityError)?.code == .unreachable && !"\(error)".contains("EAAB-dq-token")
        }
    }
}

/// Meta's per-key coverage beside ours, and our rejection reasons.
@Suite struct QualityComparisonTests {
    @Test func metasCoverageSitsBesideOursWithTheRejectionReasonsPerKey() throws {
        let report = try DatasetQualityReport(json: Array(DatasetQualityTests.fullWeb.utf8))
        var local = MatchKeyCoverage()
        for index in 0..<100 {
            var keys: [UserDataKey] = [.email, .clientIPAddress]
            if index < 38 { keys.append(.phone) }
            if index < 50 { keys.append(.fbc) }
            local.record(eventName: .purchase, keys: keys)
            if index >= 38 && index < 90 { local.recordRejection(eventName: .purchase, key: .phone, reason: "missing_region") }
            if index >= 90 { local.recordRejection(eventName: .purchase, key: .phone, reason: "too_short") }
        }
        local.record(eventName: .lead, keys: [.email])

        let comparison = QualityComparison(meta: report, local: local)
        #expect(comparison.events.map(\.eventName) == ["Purchase", "Search", "Lead"])
        let purchase = comparison.events[0]
        #expect(purchase.eventMatchQuality == 7.2)
        #expect(purchase.localEvents == 100)
        let phone = try #require(purchase.keys.first { $0.userDataKey == .phone })
        #expect(phone.metaCoverage == 62.5)
        #expect(phone.localCoverage == 38)
        #expect(phone.rejections.map(\.reason) == ["missing_region", "too_short"])
        #expect(phone.rejections.map(\.share) == [52, 10])
        // Meta's unknown identifier: listed by its name, no local figure.
        let unknown = try #require(purchase.keys.first { $0.identifier?.rawValue == "some_new_key" })
        #expect(unknown.userDataKey == nil && unknown.localCoverage == nil && unknown.label == "some_new_key")
        // Our fbc, which Meta did not report: no Meta figure.
        let fbc = try #require(purchase.keys.first { $0.userDataKey == .fbc })
        #expect(fbc.metaCoverage == nil && fbc.localCoverage == 50)
        #expect(purchase.diagnostics.first?.name == "Server sending mismatched IP addresses")
        // Search: Meta only; Lead: ours only.
        #expect(comparison.events[1].localEvents == 0 && comparison.events[1].keys.isEmpty)
        #expect(comparison.events[2].eventMatchQuality == nil)
        #expect(comparison.events[2].keys.map(\.label) == ["em"])
    }
}

/// A fall in EMQ between two comparisons, explained by keys and rejection reasons.
@Suite struct QualityDipTests {
    static func comparison(emq: Double?, metaPhone: Double, localPhone: Int, missingRegion: Int) throws -> QualityComparison {
        let score = emq.map { "\"composite_score\":\($0)," } ?? ""
        let json = """
            {"web":[{"event_name":"Purchase","event_match_quality":{\(score)"match_key_feedback":[
              {"identifier":"email","coverage":{"percentage":99}},{"identifier":"phone","coverage":{"percentage":\(metaPhone)}}]}},
             {"event_name":"Lead","event_match_quality":{"composite_score":6}}]}
            """
        var local = MatchKeyCoverage()
        for index in 0..<100 {
            local.record(eventName: .purchase, keys: index < localPhone ? [.email, .phone] : [.email])
            if index < missingRegion { local.recordRejection(eventName: .purchase, key: .phone, reason: "missing_region") }
        }
        return QualityComparison(meta: try DatasetQualityReport(json: Array(json.utf8)), local: local)
    }

    @Test func aFallInEMQNamesTheKeyThatWentMissingOnBothSidesAndTheReasonThatRose() throws {
        let before = try Self.comparison(emq: 7.2, metaPhone: 62, localPhone: 58, missingRegion: 4)
        let after = try Self.comparison(emq: 5.1, metaPhone: 31, localPhone: 30, missingRegion: 33)
        let dips = QualityDip.find(from: before, to: after)
        #expect(dips.count == 1)
        let dip = try #require(dips.first)
        #expect(dip.eventName == "Purchase")
        #expect(abs(dip.emqDrop - 2.1) < 1e-9)
        #expect(dip.metaCoverageFell.map(\.label) == ["ph"])
        #expect(dip.metaCoverageFell.first?.before == 62 && dip.metaCoverageFell.first?.after == 31)
        #expect(dip.localCoverageFell.map(\.label) == ["ph"])
        #expect(dip.rejectionsRose.map(\.reason) == ["missing_region"])
        #expect(dip.rejectionsRose.first?.before == 4 && dip.rejectionsRose.first?.after == 33)
        #expect(
            "\(dip)"
                == "Purchase EMQ 7.2 → 5.1: Meta's ph coverage 62.0% → 31.0%; ours ph 58.0% → 30.0%; ph rejected missing_region 4.0% → 33.0%"
        )
    }

    @Test func smallFallsAndMissingScoresAreNotDips() throws {
        let before = try Self.comparison(emq: 7.2, metaPhone: 62, localPhone: 58, missingRegion: 4)
        #expect(
            QualityDip.find(from: before, to: try Self.comparison(emq: 6.9, metaPhone: 60, localPhone: 57, missingRegion: 5))
                .isEmpty)
        #expect(
            QualityDip.find(from: before, to: try Self.comparison(emq: nil, metaPhone: 10, localPhone: 10, missingRegion: 90))
                .isEmpty)
        // A bigger threshold hides a fall a smaller one shows.
        let after = try Self.comparison(emq: 6.5, metaPhone: 62, localPhone: 58, missingRegion: 4)
        #expect(QualityDip.find(from: before, to: after, emqDrop: 0.5).count == 1)
        #expect(QualityDip.find(from: before, to: after, emqDrop: 1).isEmpty)
    }
}
