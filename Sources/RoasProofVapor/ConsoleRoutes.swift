#if Vapor
public import DeliveryConsole
public import Vapor

/// Serves a `DeliveryConsole` inside a Vapor app, behind the app's own authentication.
///
/// Register it on a group whose path is the console's
/// `DeliveryConsole.Configuration.mountPath`, after your auth middleware:
///
/// ```swift
/// var configuration = DeliveryConsole.Configuration()
/// configuration.mountPath = "/admin/capi"
/// let console = DeliveryConsole(store: store, queue: queue, configuration: configuration)
/// try app.grouped(AdminAuthMiddleware()).grouped("admin", "capi").register(collection: ConsoleRoutes(console: console))
/// ```
public struct ConsoleRoutes: RouteCollection {
    /// The console served.
    public let console: DeliveryConsole
    /// Larger request bodies are refused by Vapor before the console sees them.
    public let maximumBodyBytes: Int

    /// Creates the routes.
    ///
    /// - Parameters:
    ///   - console: the console to serve; its CSRF checks apply to every replay.
    ///   - maximumBodyBytes: the largest request body accepted (the console's forms are small).
    public init(console: DeliveryConsole, maximumBodyBytes: Int = 64 * 1024) {
        self.console = console
        self.maximumBodyBytes = maximumBodyBytes
    }

    /// Adds `GET` and `POST` for the group's path and everything below it.
    ///
    /// - Parameter routes: the group to add the routes to.
    public func boot(routes: any RoutesBuilder) throws {
        let console = console
        let handler: @Sendable (Request) async throws -> Response = { request in
            var body: [UInt8] = []
            if let buffer = request.body.data { body = Array(buffer: buffer) }
            let answer = await console.respond(
                to: ConsoleRequest(
                    method: request.method.rawValue, target: request.url.string,
                    headers: request.headers.map { ($0.name, $0.value) }, body: body))
            var headers = HTTPHeaders()
            for (name, value) in answer.headers { headers.add(name: name, value: value) }
            return Response(
                status: HTTPResponseStatus(statusCode: answer.status), headers: headers,
                body: Response.Body(buffer: ByteBuffer(bytes: answer.body)))
        }
        let strategy = HTTPBodyStreamStrategy.collect(maxSize: ByteCount(value: maximumBodyBytes))
        // Vapor answers HEAD with the GET route itself.
        for method in [HTTPMethod.GET, .POST] {
            routes.on(method, [], body: strategy, use: handler)
            routes.on(method, [.catchall], body: strategy, use: handler)
        }
    }
}
#endif
