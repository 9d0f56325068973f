public import AsyncHTTPClient
public import Delivery
import NIOCore
import NIOHTTP1

/// A `Transport` over AsyncHTTPClient.
///
/// It posts the JSON body to `{baseURL}/{graphVersion}/{pixelID}/events`, with the access
/// token (and `appsecret_proof`, when an app secret is configured) as query parameters, as
/// Meta documents. Errors thrown for failed connections carry no URL and no token.
///
/// - The `TransportRequest.timeout` covers the whole exchange: connecting, sending, the
///   response head and the whole body. AsyncHTTPClient's own deadline ends when the head
///   arrives, so a server trickling its body would otherwise hold the request (and the
///   event's lease) for as long as it liked; past the timeout the request is cancelled and
///   ``HTTPTransportError`` is thrown with ``HTTPTransportError/isTimeout`` set.
/// - Redirects are never followed: a `3xx` is returned as the answer (the engine retries it
///   as an unreadable answer). Following one would post the events, and perhaps the token,
///   to another origin and report its `200` as Meta's.
/// - A `baseURL` that is `http://` to anything but a loopback host is refused before
///   connecting (see `PixelDestination.checkBaseURL(_:)`): the token is in the query.
///
/// ```swift
/// let transport = AsyncHTTPClientTransport()                 // a shared client that follows no redirect
/// let transport = AsyncHTTPClientTransport(client: myClient) // your own pool and TLS settings
/// ```
public struct AsyncHTTPClientTransport: Transport {
    /// Transport settings.
    public struct Configuration: Sendable {
        /// Response bodies beyond this size are cut (Graph answers are small, a few hundred
        /// bytes): the transport keeps at most this many bytes, stops reading, closes the
        /// connection and returns the response with `TransportResponse.isTruncated` set.
        /// Memory per request is bounded by it, whatever the server sends.
        public var maximumResponseBytes: Int = 1 << 20
        /// The `User-Agent` header.
        public var userAgent: String = "roasproof-delivery/1"

        public init() {}
    }

    /// The client used unless one is passed: AsyncHTTPClient's shared settings, but with
    /// redirects disallowed. It lives as long as the process, like `HTTPClient.shared`.
    public static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    let client: HTTPClient
    let configuration: Configuration

    /// Creates a transport on `client` (``sharedClient`` by default).
    ///
    /// A client of your own may be configured to follow redirects; the transport still
    /// follows none that would resend the body, and reports any redirect's status as the
    /// answer. Configure it with `redirectConfiguration = .disallow` so that it sends nothing
    /// to a redirect's target either.
    public init(client: HTTPClient = AsyncHTTPClientTransport.sharedClient, configuration: Configuration = Configuration()) {
        self.client = client
        self.configuration = configuration
    }

    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        try PixelDestination.checkBaseURL(request.destination.baseURL)
        let token = request.destination.accessToken.unredactedValue
        var url = request.destination.baseURL + request.path + "?access_token=" + Self.percentEncode(token)
        if let proof = request.appSecretProof { url += "&appsecret_proof=" + proof }

