#if Hummingbird
public import DeliveryConsole
import HTTPTypes
public import Hummingbird
import NIOCore

extension RouterMethods {
    /// Serves `console` under this router or group, behind whatever middleware (your own
    /// authentication) the group has.
    ///
    /// The console's `DeliveryConsole.Configuration.mountPath` must be the group's path, so
    /// that its links and redirects stay inside it:
    ///
    /// ```swift
    /// var configuration = DeliveryConsole.Configuration()
    /// configuration.mountPath = "/admin/capi"
    /// let console = DeliveryConsole(store: store, queue: queue, configuration: configuration)
    /// router.group("admin/capi").add(middleware: AdminAuthMiddleware()).addDeliveryConsole(console)
    /// ```
    ///
    /// - Parameters:
    ///   - console: the console to serve; its CSRF checks apply to every replay.
    ///   - maximumBodyBytes: larger request bodies are refused (the console's forms are small).
    /// - Returns: the router or group, for chaining.
    @discardableResult
    public func addDeliveryConsole(_ console: DeliveryConsole, maximumBodyBytes: Int = 64 * 1024) -> Self {
        let handler: @Sendable (Request, Context) async throws -> Response = { request, _ in
            let body = try await request.body.collect(upTo: maximumBodyBytes)
            let consoleRequest = ConsoleRequest(
                method: request.method.rawValue, target: request.uri.string,
                headers: request.headers.map { ($0.name.rawName, $0.value) }, body: Array(buffer: body))
            let answer = await console.respond(to: consoleRequest)
            var headers = HTTPFields()
            for (name, value) in answer.headers {
                if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
            }
            return Response(
                status: HTTPResponse.Status(code: answer.status), headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        for method in [HTTPRequest.Method.get, .head, .post] {
            on("", method: method, use: handler)
            on("**", method: method, use: handler)
        }
        return self
    }
}
#endif
