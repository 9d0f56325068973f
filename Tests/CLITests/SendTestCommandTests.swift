import FakeGraphAPI
import Foundation
import Testing

@Suite("capi send-test")
struct SendTestCommandTests {
    static let token = "EAAGsecretTokenForSendTest"

    @Test func sendsATestPurchaseWithTheTokenFromTheEnvironment() async throws {
        var configuration = FakeGraphAPI.Configuration()
        configuration.acceptedAccessTokens = [Self.token]
        configuration.appSecret = "send-test-secret"
        try await withFakeGraphAPI(configuration: configuration) { server in
            let result = try await CAPIBinary.launch(
                [
                    "send-test", "--pixel-id", "1234567890", "--test-event-code", "TEST61045", "--graph-url", server.baseURL,
                    "--order-id", "T-1",
                ],
                environment: ["CAPI_ACCESS_TOKEN": Self.token, "CAPI_APP_SECRET": "send-test-secret"])
            #expect(result.status == 0, "\(result.stderr)")
            let requests = server.requests
            #expect(requests.count == 1)
            let request = try #require(requests.first)
            #expect(request.path == "/v24.0/1234567890/events")
            #expect(request.accessToken == Self.token)
            #expect(request.appSecretProof?.count == 64)
            #expect(request.testEventCode == "TEST61045")
            #expect(request.eventIDs == ["ord_T-1"])
            #expect(request.body.range(of: #""em":\["[0-9a-f]{64}"\]"#, options: .regularExpression) != nil)
            #expect(!request.body.contains("test@example.com"))
            let out = result.stdout
            #expect(out.contains("send-test: Purchase ord_T-1 to pixel 1234567890 at \(server.baseURL)/v24.0"))
            #expect(out.contains("and appsecret_proof"))
            #expect(
                out.range(
                    of: #"answer: HTTP 200 delivered, events_received 1, fbtrace_id [A-Za-z0-9]{11}"#,
                    options: .regularExpression) != nil)
            #expect(out.contains("fbq('track', 'Purchase', "))
            #expect(out.contains("{eventID: 'ord_T-1'}"))
            #expect(!(out + result.stderr).contains(Self.token))
            #expect(!(out + result.stderr).contains("send-test-secret"))
        }
    }

    @Test func readsTheSettingsCAPIClientReadsFromTheEnvironment() async throws {
        var configuration = FakeGraphAPI.Configuration()
        configuration.acceptedAccessTokens = [Self.token]
        try await withFakeGraphAPI(configuration: configuration) { server in
            let result = try await CAPIBinary.launch(
                ["send-test", "--order-id", "T-ENV"],
                environment: [
                    "CAPI_ACCESS_TOKEN": Self.token, "CAPI_PIXELS": "2234567890,1234567890",
                    "CAPI_TEST_EVENT_CODE": "TEST777", "CAPI_GRAPH_URL": server.baseURL, "CAPI_GRAPH_VERSION": "v23.0",
                ])
            #expect(result.status == 0, "\(result.stderr)")
            let request = try #require(server.requests.first)
            #expect(request.path == "/v23.0/2234567890/events")
            #expect(request.testEventCode == "TEST777")
            #expect(request.eventIDs == ["ord_T-ENV"])
        }
        // Neither flag nor variable: the error names both.
        let missing = try await CAPIBinary.launch(["send-test"], environment: ["CAPI_ACCESS_TOKEN": Self.token])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("CAPI_PIXELS"))
    }

    @Test func aRejectedTokenIsExplainedWithoutPrintingIt() async throws {
        var configuration = FakeGraphAPI.Configuration()
        configuration.acceptedAccessTokens = ["some-other-token"]
        try await withFakeGraphAPI(configuration: configuration) { server in
            let result = try await CAPIBinary.launch(
                [
                    "send-test", "--pixel-id", "1234567890", "--test-event-code", "TEST1", "--graph-url", server.baseURL,
                    "--access-token", Self.token,
                ])
            #expect(result.status != 0)
            #expect(result.stdout.contains("HTTP 400 credentials_rejected (Graph 190/463)"))
            #expect(result.stderr.contains("Meta rejected the access token for pixel 1234567890"))
            #expect(!(result.stdout + result.stderr).contains(Self.token))
        }
    }

    @Test func aRejectedEventIsReportedWithMetasReason() async throws {
        try await withFakeGraphAPI { server in
            server.rejectEvents(withIDs: ["ord_T-2"])
            let result = try await CAPIBinary.launch(
                [
                    "send-test", "--pixel-id", "42", "--test-event-code", "TEST1", "--graph-url", server.baseURL + "/",
                    "--order-id", "T-2",
                ],
                environment: ["CAPI_ACCESS_TOKEN": Self.token])
            #expect(result.status != 0)
            #expect(result.stdout.contains("HTTP 400 invalid_parameter (Graph 100/2804050)"))
            #expect(result.stderr.contains("Meta did not accept the event: rejected (Graph 100/2804050)"))
        }
    }

    @Test func theTokenIsRequired() async throws {
        let result = try await CAPIBinary.launch(
            ["send-test", "--pixel-id", "42", "--test-event-code", "TEST1", "--graph-url", "http://127.0.0.1:9"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("pass --access-token or set CAPI_ACCESS_TOKEN"))
        let badPixel = try await CAPIBinary.launch(
            ["send-test", "--pixel-id", "px-1", "--test-event-code", "TEST1"], environment: ["CAPI_ACCESS_TOKEN": "t"])
        #expect(badPixel.status != 0)
        #expect(badPixel.stderr.contains("--pixel-id (or CAPI_PIXELS) is the numeric id"))
    }
}
