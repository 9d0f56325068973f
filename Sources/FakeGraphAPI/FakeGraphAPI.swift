public import CAPIModel
import Identity
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A fake Graph API on loopback: `POST /{version}/{pixel}/events`, validated like Meta's.
///
/// ```swift
/// try await withFakeGraphAPI { server in
///     var destination = PixelDestination(pixelID: "123", accessToken: AccessToken("t"))
///     destination.baseURL = server.baseURL
///     server.inject(.throttle(code: 17, regainAccessMinutes: 1))
///     // … deliver …
///     #expect(server.acceptedEventIDs.contains("order-1"))
/// }
/// ```
///
/// It checks the access token (any non-empty one, or only those in
/// ``Configuration/acceptedAccessTokens``), `appsecret_proof` when an app secret is
/// configured, at most 1,000 events, hashed keys as 64 hex characters, the `event_time` window,
/// and the `website` rules; it answers with Meta-shaped success and error bodies. Faults are
/// consumed one per request, in order. Every request is recorded.
public final class FakeGraphAPI: Sendable {
    /// Server settings.
    public struct Configuration: Sendable {
        /// The address to bind; loopback only.
        public var host = "127.0.0.1"
        /// The port; 0 picks a free one.
        public var port = 0
        /// Tokens the server accepts; `nil` accepts any non-empty token.
        public var acceptedAccessTokens: Set<String>?
        /// When set, every request must carry the matching `appsecret_proof`.
        public var appSecret: String?
        /// The server's notion of now (for the `event_time` window, checked in whole seconds).
        public var currentTime: @Sendable () -> Timestamp = { Timestamp.now }

        /// The server's notion of now, in Unix seconds.
        @available(*, deprecated, message: "use currentTime, a closure returning a Timestamp")
        public var now: @Sendable () -> Int64 {
            get { { [currentTime] in currentTime().seconds } }
            set { currentTime = { Timestamp(seconds: newValue()) } }
        }

        public init() {}
    }

    /// One request as received.
    public struct ReceivedRequest: Sendable {
        public var method: String
        /// The path without the query.
        public var path: String
        public var graphVersion: String?
        public var pixelID: String?
        /// The `access_token` query parameter. This is a test tool: it keeps what it is sent.
        public var accessToken: String?
        public var appSecretProof: String?
        /// The body as received.
        public var body: String
        public var testEventCode: String?
        /// The `event_id`s in the body, when it parsed.
        public var eventIDs: [String]
        /// The status the server answered with (`nil` when it dropped the connection).
        public var responseStatus: Int?
        /// The fault used, if any.
        public var fault: Fault?
    }

    private struct State {
        var faults: [Fault] = []
        var rejectedEventIDs: Set<String> = []
        var acceptedAccessTokens: Set<String>?
        var accessiblePixelIDs: Set<String>?
        var requests: [ReceivedRequest] = []
        var accepted: [String] = []
        /// `GET /{version}/dataset_quality` answers per dataset id, served in turn (the last
        /// one repeats).
        var datasetQuality: [String: [String]] = [:]
    }

    private let state: Mutex<State>
    private let configuration: Configuration
    private let channel: any Channel
    /// The bound port.
    public let port: Int

    /// `http://127.0.0.1:<port>`, for `PixelDestination.baseURL`.
    public var baseURL: String { "http://\(configuration.host):\(port)" }

    private init(configuration: Configuration, channel: any Channel, port: Int, initial: State) {
        self.configuration = configuration
        self.channel = channel
        self.port = port
        self.state = Mutex(initial)
    }

