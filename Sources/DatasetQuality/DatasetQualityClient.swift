import CAPIModel
public import DeliveryHTTP
public import Delivery
import FoundationEssentials

/// Reads Meta's Dataset Quality API: the Event Match Quality and the other metrics Meta
/// computes for a dataset (pixel), per event name.
///
/// ```swift
/// let client = DatasetQualityClient()
/// let report = try await client.fetch(DatasetQualityQuery(destination: destination))
/// if let purchase = report.web("Purchase")?.eventMatchQuality {
///     print(purchase.compositeScore ?? .nan, purchase.feedback(for: .phone)?.coverage ?? .nan)
/// }
/// ```
///
/// The token goes in the query string, as Meta documents, so the base URL must be `https://`
/// (or `http://` to a loopback host, for the fake Graph API); redirects are not followed.
public struct DatasetQualityClient: Sendable {
    let transport: AsyncHTTPClientTransport
    /// How long one request may take in all.
    public var timeout: Duration

    /// Creates a client on `transport`'s HTTP client (the shared one by default).
    public init(transport: AsyncHTTPClientTransport = AsyncHTTPClientTransport(), timeout: Duration = .seconds(30)) {
        self.transport = transport
        self.timeout = timeout
    }

    /// Fetches the metrics `query` asks for.
    ///
    /// - Throws: ``DatasetQualityError``: the Graph error classified (token, permission,
    ///   unknown dataset, throttling), a malformed answer, or no answer at all.
    public func fetch(_ query: DatasetQualityQuery) async throws(DatasetQualityError) -> DatasetQualityReport {
        try await fetchWithSources(query).report
    }

    /// Fetches like ``fetch(_:)`` and also returns each website entry as Meta sent it.
    func fetchWithSources(
        _ query: DatasetQualityQuery
    ) async throws(DatasetQualityError)
        -> (report: DatasetQualityReport, webSources: [String: JSONValue])
    {
        let secrets = [query.destination.accessToken.unredactedValue] + (query.destination.appSecretProof.map { [$0] } ?? [])
        let response: TransportResponse
        do {
            response = try await transport.get(
                baseURL: query.destination.baseURL, url: query.url, timeout: timeout, redacting: secrets)
        } catch {
            throw DatasetQualityError(
                code: .unreachable, message: "no answer from \(query.destination.baseURL): \(error); retry later")
        }
        return try Self.read(response)
    }

    /// Reads an answer: the report from a 2xx, the classified Graph error otherwise.
    public static func interpret(_ response: TransportResponse) throws(DatasetQualityError) -> DatasetQualityReport {
        try read(response).report
    }

    static func read(
        _ response: TransportResponse
    ) throws(DatasetQualityError)
        -> (report: DatasetQualityReport, webSources: [String: JSONValue])
    {
        do {
            return try readBody(response)
        } catch {
            var error = error
            if error.code == .throttled {
                error.regainAccessAfter = ResponseClassifier.regainAccessAfter(response.header("X-Business-Use-Case-Usage"))
            }
            throw error
        }
    }

    private static func readBody(
        _ response: TransportResponse
    ) throws(DatasetQualityError)
        -> (report: DatasetQualityReport, webSources: [String: JSONValue])
    {
        if response.isTruncated {
            throw DatasetQualityError(
                code: .malformedResponse, message: "the answer was larger than the transport accepts and was cut; retry later",
                httpStatus: response.status)
        }
        if (200..<300).contains(response.status) {
            do {
                return try DatasetQualityReport.read(json: response.body)
            } catch {
                var error = error
                error.httpStatus = response.status
                throw error
            }
        }
        if let envelope = try? JSONDecoder().decode(GraphErrorResponse.self, from: Data(response.body)) {
            throw DatasetQualityError(graphError: envelope.error, httpStatus: response.status)
        }
        if (300..<400).contains(response.status) {
            throw DatasetQualityError(
                code: .malformedResponse,
                message:
                    "HTTP \(response.status): a redirect, which is not followed (the token is in the URL); check the Graph URL",
                httpStatus: response.status)
        }
        let code: DatasetQualityError.Code =
            response.status == 429 ? .throttled : response.status >= 500 ? .transient : .malformedResponse
        throw DatasetQualityError(
            code: code,
            message:
                "HTTP \(response.status) without a Graph error object\(code == .malformedResponse ? "; check the Graph URL" : "; retry later")",
            httpStatus: response.status)
    }
}
