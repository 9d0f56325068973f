public import AsyncHTTPClient
public import Delivery
import NIOCore
import NIOHTTP1

/// A ``Transport`` over AsyncHTTPClient.
///
/// It posts the JSON body to `{baseURL}/{graphVersion}/{pixelID}/events`, with the access
/// token (and `appsecret_proof`, when an app secret is configured) as query parameters, as
/// Meta documents. Each request has the ``TransportRequest/timeout`` as its deadline. Errors
/// thrown for failed connections carry no URL and no token.
///
/// ```swift
/// let transport = AsyncHTTPClientTransport()                 // HTTPClient.shared
/// let transport = AsyncHTTPClientTransport(client: myClient) // your own pool and TLS settings
/// ```
public struct AsyncHTTPClientTransport: Transport {
    /// Transport settings.
    public struct Configuration: Sendable {
        /// Response bodies beyond this size are cut (Graph answers are small, a few hundred
        /// bytes): the transport keeps at most this many bytes, stops reading, closes the
        /// connection and returns the response with ``TransportResponse/isTruncated`` set.
        /// Memory per request is bounded by it, whatever the server sends.
        public var maximumResponseBytes: Int = 1 << 20
        /// The `User-Agent` header.
        public var userAgent: String = "roasproof-delivery/1"

        public init() {}
    }

    let client: HTTPClient
    let configuration: Configuration

    /// Creates a transport on `client` (the shared client by default).
    public init(client: HTTPClient = .shared, configuration: Configuration = Configuration()) {
        self.client = client
        self.configuration = configuration
    }

    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        let token = request.destination.accessToken.unredactedValue
        var url = request.destination.baseURL + request.path + "?access_token=" + Self.percentEncode(token)
        if let proof = request.appSecretProof { url += "&appsecret_proof=" + proof }

        var http = HTTPClientRequest(url: url)
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/json")
        http.headers.add(name: "Accept", value: "application/json")
        http.headers.add(name: "User-Agent", value: configuration.userAgent)
        http.body = .bytes(ByteBuffer(string: request.body))

        let deadline = NIODeadline.now() + TimeAmount.nanoseconds(Self.nanoseconds(request.timeout))
        do {
            let response = try await client.execute(http, deadline: deadline)
            let (body, truncated) = try await Self.read(response, limit: max(0, configuration.maximumResponseBytes))
            var answer = TransportResponse(
                status: Int(response.status.code),
                headers: response.headers.map { (name: $0.name, value: $0.value) },
                body: body)
            answer.isTruncated = truncated
            return answer
        } catch {
            throw HTTPTransportError(underlying: error, redacting: [token, request.appSecretProof ?? token])
        }
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
    static func percentEncode(_ text: String) -> String {
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

/// A request that got no HTTP response: connection refused or dropped, or timed out.
///
/// Its description names the underlying error with any credential text removed.
public struct HTTPTransportError: Error, Sendable, CustomStringConvertible {
    /// A short, credential-free description of the cause.
    public let reason: String
    /// True when the deadline passed.
    public let isTimeout: Bool

    init(underlying: any Error, redacting secrets: [String]) {
        var text = String(describing: underlying)
        for secret in secrets where !secret.isEmpty {
            text = text.replacingAll(secret, with: "<redacted>")
            text = text.replacingAll(AsyncHTTPClientTransport.percentEncode(secret), with: "<redacted>")
        }
        reason = text
        isTimeout = (underlying as? HTTPClientError) == .deadlineExceeded
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
