import AsyncHTTPClient
import CAPIModel
import Delivery
import DeliveryHTTP
import DeliveryTesting
import FakeGraphAPI
import Testing

/// Hostile servers against the real AsyncHTTPClient transport on loopback: one that trickles
/// its body, one that redirects elsewhere, and a Graph URL that would send the token in clear.
@Suite("Transport against hostile servers", .serialized)
struct TransportSafetyTests {
    static func request(to baseURL: String, timeout: Duration) -> TransportRequest {
        var destination = PixelDestination(pixelID: Real.pixel, accessToken: AccessToken(Real.token))
        destination.baseURL = baseURL
        return TransportRequest(destination: destination, body: #"{"data":[]}"#, timeout: timeout)
    }

    // MARK: Deadline

    // About 65 bytes at one every 3 s: more than three minutes without a deadline on the
    // body. The bounds below leave room for a loaded machine running the whole suite.
    static let trickle = Fault.trickle(every: .seconds(3))

    @Test func aTrickledBodyIsCutAtTheRequestTimeout() async throws {
        try await withFakeGraphAPI { server in
            server.inject(Self.trickle)
            let start = ContinuousClock.now
            let error = await #expect(throws: HTTPTransportError.self) {
                _ = try await AsyncHTTPClientTransport().send(Self.request(to: server.baseURL, timeout: .seconds(1)))
            }
            let elapsed = ContinuousClock.now - start
            #expect(error?.isTimeout == true)
            #expect(error?.description.contains(Real.token) == false)
            #expect(elapsed < .seconds(60), "the request took \(elapsed)")
        }
    }

    @Test func theWorkerRecordsATrickledAnswerAsTransientAndRetries() async throws {
        try await IntegrationHarness.with(
            configure: { $0.requestTimeout = .seconds(1) },
            body: { h in
                h.server.inject(Self.trickle)
                let start = ContinuousClock.now
                try await h.enqueue(["trickled"])
                try await eventually(within: 60) { try await h.status("trickled")?.attempts == 1 }
                #expect(ContinuousClock.now - start < .seconds(60))
                #expect(try await h.status("trickled")?.state == .pending, "not left in flight")
                let first = try #require(try await h.history("trickled").first?.receipt)
                #expect(first.outcome == .transient)
                #expect(first.httpStatus == nil)
                h.clock.advance(by: .seconds(60))
                try await eventually { try await h.status("trickled")?.state == .delivered }
            })
    }

    // MARK: Redirects

    @Test("a redirect is answered, not followed", arguments: [301, 302, 303, 307, 308])
    func redirectsAreNotFollowed(_ status: Int) async throws {
        try await withFakeGraphAPI { graph in
            try await withFakeGraphAPI { elsewhere in
                let target = elsewhere.baseURL + "/v24.0/\(Real.pixel)/events?access_token=\(Real.token)"
                graph.inject(.response(status: status, body: "", headers: ["Location": target]))
                let response = try await AsyncHTTPClientTransport().send(Self.request(to: graph.baseURL, timeout: .seconds(10)))
                #expect(response.status == status)
                #expect(elsewhere.requests.isEmpty, "the request went to the redirect's target")
                #expect(ResponseClassifier.classify(response) == .redirected(status: status))
                #expect(ResponseClassifier.classify(response).outcome == .unexpected)
            }
        }
    }

    @Test("a client that follows redirects never re-posts the events", arguments: [301, 302, 303, 307, 308])
    func aFollowingClientStillReportsTheRedirect(_ status: Int) async throws {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .follow(max: 5, allowCycles: false)
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        do {
            try await withFakeGraphAPI { graph in
                try await withFakeGraphAPI { elsewhere in
                    let target = elsewhere.baseURL + "/v24.0/\(Real.pixel)/events?access_token=\(Real.token)"
                    graph.inject(.response(status: status, body: "", headers: ["Location": target]))
                    let transport = AsyncHTTPClientTransport(client: client)
                    let response = try await transport.send(Self.request(to: graph.baseURL, timeout: .seconds(10)))
                    #expect(response.status == status, "the redirect's status is the answer")
                    #expect(elsewhere.requests.allSatisfy { $0.method != "POST" }, "the events were posted elsewhere")
                }
            }
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    @Test func theWorkerDoesNotCountARedirectAsDelivered() async throws {
        try await IntegrationHarness.with { h in
            try await withFakeGraphAPI { elsewhere in
                h.server.inject(.response(status: 307, body: "", headers: ["Location": elsewhere.baseURL + "/v24.0/1/events"]))
                try await h.enqueue(["redirected"])
                try await eventually { try await h.status("redirected")?.attempts == 1 }
                let first = try #require(try await h.history("redirected").first?.receipt)
                #expect(first.httpStatus == 307)
                #expect(first.outcome == .unexpected)
                #expect(elsewhere.requests.isEmpty)
                #expect(try await h.status("redirected")?.state == .pending)
            }
        }
    }

    // MARK: Plain HTTP

    @Test func plainHTTPToARemoteHostIsRefusedBeforeConnecting() async throws {
        for url in ["http://graph.facebook.com", "http://127.0.0.1.example.com", "http://127.0.0.1@example.com:80"] {
            let error = await #expect(throws: DeliveryError.self) {
                _ = try await AsyncHTTPClientTransport().send(Self.request(to: url, timeout: .seconds(5)))
            }
            #expect(error?.code == .invalidConfiguration, "\(url)")
            #expect(error?.message.contains(Real.token) == false)
        }
    }
}