    /// Starts a server. Stop it with ``shutdown()``, or use ``withFakeGraphAPI(configuration:_:)``.
    public static func start(configuration: Configuration = Configuration()) async throws -> FakeGraphAPI {
        let box = ServerBox()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(GraphHandler(server: box))
                }
            }
        let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        let port = channel.localAddress?.port ?? 0
        var initial = State()
        initial.acceptedAccessTokens = configuration.acceptedAccessTokens
        let server = FakeGraphAPI(configuration: configuration, channel: channel, port: port, initial: initial)
        box.server.withLock { $0 = server }
        return server
    }

    /// Stops listening and closes the server socket.
    public func shutdown() async throws {
        try await channel.close()
    }

    // MARK: Script

    /// Queues faults for the next requests, one per request.
    public func inject(_ faults: Fault...) { state.withLock { $0.faults += faults } }

    /// Queues the same fault for the next `count` requests.
    public func inject(_ fault: Fault, times count: Int) {
        state.withLock { $0.faults += Array(repeating: fault, count: count) }
    }

    /// Answers code 100 to every request that carries one of these `event_id`s.
    public func rejectEvents(withIDs ids: Set<String>) { state.withLock { $0.rejectedEventIDs.formUnion(ids) } }

    /// Replaces the accepted tokens (`nil` accepts any).
    public func setAcceptedAccessTokens(_ tokens: Set<String>?) { state.withLock { $0.acceptedAccessTokens = tokens } }

    /// The pixels accepted tokens may send to (`nil`, the default: any). Requests for another
    /// pixel get code 100 with subcode 33, as Graph answers for a wrong pixel id or a token
    /// without access to the dataset.
    public func setAccessiblePixelIDs(_ pixelIDs: Set<String>?) { state.withLock { $0.accessiblePixelIDs = pixelIDs } }

    /// Serves `bodies` (JSON, as `GET /{version}/dataset_quality` returns it) for dataset
    /// `datasetID`: the first to the first request, the next to the next, and the last one
    /// from then on, so a sequence of snapshots can show a change. A dataset with no bodies
    /// gets Graph code 2044055 (the dataset does not exist).
    public func setDatasetQuality(_ bodies: [String], for datasetID: String) {
        state.withLock { $0.datasetQuality[datasetID] = bodies }
    }

    // MARK: Records

    /// Every request received, in order.
    public var requests: [ReceivedRequest] { state.withLock { $0.requests } }

    /// The `event_id`s of every event in requests answered 200, in order (with repeats).
    public var acceptedEventIDs: [String] { state.withLock { $0.accepted } }

    /// How many events were in requests answered 200 (cheaper than ``acceptedEventIDs``).
    public var acceptedEventCount: Int { state.withLock { $0.accepted.count } }

    /// Forgets the recorded requests.
    public func clearRecords() {
        state.withLock {
            $0.requests = []
            $0.accepted = []
        }
    }

    // MARK: Handling

    enum Reply {
        case respond(status: Int, headers: [String: String], body: String)
        case drop
        /// Send the head (announcing all of `body`) and half the body, then close.
        case resetMidBody(status: Int, body: String)
        /// Send the head (announcing all of `body`), then one byte of it per `interval`.
        case trickle(status: Int, body: String, interval: Duration)
    }

    /// Decides the answer to one request (no I/O), returning a delay to apply first.
    func handle(method: String, uri: String, body: [UInt8]) -> (delay: Duration?, reply: Reply) {
        let (path, query) = Self.split(uri)
        var record = ReceivedRequest(
            method: method, path: path, graphVersion: nil, pixelID: nil, accessToken: query["access_token"],
            appSecretProof: query["appsecret_proof"], body: String(decoding: body, as: UTF8.self), testEventCode: nil,
            eventIDs: [], responseStatus: nil, fault: nil)
        let segments = path.split(separator: "/").map(String.init)
        if segments.count == 3, segments[2] == "events" {
            record.graphVersion = segments[0]
            record.pixelID = segments[1]
        }
        let isDatasetQuality = segments.count == 2 && segments[1] == "dataset_quality"
        if isDatasetQuality {
            record.graphVersion = segments[0]
            record.pixelID = query["dataset_id"]
        }
        let validation = GraphValidation(nowSeconds: configuration.currentTime().seconds)
        let parsed = Result { () throws(GraphValidation.Failure) in try validation.parse(body) }
        record.eventIDs = (try? parsed.get())?.events.compactMap(\.eventID) ?? GraphValidation.eventIDs(in: body)

        return state.withLock { state -> (Duration?, Reply) in
            var delay: Duration?
            var fault = state.faults.isEmpty ? nil : state.faults.removeFirst()
            if case .delay(let duration)? = fault?.kind {
                delay = duration
                record.fault = fault
                fault = nil
            }
            let reply: Reply
            if let fault {
                record.fault = fault
                switch fault.kind {
                case .dropConnection:
                    reply = .drop
                case .status(let status, let body, let headers):
                    reply = .respond(status: status, headers: headers, body: body)
                case .resetMidBody(let status, let body):
                    reply = .resetMidBody(status: status, body: body)
                case .acknowledgeFewer(let missing):
                    let received = max(0, record.eventIDs.count - missing)
                    reply = .respond(status: 200, headers: [:], body: GraphBodies.success(eventsReceived: received))
                case .oversized(let status, let bytes, let chunked):
                    reply = .respond(
                        status: status, headers: chunked ? ["Transfer-Encoding": "chunked"] : [:],
                        body: GraphBodies.oversizedSuccess(eventsReceived: record.eventIDs.count, bytes: bytes))
                case .objectNotAccessible:
                    reply = .respond(
                        status: 400, headers: [:], body: GraphBodies.objectNotAccessible(pixelID: record.pixelID ?? ""))
                case .trickle(let status, let interval):
                    reply = .trickle(
                        status: status, body: GraphBodies.success(eventsReceived: record.eventIDs.count), interval: interval)
                case .delay:
                    reply = .drop  // unreachable: handled above
                }
            } else if isDatasetQuality {
                reply = decideDatasetQuality(record: record, state: &state)
            } else {
                reply = decide(record: &record, parsed: parsed, state: &state)
            }
            switch reply {
            case .respond(let status, _, _), .resetMidBody(let status, _), .trickle(let status, _, _):
                record.responseStatus = status
            case .drop: break
            }
            state.requests.append(record)
            return (delay, reply)
        }
    }

    private func decide(
        record: inout ReceivedRequest, parsed result: Result<GraphValidation.Body, GraphValidation.Failure>, state: inout State
    ) -> Reply {
        func error(
            _ status: Int, _ message: String, type: String = "OAuthException", code: Int, subcode: Int? = nil,
            userMessage: String? = nil
        ) -> Reply {
            .respond(
                status: status, headers: [:],
                body: GraphBodies.error(
                    message: message, type: type, code: code, subcode: subcode, isTransient: false, userMessage: userMessage))
        }
        guard record.method == "POST", let version = record.graphVersion, version.hasPrefix("v"),
            record.pixelID?.allSatisfy(\.isNumber) == true
        else {
            return error(
                400, "Unsupported request - method type: \(record.method.lowercased())", type: "GraphMethodException", code: 100,
                subcode: 33)
        }
        guard let token = record.accessToken, !token.isEmpty else {
            return error(400, "An access token is required to request this resource.", code: 104)
        }
        if let accepted = state.acceptedAccessTokens, !accepted.contains(token) {
            return error(400, "Error validating access token: Session has expired.", code: 190, subcode: 463)
        }
        if let accessible = state.accessiblePixelIDs, let pixel = record.pixelID, !accessible.contains(pixel) {
            return .respond(status: 400, headers: [:], body: GraphBodies.objectNotAccessible(pixelID: pixel))
        }
        if let secret = configuration.appSecret {
            let expected = AppSecretProof(accessToken: token, appSecret: secret).hexString
            guard record.appSecretProof == expected else {
                return error(400, "Invalid appsecret_proof provided in the API argument", type: "GraphMethodException", code: 100)
            }
        }
        let parsed: GraphValidation.Body
        do {
            parsed = try result.get()
        } catch {
            return .respond(
                status: 400, headers: [:],
                body: GraphBodies.error(
                    message: error.message, type: "OAuthException", code: 100, subcode: error.subcode, isTransient: false,
                    userMessage: error.userMessage))
        }
        record.testEventCode = parsed.testEventCode
        let ids = parsed.events.compactMap(\.eventID)
        if let rejected = ids.first(where: { state.rejectedEventIDs.contains($0) }) {
            return error(
                400, "Invalid parameter", code: 100, subcode: 2_804_050,
                userMessage: "The event \(rejected) was rejected (scripted by FakeGraphAPI.rejectEvents).")
        }
        state.accepted += ids
        return .respond(status: 200, headers: [:], body: GraphBodies.success(eventsReceived: parsed.events.count))
    }

    /// `GET /{version}/dataset_quality?dataset_id=…&fields=…&access_token=…`.
    private func decideDatasetQuality(record: ReceivedRequest, state: inout State) -> Reply {
        func error(_ message: String, type: String = "OAuthException", code: Int, subcode: Int? = nil) -> Reply {
            .respond(
                status: 400, headers: [:],
                body: GraphBodies.error(
                    message: message, type: type, code: code, subcode: subcode, isTransient: false, userMessage: nil))
        }
        guard record.method == "GET", record.graphVersion?.hasPrefix("v") == true else {
            return error(
                "Unsupported request - method type: \(record.method.lowercased())", type: "GraphMethodException", code: 100,
                subcode: 33)
        }
        guard let token = record.accessToken, !token.isEmpty else {
            return error("An access token is required to request this resource.", code: 104)
        }
        if let accepted = state.acceptedAccessTokens, !accepted.contains(token) {
            return error("Error validating access token: Session has expired.", code: 190, subcode: 463)
        }
        if let secret = configuration.appSecret {
            guard record.appSecretProof == AppSecretProof(accessToken: token, appSecret: secret).hexString else {
                return error("Invalid appsecret_proof provided in the API argument", type: "GraphMethodException", code: 100)
            }
        }
        guard let dataset = record.pixelID, var bodies = state.datasetQuality[dataset], !bodies.isEmpty else {
            return error("Dataset does not exist or you do not have permission to access it.", code: 2_044_055)
        }
        let body = bodies.removeFirst()
        if !bodies.isEmpty { state.datasetQuality[dataset] = bodies }
        return .respond(status: 200, headers: [:], body: body)
    }

    static func split(_ uri: String) -> (path: String, query: [String: String]) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, [:]) }
        var query: [String: String] = [:]
        for pair in uri[uri.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let name = percentDecode(String(parts[0]))
            query[name] = parts.count > 1 ? percentDecode(String(parts[1])) : ""
        }
        return (String(uri[..<mark]), query)
    }

    static func percentDecode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension GraphValidation {
    /// The `event_id`s of a body that did not validate (a light scan, no full parse).
    static func eventIDs(in body: [UInt8]) -> [String] {
        let marker = Array(#""event_id":""#.utf8)
        var ids: [String] = []
        var index = 0
        while index + marker.count <= body.count {
            if body[index] == marker[0], body[index..<(index + marker.count)].elementsEqual(marker) {
                var end = index + marker.count
                while end < body.count, body[end] != UInt8(ascii: "\"") { end += 1 }
                ids.append(String(decoding: body[(index + marker.count)..<end], as: UTF8.self))
                index = end
            } else {
                index += 1
            }
        }
        return ids
    }
}

/// Runs `body` with a started server and shuts it down afterwards.
public func withFakeGraphAPI<T: Sendable>(
    configuration: FakeGraphAPI.Configuration = FakeGraphAPI.Configuration(), _ body: (FakeGraphAPI) async throws -> T
) async throws -> T {
    let server = try await FakeGraphAPI.start(configuration: configuration)
    do {
        let value = try await body(server)
        try await server.shutdown()
        return value
    } catch {
        try? await server.shutdown()
        throw error
    }
}

/// Lets channel handlers reach the server created after the bootstrap.
final class ServerBox: Sendable {
    let server = Mutex<FakeGraphAPI?>(nil)
}

/// Collects one HTTP/1.1 request and answers it.
final class GraphHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: ServerBox
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(server: ServerBox) { self.server = server }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head, let server = server.server.withLock({ $0 }) else { return }
            let (delay, reply) = server.handle(method: head.method.rawValue, uri: head.uri, body: body)
            self.head = nil
            body = []
            let keepAlive = head.isKeepAlive
            let version = head.version
            if let delay {
                let loop = context.eventLoop.assumeIsolated()
                loop.scheduleTask(in: Self.timeAmount(delay)) {
                    self.send(reply, context: context, keepAlive: keepAlive, version: version)
                }
            } else {
                send(reply, context: context, keepAlive: keepAlive, version: version)
            }
        }
    }

    private func send(_ reply: FakeGraphAPI.Reply, context: ChannelHandlerContext, keepAlive: Bool, version: HTTPVersion) {
        switch reply {
        case .drop:
            context.close(promise: nil)
        case .trickle(let status, let text, let interval):
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json; charset=UTF-8")
            headers.add(name: "Content-Length", value: String(text.utf8.count))
            let head = HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: status), headers: headers)
            context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
            let bytes = Array(text.utf8)
            let loop = context.eventLoop.assumeIsolated()
            func sendByte(at index: Int) {
                guard context.channel.isActive else { return }  // the client gave up
                guard index < bytes.count else {
                    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                    return
                }
                var buffer = context.channel.allocator.buffer(capacity: 1)
                buffer.writeInteger(bytes[index])
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
                loop.scheduleTask(in: Self.timeAmount(interval)) { sendByte(at: index + 1) }
            }
            loop.scheduleTask(in: Self.timeAmount(interval)) { sendByte(at: 0) }
        case .resetMidBody(let status, let text):
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json; charset=UTF-8")
            headers.add(name: "Content-Length", value: String(text.utf8.count))
            let head = HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: status), headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            var buffer = context.channel.allocator.buffer(capacity: text.utf8.count / 2)
            buffer.writeBytes(Array(text.utf8.prefix(text.utf8.count / 2)))
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer)))).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        case .respond(let status, let extraHeaders, let text):
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json; charset=UTF-8")
            for (name, value) in extraHeaders { headers.replaceOrAdd(name: name, value: value) }
            let chunked = headers.contains(name: "Transfer-Encoding")
            if !chunked { headers.add(name: "Content-Length", value: String(text.utf8.count)) }
            headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
            let head = HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: status), headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            // Chunked answers go out in 64 KiB chunks, so the client sees many body parts.
            let bytes = Array(text.utf8)
            let piece = chunked ? 65_536 : max(1, bytes.count)
            var offset = 0
            repeat {
                let end = min(bytes.count, offset + piece)
                var buffer = context.channel.allocator.buffer(capacity: end - offset)
                buffer.writeBytes(bytes[offset..<end])
                context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
                offset = end
            } while offset < bytes.count
            if keepAlive {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            } else {
                context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                    context.close(promise: nil)
                }
            }
        }
    }
}