        let http = makeRequest(url: url, body: request.body)
        let deadline = NIODeadline.now() + TimeAmount.nanoseconds(Self.nanoseconds(request.timeout))
        let limit = max(0, configuration.maximumResponseBytes)
        do {
            return try await Self.within(request.timeout) {
                let response = try await client.execute(http, deadline: deadline)
                if let redirect = Self.followedRedirect(response) { return redirect }
                let (body, truncated) = try await Self.read(response, limit: limit)
                var answer = TransportResponse(
                    status: Int(response.status.code),
                    headers: response.headers.map { (name: $0.name, value: $0.value) },
                    body: body)
                answer.isTruncated = truncated
                return answer
            }
        } catch {
            throw HTTPTransportError(underlying: error, redacting: [token, request.appSecretProof ?? token])
        }
    }

    /// The `POST` of `body` to `url`.
    func makeRequest(url: String, body text: String) -> HTTPClientRequest {
        var http = HTTPClientRequest(url: url)
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/json")
        http.headers.add(name: "Accept", value: "application/json")
        http.headers.add(name: "User-Agent", value: configuration.userAgent)
        // A body that can be sent only once: AsyncHTTPClient then never re-posts it to a
        // 307 or 308 redirect's target, whatever the client's redirect configuration.
        let body = ByteBuffer(string: text)
        http.body = .stream(OneBuffer(buffer: body), length: .known(Int64(body.readableBytes)))
        return http
    }

    /// Runs `operation`, cancelling it when `timeout` passes first.
    ///
    /// - Throws: ``WholeRequestTimeout`` when the time ran out, or what `operation` threw.
    static func within<Result: Sendable>(
        _ timeout: Duration, _ operation: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else { throw WholeRequestTimeout(timeout: timeout) }
            return result
        }
    }

    /// The first answer of a request whose client followed a redirect (a `301`, `302` or
    /// `303` turned into a `GET`): that `3xx` status, with no body, is what the Graph URL said.
    static func followedRedirect(_ response: HTTPClientResponse) -> TransportResponse? {
        guard response.history.count > 1, let first = response.history.first else { return nil }
        return TransportResponse(
            status: Int(first.responseHead.status.code),
            headers: first.responseHead.headers.map { (name: $0.name, value: $0.value) }, body: [])
    }

    /// Reads at most `limit` bytes of the body. A longer body is cut: reading stops (which
    /// cancels the rest of the transfer) and the first `limit` bytes are returned.
    static func read(_ response: HTTPClientResponse, limit: Int) async throws -> (body: [UInt8], truncated: Bool) {
        if let length = response.headers.first(name: "Content-Length").flatMap({ Int($0) }), length > limit {
            return ([], true)  // announced too large: do not read any of it
        }
        var body: [UInt8] = []
        for try await chunk in response.body {
            let room = limit - body.count
            if chunk.readableBytes > room {
                body += chunk.readableBytesView.prefix(room)
                return (body, true)
            }
            body += chunk.readableBytesView
        }
        return (body, false)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled &+ attoseconds / 1_000_000_000
    }

    /// RFC 3986 unreserved characters pass; everything else is %-encoded.
    package static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}

/// The whole request took longer than its timeout and was cancelled.
struct WholeRequestTimeout: Error, CustomStringConvertible {
    let timeout: Duration
    var description: String { "no complete response within the request timeout (\(timeout)); the request was cancelled" }
}

/// A request body of one buffer that can be iterated once.
struct OneBuffer: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let buffer: ByteBuffer

    struct AsyncIterator: AsyncIteratorProtocol {
        var buffer: ByteBuffer?
        mutating func next() async -> ByteBuffer? {
            defer { buffer = nil }
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffer: buffer) }
}

/// A request that got no HTTP response: connection refused or dropped, or timed out.
///
/// Its description names the underlying error with any credential text removed.
public struct HTTPTransportError: Error, Sendable, CustomStringConvertible {
    /// A short, credential-free description of the cause.
    public let reason: String
    /// True when the deadline passed.
    public let isTimeout: Bool

    init(underlying: any Error, redacting secrets: [String]) {
        if let timeout = underlying as? WholeRequestTimeout {
            reason = timeout.description
            isTimeout = true
            return
        }
        var text = String(describing: underlying)
        for secret in secrets where !secret.isEmpty {
            text = text.replacingAll(secret, with: "<redacted>")
            text = text.replacingAll(AsyncHTTPClientTransport.percentEncode(secret), with: "<redacted>")
        }
        reason = text
        isTimeout =
            (underlying as? HTTPClientError) == .deadlineExceeded
            || (underlying as? HTTPClientError) == .readTimeout || (underlying as? HTTPClientError) == .connectTimeout
    }

    public var description: String { "HTTP request failed: \(reason)" }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

extension AsyncHTTPClientTransport {
    /// A `GET` of a Graph URL that carries credentials in its query (the Dataset Quality API),
    /// with the same guarantees as ``send(_:)``: `http://` only to loopback hosts, the body
    /// cut at ``Configuration/maximumResponseBytes``, redirects reported rather than followed,
    /// the whole request bounded by `timeout`, and `secrets` redacted from any error.
    package func get(
        baseURL: String, url: String, timeout: Duration, redacting secrets: [String]
    ) async throws -> TransportResponse {
        try PixelDestination.checkBaseURL(baseURL)
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        let http = request
        let deadline = NIODeadline.now() + TimeAmount.nanoseconds(Self.nanoseconds(timeout))
        let limit = max(0, configuration.maximumResponseBytes)
        do {
            return try await Self.within(timeout) {
                let response = try await client.execute(http, deadline: deadline)
                if let redirect = Self.followedRedirect(response) { return redirect }
                let (body, truncated) = try await Self.read(response, limit: limit)
                var answer = TransportResponse(
                    status: Int(response.status.code), headers: response.headers.map { (name: $0.name, value: $0.value) },
                    body: body)
                answer.isTruncated = truncated
                return answer
            }
        } catch {
            throw HTTPTransportError(underlying: error, redacting: secrets)
        }
    }
}
