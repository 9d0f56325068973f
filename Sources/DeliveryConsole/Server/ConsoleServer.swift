public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 server for a ``DeliveryConsole``: what `capi serve` runs.
///
/// It binds 127.0.0.1 by default and refuses any other address unless the console has an
/// access token. Request bodies are limited (forms are small), header blocks are limited by
/// NIO's HTTP parser (80 KiB), and a connection idle for ``Configuration/idleTimeout`` is closed.
///
/// ```swift
/// let server = try await ConsoleServer.start(console: console)
/// print("open \(server.url)")
/// try await server.run()   // until the task is cancelled
/// ```
public final class ConsoleServer: Sendable {
    /// Where and how the server listens.
    public struct Configuration: Sendable {
        /// The address to bind: 127.0.0.1 by default. Another address needs an access token.
        public var host = "127.0.0.1"
        /// The port; 0 picks a free one (read it back from ``ConsoleServer/port``).
        public var port = 8080
        /// Larger request bodies are answered 413 without reading on.
        public var maximumBodyBytes = 64 * 1024
        /// A connection without a request for this long is closed.
        public var idleTimeout: Duration = .seconds(30)

        /// Loopback on port 8080, 64 KiB bodies, 30 s idle timeout.
        public init() {}
    }

    /// The loopback addresses the server binds without an access token.
    public static let loopbackHosts: Set<String> = ["127.0.0.1", "localhost", "::1"]

    private let channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
    private let console: DeliveryConsole
    private let configuration: Configuration
    private let logger: Logger
    /// The bound port.
    public let port: Int
    /// The bound host, as configured.
    public let host: String

    /// The console's address, `http://127.0.0.1:8080/` (with the mount path).
    public var url: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return "http://\(name):\(port)\(console.configuration.mountPath)/"
    }

    private init(
        channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>,
        console: DeliveryConsole, configuration: Configuration, logger: Logger
    ) {
        self.channel = channel
        self.console = console
        self.configuration = configuration
        self.logger = logger
        self.port = channel.channel.localAddress?.port ?? configuration.port
        self.host = configuration.host
    }

    /// Binds the address; call ``run()`` to serve.
    ///
    /// - Parameters:
    ///   - console: the console to serve. Without an access token it also refuses requests
    ///     whose `Host` is not a loopback name (DNS rebinding).
    ///   - configuration: address, port and limits.
    ///   - logger: receives a line per failed connection.
    /// - Throws: ``ConsoleSetupError`` with ``ConsoleSetupError/Code/exposedWithoutToken`` for a
    ///   non-loopback host without an access token, ``ConsoleSetupError/Code/bindFailed`` when
    ///   the address cannot be bound.
    public static func start(
        console: DeliveryConsole, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "roasproof.console", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws(ConsoleSetupError) -> ConsoleServer {
        var console = console
        if console.configuration.accessToken == nil {
            guard loopbackHosts.contains(configuration.host.lowercased()) else {
                throw ConsoleSetupError(
                    code: .exposedWithoutToken,
                    message: "refusing to serve the console on \(configuration.host) without an access token: anyone who can "
                        + "reach that address could read events and replay them. Bind 127.0.0.1 (and reach it through an SSH "
                        + "tunnel), or set an access token (capi serve --token-file FILE, or CAPI_CONSOLE_TOKEN)")
            }
            console = console.requiringLoopbackHost()
        }
        let idle = TimeAmount.nanoseconds(
            configuration.idleTimeout.components.seconds * 1_000_000_000 + configuration.idleTimeout.components.attoseconds
                / 1_000_000_000)
        let channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
        do {
            channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: idle))
                        try channel.pipeline.syncOperations.addHandler(IdleConnectionCloser())
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                            wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw ConsoleSetupError(
                code: .bindFailed,
                message:
                    "could not listen on \(configuration.host):\(configuration.port) (\(error)); pick a free port with --port")
        }
        return ConsoleServer(channel: channel, console: console, configuration: configuration, logger: logger)
    }

    /// Serves until the task is cancelled, then closes the listening socket and open connections.
    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            try await withTaskCancellationHandler {
                try await channel.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await self.serve(connection) }
                    }
                }
            } onCancel: {
                channel.channel.close(promise: nil)
            }
            group.cancelAll()
        }
    }

    /// Stops listening; ``run()`` returns once open connections end.
    public func shutdown() async {
        try? await channel.channel.close()
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body: [UInt8] = []
                var tooLarge = false
                for try await part in inbound {
                    switch part {
                    case .head(let received):
                        head = received
                        body = []
                        tooLarge = false
                    case .body(var buffer):
                        if body.count + buffer.readableBytes > configuration.maximumBodyBytes {
                            tooLarge = true
                        } else {
                            body += buffer.readBytes(length: buffer.readableBytes) ?? []
                        }
                    case .end:
                        guard let request = head else { continue }
                        head = nil
                        let response: ConsoleResponse
                        if tooLarge {
                            response = SecurityHeaders.applied(
                                to: ConsoleResponse(
                                    status: 413, headers: [("Content-Type", "text/plain; charset=utf-8")],
                                    body: Array("The request body is larger than the console accepts.\n".utf8)))
                        } else {
                            response = await console.respond(
                                to: ConsoleRequest(
                                    method: request.method.rawValue, target: request.uri,
                                    headers: request.headers.map { ($0.name, $0.value) }, body: body))
                        }
                        let keepAlive = request.isKeepAlive && !tooLarge
                        try await write(response, version: request.version, keepAlive: keepAlive, to: outbound)
                        body = []
                        if !keepAlive { return }
                    }
                }
            }
        } catch {
            logger.debug("console connection ended", metadata: ["error": "\(error)"])
        }
    }

    private func write(
        _ response: ConsoleResponse, version: HTTPVersion, keepAlive: Bool,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var headers = HTTPHeaders()
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        headers.replaceOrAdd(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        try await outbound.write(
            .head(HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)))
        if !response.body.isEmpty {
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
        }
        try await outbound.write(.end(nil))
    }
}

extension DeliveryConsole {
    /// This console, refusing requests whose `Host` is not a loopback name.
    func requiringLoopbackHost() -> DeliveryConsole {
        var copy = self
        copy.configurationOverride { $0.requireLoopbackHost = true }
        return copy
    }
}

/// Closes a connection when ``IdleStateHandler`` reports it idle.
final class IdleConnectionCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
