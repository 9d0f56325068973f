/// Sends one Conversions API request and returns Meta's answer.
///
/// The engine builds the body; the transport builds the URL
/// `{baseURL}/{graphVersion}/{pixelID}/events?access_token=…[&appsecret_proof=…]`, sends
/// `POST` with `Content-Type: application/json`, and returns whatever came back. It throws
/// only when no HTTP response arrived (connection refused or dropped, timeout); the engine
/// treats that as transient. The `DeliveryHTTP` module has the AsyncHTTPClient transport.
public protocol Transport: Sendable {
    func send(_ request: TransportRequest) async throws -> TransportResponse
}

/// One request for a ``Transport``.
///
/// Its description shows the pixel, version and body size, never the token.
public struct TransportRequest: Sendable, CustomStringConvertible {
    /// Where to send it, including the credentials.
    public var destination: PixelDestination
    /// The JSON body (`{"data":[…]}`), with hashed identifiers only.
    public var body: String
    /// How long the whole request may take.
    public var timeout: Duration

    public init(destination: PixelDestination, body: String, timeout: Duration) {
        self.destination = destination
        self.body = body
        self.timeout = timeout
    }

    /// The `appsecret_proof` for this request, when an app secret is configured.
    public var appSecretProof: String? { destination.appSecretProof }

    /// The URL path: `/{graphVersion}/{pixelID}/events` (no credentials).
    public var path: String { "/\(destination.graphVersion)/\(destination.pixelID.rawValue)/events" }

    public var description: String {
        "POST \(destination.baseURL)\(path) (\(body.utf8.count) bytes, access_token redacted)"
    }
}

/// Meta's answer, as the transport received it.
public struct TransportResponse: Hashable, Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The response headers; names as received (look them up case-insensitively with ``header(_:)``).
    public var headers: [(name: String, value: String)]
    /// The body bytes.
    public var body: [UInt8]
    /// True when the transport cut the body because it was larger than it accepts; ``body``
    /// then holds only its beginning. A cut 2xx answer proves nothing and is retried.
    public var isTruncated: Bool = false

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Convenience for a UTF-8 body.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: String) {
        self.init(status: status, headers: headers, body: Array(body.utf8))
    }

    /// The first value of header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    public static func == (lhs: TransportResponse, rhs: TransportResponse) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body && lhs.isTruncated == rhs.isTruncated
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(status)
        hasher.combine(body)
    }
}
