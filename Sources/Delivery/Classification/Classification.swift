public import CAPIModel
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How the engine reads one answer from the Graph API.
public enum Classification: Sendable, Hashable {
    /// HTTP 2xx with a success body.
    case delivered(EventsResponse)
    /// Worth retrying with backoff: network errors, HTTP 5xx, codes 1 and 2,
    /// `is_transient: true`, or an answer that cannot be read.
    case transient(reason: String, error: GraphError?)
    /// Codes 4, 17, 32, 341, 368, 613, 80000–80099 or HTTP 429. The pixel pauses for
    /// `regainAccessAfter` (from `X-Business-Use-Case-Usage`) or a default.
    case throttled(regainAccessAfter: Duration?, error: GraphError?)
    /// Code 190 (token expired or invalid), 102, 104, 10, 200–299, or a wrong
    /// `appsecret_proof`: only new credentials help.
    case credentialsRejected(GraphError)
    /// Code 100 with subcode 33 (the pixel does not exist or the token cannot load it) or code
    /// 3 (unsupported API method: a wrong Graph API version or path). The request can never
    /// succeed whatever events it carries: only a corrected destination helps, so the pixel
    /// is suspended as for rejected credentials (``SuspensionReason``).
    case destinationRejected(GraphError)
    /// Code 100 (invalid parameter): something in the batch is wrong.
    case invalidParameter(GraphError)
    /// Any other Graph error; retried against the budget.
    case unexpected(GraphError)
    /// A 3xx: the Graph API never redirects, so the base URL points somewhere else (a proxy, a
    /// captive portal, a moved host). The redirect is not followed (it would post the events
    /// and the token to its target); the answer is recorded as unexpected and retried against
    /// the budget.
    case redirected(status: Int)

    /// The receipt's outcome code.
    public var outcome: AttemptOutcome {
        switch self {
        case .delivered: .delivered
        case .transient: .transient
        case .throttled: .throttled
        case .credentialsRejected: .credentialsRejected
        case .destinationRejected: .destinationRejected
        case .invalidParameter: .invalidParameter
        case .unexpected, .redirected: .unexpected
        }
    }

    /// The Graph error, when there was one.
    public var graphError: GraphError? {
        switch self {
        case .delivered, .redirected: nil
        case .transient(_, let error), .throttled(_, let error): error
        case .credentialsRejected(let error), .destinationRejected(let error), .invalidParameter(let error),
            .unexpected(let error):
            error
        }
    }
}

/// Turns transport results into ``Classification``s. Pure: no I/O, no time.
public enum ResponseClassifier {
    /// Graph codes that mean "throttled": back off and pause the pixel.
    public static let throttlingCodes: Set<Int> = [4, 17, 32, 341, 368, 613]

    /// True for the Business Use Case rate-limit family (80000–80099, "80xxx").
    public static func isBusinessUseCaseThrottle(_ code: Int) -> Bool { (80_000...80_099).contains(code) }

    /// True for codes that only new or better credentials fix.
    public static func isCredentialCode(_ code: Int) -> Bool {
        code == 190 || code == 102 || code == 104 || code == 10 || (200...299).contains(code)
    }

    /// True for answers that say the destination itself is wrong, whatever the request
    /// carries: code 100 with subcode 33 (wrong pixel id, or a token without access to the
    /// dataset) and code 3 (unsupported API method: a wrong version or path). Retrying or
    /// bisecting them only multiplies requests; see ``SuspensionReason``.
    public static func isDestinationError(_ error: GraphError) -> Bool {
        error.code == 3 || (error.code == 100 && error.errorSubcode == 33)
    }

    /// Code 100 is also what Graph answers for a wrong `appsecret_proof`; that is a credential
    /// problem, not a bad event, and must not bisect and park a whole batch.
    static func isAppSecretProofError(_ error: GraphError) -> Bool {
        error.code == 100 && error.message.contains("appsecret_proof")
    }

    /// Classifies an HTTP response.
    public static func classify(_ response: TransportResponse) -> Classification {
        let graphError = (try? CAPIJSON.decode(GraphErrorResponse.self, from: Data(response.body)))?.error
        let regain = regainAccessAfter(response.header("X-Business-Use-Case-Usage"))

        if (200..<300).contains(response.status) {
            if response.isTruncated {
                // Bounded memory: the transport read only the beginning of an answer larger than
                // any Graph answer, so `events_received` is unknown. Not proof of delivery.
                return .transient(reason: "HTTP \(response.status) with an oversized body (cut by the transport)", error: nil)
            }
            guard let success = try? CAPIJSON.decode(EventsResponse.self, from: Data(response.body)),
                isSuccessBody(response.body)
            else {
                // A 2xx we cannot read proves nothing; resending is safe because Meta
                // deduplicates on event_id.
                return .transient(reason: "HTTP \(response.status) with an unreadable body", error: nil)
            }
            return .delivered(success)
        }
        if (300..<400).contains(response.status) {
            return .redirected(status: response.status)
        }
        if response.status == 429 {
            return .throttled(regainAccessAfter: regain, error: graphError)
        }
        if let error = graphError {
            if throttlingCodes.contains(error.code) || isBusinessUseCaseThrottle(error.code) {
                return .throttled(regainAccessAfter: regain, error: error)
            }
            if isCredentialCode(error.code) || isAppSecretProofError(error) { return .credentialsRejected(error) }
            if isDestinationError(error) { return .destinationRejected(error) }
            if error.code == 100 { return .invalidParameter(error) }
            if error.code == 1 || error.code == 2 || error.isTransient == true || response.status >= 500 {
                return .transient(reason: "Graph error \(error.code)", error: error)
            }
            return .unexpected(error)
        }
        return .transient(reason: "HTTP \(response.status) without a Graph error body", error: nil)
    }

    /// Classifies a transport that threw (no HTTP response).
    public static func classify(transportError: any Error) -> Classification {
        .transient(reason: "network error: \(String(describing: type(of: transportError)))", error: nil)
    }

    /// The largest `estimated_time_to_regain_access` (minutes) in an
    /// `X-Business-Use-Case-Usage` header, as a duration; `nil` when absent or zero.
    public static func regainAccessAfter(_ header: String?) -> Duration? {
        guard let header,
            let usage = try? CAPIJSON.decode([String: [BusinessUseCaseUsage]].self, from: Data(header.utf8))
        else { return nil }
        let minutes = usage.values.joined().compactMap(\.estimatedTimeToRegainAccess).max() ?? 0
        guard minutes > 0, minutes.isFinite else { return nil }
        return .milliseconds(Int64(min(minutes * 60_000, 1e15)))
    }

    private struct BusinessUseCaseUsage: Decodable {
        var estimatedTimeToRegainAccess: Double?
        enum CodingKeys: String, CodingKey { case estimatedTimeToRegainAccess = "estimated_time_to_regain_access" }
    }

    /// A success body is a JSON object with `events_received` (Python maps a missing one to
    /// 0, but an object without it is more likely not a Graph answer at all).
    private static func isSuccessBody(_ body: [UInt8]) -> Bool {
        guard let value = try? CAPIJSON.decode(JSONValue.self, from: Data(body)), case .object(let fields) = value else {
            return false
        }
        return fields["events_received"] != nil
    }
}
