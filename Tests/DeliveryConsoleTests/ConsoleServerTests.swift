import AsyncHTTPClient
import CAPIModel
import Delivery
import DeliveryConsole
import DeliveryTesting
import NIOCore
import NIOHTTP1
import Testing

@Suite("ConsoleServer over real loopback HTTP")
struct ConsoleServerTests {
    static func serverConfiguration(host: String = "127.0.0.1") -> ConsoleServer.Configuration {
        var configuration = ConsoleServer.Configuration()
        configuration.host = host
        configuration.port = 0
        configuration.maximumBodyBytes = 1_024
        return configuration
    }

    /// Runs `body` with a served console and an HTTP client.
    static func withServer(
        _ fixture: ConsoleFixture, host: String = "127.0.0.1", _ body: (ConsoleServer, HTTPClient) async throws -> Void
    ) async throws {
        let server = try await ConsoleServer.start(console: fixture.console, configuration: serverConfiguration(host: host))
        let serving = Task { try await server.run() }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await body(server, client)
        } catch {
            try? await client.shutdown()
            serving.cancel()
            throw error
        }
        try await client.shutdown()
        serving.cancel()
        _ = await serving.result
    }

    static func text(_ response: HTTPClientResponse) async throws -> String {
        String(buffer: try await response.body.collect(upTo: 4 * 1024 * 1024))
    }

    @Test func refusesANonLoopbackAddressWithoutAToken() async throws {
        let fixture = try await ConsoleFixture()
        do {
            _ = try await ConsoleServer.start(console: fixture.console, configuration: Self.serverConfiguration(host: "0.0.0.0"))
            Issue.record("bound 0.0.0.0 without an access token")
        } catch {
            #expect(error.code == .exposedWithoutToken)
            #expect(error.message.contains("127.0.0.1") && error.message.contains("CAPI_CONSOLE_TOKEN"))
        }
    }

    @Test func bindsANonLoopbackAddressWithAToken() async throws {
        var configuration = DeliveryConsole.Configuration()
        configuration.accessToken = try ConsoleAccessToken("console-token-0123456789abcdef")
        let fixture = try await ConsoleFixture(configuration: configuration)
        try await Self.withServer(fixture, host: "0.0.0.0") { server, client in
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/")
            let anonymous = try await client.execute(request, timeout: .seconds(10))
            #expect(anonymous.status == .forbidden)
            var signed = request
            signed.headers.add(name: "Authorization", value: "Bearer console-token-0123456789abcdef")
            #expect(try await client.execute(signed, timeout: .seconds(10)).status == .ok)
        }
    }

    @Test func servesPagesAndReplaysOverHTTP() async throws {
        let fixture = try await ConsoleFixture()
        try await Self.withServer(fixture) { server, client in
            #expect(server.url == "http://127.0.0.1:\(server.port)/")
            let overview = try await client.execute(HTTPClientRequest(url: server.url), timeout: .seconds(10))
            #expect(overview.status == .ok)
            #expect(overview.headers.first(name: "Content-Security-Policy")?.contains("default-src 'none'") == true)
            let page = try await Self.text(
                try await client.execute(
                    HTTPClientRequest(url: server.url + "events/\(fixture.parkedID.rawValue)"), timeout: .seconds(10)))
            let csrf = try #require(ConsoleFixture.csrfToken(in: page))
            var post = HTTPClientRequest(url: server.url + "events/\(fixture.parkedID.rawValue)/replay")
            post.method = .POST
            post.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            post.body = .bytes(ByteBuffer(string: "csrf=\(csrf)"))
            let replayed = try await client.execute(post, timeout: .seconds(10))
            // AsyncHTTPClient follows the 303 with a GET of the event page.
            #expect(replayed.status == .ok)
            #expect(try await Self.text(replayed).contains("Replayed:"))
            #expect(await fixture.state(of: fixture.parkedID) == .pending)
        }
    }

    @Test func refusesForeignHostsLargeBodiesAndGetReplays() async throws {
        let fixture = try await ConsoleFixture()
        try await Self.withServer(fixture) { server, client in
            var rebound = HTTPClientRequest(url: server.url)
            rebound.headers.replaceOrAdd(name: "Host", value: "attacker.example")
            let reboundStatus = try await client.execute(rebound, timeout: .seconds(10)).status
            #expect(reboundStatus == .forbidden)
            var large = HTTPClientRequest(url: server.url + "events/\(fixture.parkedID.rawValue)/replay")
            large.method = .POST
            large.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            large.body = .bytes(ByteBuffer(string: "csrf=" + String(repeating: "a", count: 4_096)))
            let largeStatus = try await client.execute(large, timeout: .seconds(10)).status
            #expect(largeStatus == .payloadTooLarge)
            let get = HTTPClientRequest(url: server.url + "events/\(fixture.parkedID.rawValue)/replay")
            let getStatus = try await client.execute(get, timeout: .seconds(10)).status
            #expect(getStatus == .methodNotAllowed)
            let state = await fixture.state(of: fixture.parkedID)
            #expect(state == .parked)
        }
    }
}
