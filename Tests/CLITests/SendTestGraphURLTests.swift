import FakeGraphAPI
import Foundation
import Testing

/// `capi send-test --graph-url`: no redirect is followed or reported as Meta's answer, and the
/// token is never sent over plain HTTP to anything but loopback.
@Suite("capi send-test Graph URL")
struct SendTestGraphURLTests {
    @Test func sendTestNeverReportsARedirectedAnswerAsAccepted() async throws {
        try await withFakeGraphAPI { elsewhere in
            try await withFakeGraphAPI { server in
                server.inject(
                    .response(status: 307, body: "", headers: ["Location": elsewhere.baseURL + "/v24.0/42/events"]), times: 8)
                let result = try await CAPIBinary.launch(
                    [
                        "send-test", "--pixel-id", "42", "--test-event-code", "TEST1", "--graph-url", server.baseURL, "--timeout",
                        "2",
                    ],
                    environment: ["CAPI_ACCESS_TOKEN": "t"])
                #expect(result.status != 0)
                #expect(!result.stdout.contains("Meta accepted"))
                #expect(result.stdout.contains("answer: HTTP 307"), "\(result.stdout)")
                #expect(elsewhere.requests.isEmpty)
            }
        }
    }

    @Test func sendTestRefusesPlainHTTPToARemoteHost() async throws {
        for url in ["http://graph.facebook.com", "http://127.0.0.1.example.com", "ftp://graph.facebook.com"] {
            let result = try await CAPIBinary.launch(
                ["send-test", "--pixel-id", "42", "--test-event-code", "TEST1", "--graph-url", url],
                environment: ["CAPI_ACCESS_TOKEN": "t"])
            #expect(result.status != 0, "\(url)")
            #expect(result.stderr.contains("--graph-url: the Graph API URL"), "\(url): \(result.stderr)")
        }
    }
}
