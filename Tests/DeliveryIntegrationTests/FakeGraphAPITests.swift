import AsyncHTTPClient
import CAPIModel
import FakeGraphAPI
import Identity
import NIOCore
import NIOHTTP1
import Testing
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The fake server validates like Meta and answers in Meta's shapes.
@Suite("FakeGraphAPI")
struct FakeGraphAPITests {
    static let now: Int64 = 1_767_225_600

    static func post(
        _ server: FakeGraphAPI, body: String, path: String = "/v24.0/123/events", token: String? = "tok",
        proof: String? = nil
    ) async throws -> (status: Int, body: String, headers: [String: String]) {
        var url = server.baseURL + path
        var query: [String] = []
        if let token { query.append("access_token=" + token) }
        if let proof { query.append("appsecret_proof=" + proof) }
        if !query.isEmpty { url += "?" + query.joined(separator: "&") }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        var bytes = try await response.body.collect(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return (Int(response.status.code), bytes.readString(length: bytes.readableBytes) ?? "", headers)
    }

    static func event(
        _ id: String, email: String? = nil, time: Int64 = now, source: String = "website", ua: Bool = true
    ) -> String {
        let hashed = email ?? SHA256.hash("a@example.com").hexString
        let agent = ua ? #","client_user_agent":"Mozilla""# : ""
        return
            #"{"event_name":"Purchase","event_time":\#(time),"event_id":"\#(id)","action_source":"\#(source)","event_source_url":"https://x.example/","user_data":{"em":["\#(hashed)"]\#(agent)}}"#
    }

    static func body(_ events: [String], testCode: String? = nil) -> String {
        #"{"data":[\#(events.joined(separator: ","))]"# + (testCode.map { #","test_event_code":"\#($0)""# } ?? "") + "}"
    }

    static func withServer(
        secret: String? = nil, tokens: Set<String>? = nil, _ body: (FakeGraphAPI) async throws -> Void
    ) async throws {
        var configuration = FakeGraphAPI.Configuration()
        configuration.currentTime = { Timestamp(seconds: now) }
        configuration.appSecret = secret
        configuration.acceptedAccessTokens = tokens
        try await withFakeGraphAPI(configuration: configuration, body)
    }

    static func graphError(_ text: String) throws -> GraphError {
        try CAPIJSON.decode(GraphErrorResponse.self, from: Data(text.utf8)).error
    }

    @Test func acceptsAValidBatchAndRecordsIt() async throws {
        try await Self.withServer { server in
            let answer = try await Self.post(server, body: Self.body([Self.event("a"), Self.event("b")], testCode: "TEST1"))
            #expect(answer.status == 200)
            let success = try CAPIJSON.decode(EventsResponse.self, from: Data(answer.body.utf8))
            #expect(success.eventsReceived == 2)
            #expect(success.fbtraceID?.isEmpty == false)
            #expect(server.acceptedEventIDs == ["a", "b"])
            #expect(server.requests.first?.testEventCode == "TEST1")
            #expect(server.requests.first?.accessToken == "tok")
        }
    }

    @Test(
        "refuses what Meta refuses",
        arguments: [
            ("unhashed email", body([event("x", email: "a@example.com")]), 2_804_007),
            ("uppercase hash", body([event("x", email: SHA256.hash("a").hexString.uppercased())]), 2_804_007),
            ("too old", body([event("x", time: now - 8 * 86_400)]), 2_804_003),
            ("in the future", body([event("x", time: now + 3_600)]), 2_804_004),
            ("website without user agent", body([event("x", ua: false)]), 2_804_001),
            ("more than 1000 events", body((0...1_000).map { event("e\($0)") }), 2_804_021),
            ("bad action_source", body([event("x", source: "shop")]), 2_804_001),
        ])
    func refuses(_ name: String, _ body: String, _ subcode: Int) async throws {
        try await Self.withServer { server in
            let answer = try await Self.post(server, body: body)
            #expect(answer.status == 400, "\(name)")
            let error = try Self.graphError(answer.body)
            #expect(error.code == 100)
            #expect(error.errorSubcode == subcode, "\(name)")
            #expect(server.acceptedEventIDs.isEmpty)
        }
    }

    /// The keys Meta's SDKs derive from the name and date of birth are hashed keys too: the
    /// fake accepts them hashed, as one string or a list, and refuses them in the clear.
    @Test func derivedKeysMustBeHashed() async throws {
        let hashed = SHA256.hash("jonat").hexString
        func event(_ id: String, _ userData: String) -> String {
            #"{"event_name":"Lead","event_time":\#(Self.now),"event_id":"\#(id)","action_source":"email","user_data":{\#(userData)}}"#
        }
        try await Self.withServer { server in
            let accepted = try await Self.post(
                server,
                body: Self.body([
                    event("a", #""f5first":"\#(hashed)","fi":["\#(hashed)"],"dobd":"\#(hashed)""#)
                ]))
            #expect(accepted.status == 200)
            for (index, key) in ["f5first", "f5last", "fi", "dobd", "dobm", "doby"].enumerated() {
                let answer = try await Self.post(server, body: Self.body([event("c\(index)", #""\#(key)":"07""#)]))
                #expect(answer.status == 400, "\(key)")
                #expect(try Self.graphError(answer.body).errorSubcode == 2_804_007, "\(key)")
            }
            #expect(server.acceptedEventIDs == ["a"])
        }
    }

    @Test func physicalStoreEventsMayBe62DaysOld() async throws {
        try await Self.withServer { server in
            let ok = try await Self.post(
                server, body: Self.body([Self.event("s", time: Self.now - 60 * 86_400, source: "physical_store")]))
            #expect(ok.status == 200)
            let old = try await Self.post(
                server, body: Self.body([Self.event("t", time: Self.now - 63 * 86_400, source: "physical_store")]))
            #expect(old.status == 400)
        }
    }

    @Test func checksTokensAndProofs() async throws {
        let proof = AppSecretProof(accessToken: "good", appSecret: "s3cret").hexString
        try await Self.withServer(secret: "s3cret", tokens: ["good"]) { server in
            let body = Self.body([Self.event("a")])
            #expect(try Self.graphError(try await Self.post(server, body: body, token: nil).body).code == 104)
            let expired = try Self.graphError(try await Self.post(server, body: body, token: "bad", proof: proof).body)
            #expect(expired.code == 190)
            #expect(expired.errorSubcode == 463)
            let wrongProof = try Self.graphError(try await Self.post(server, body: body, token: "good", proof: "00").body)
            #expect(wrongProof.message.contains("appsecret_proof"))
            #expect(try await Self.post(server, body: body, token: "good", proof: proof).status == 200)
        }
    }

    @Test func scriptedFaultsAreUsedInOrder() async throws {
        try await Self.withServer { server in
            server.inject(
                .tooManyRequests(regainAccessMinutes: 3), .invalidAccessToken(), .serverError(status: 503), .malformedBody())
            server.rejectEvents(withIDs: ["bad"])
            let body = Self.body([Self.event("a")])
            let throttled = try await Self.post(server, body: body)
            #expect(throttled.status == 429)
            #expect(throttled.headers["x-business-use-case-usage"]?.contains(#""estimated_time_to_regain_access":3"#) == true)
            #expect(try Self.graphError(try await Self.post(server, body: body).body).code == 190)
            #expect(try await Self.post(server, body: body).status == 503)
            let malformed = try await Self.post(server, body: body)
            #expect(malformed.status == 200)
            #expect((try? CAPIJSON.decode(EventsResponse.self, from: Data(malformed.body.utf8))) == nil)
            let rejected = try await Self.post(server, body: Self.body([Self.event("ok"), Self.event("bad")]))
            #expect(try Self.graphError(rejected.body).code == 100)
            #expect(try await Self.post(server, body: body).status == 200)
            #expect(server.requests.map(\.responseStatus) == [429, 400, 503, 200, 400, 200])
            #expect(server.acceptedEventIDs == ["a"])
        }
    }

    @Test func droppedConnectionsAndSlowAnswers() async throws {
        try await Self.withServer { server in
            server.inject(.dropConnection, .delay(.milliseconds(200)))
            let body = Self.body([Self.event("a")])
            await #expect(throws: (any Error).self) { try await Self.post(server, body: body) }
            let started = ContinuousClock.now
            let slow = try await Self.post(server, body: body)
            #expect(slow.status == 200)
            #expect(ContinuousClock.now - started >= .milliseconds(200))
            #expect(server.requests.first?.responseStatus == nil)
        }
    }

    @Test func unknownPathsAndMalformedBodies() async throws {
        try await Self.withServer { server in
            #expect(try await Self.post(server, body: Self.body([Self.event("a")]), path: "/v24.0/123/other").status == 400)
            let notJSON = try await Self.post(server, body: "data=[1]")
            #expect(notJSON.status == 400)
            #expect(try Self.graphError(notJSON.body).code == 100)
            #expect(try await Self.post(server, body: #"{"data":[]}"#).status == 400)
        }
    }
}
