public import CAPIModel

/// Why a Dataset Quality request failed: the Graph error classified, or an answer that could
/// not be read. Never contains the access token.
///
/// Compare ``code`` to the static members; ``isRetryable`` and ``graphError`` say what to do.
public struct DatasetQualityError: Error, Hashable, Sendable, CustomStringConvertible {
    /// An opaque error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidToken = "invalid_token"
            case permissionDenied = "permission_denied"
            case unknownDataset = "unknown_dataset"
            case throttled
            case transient
            case invalidRequest = "invalid_request"
            case malformedResponse = "malformed_response"
            case unreachable
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Graph code 190: the token is expired, revoked or malformed. Generate a new one.
        public static let invalidToken = Code(.invalidToken)
        /// Graph code 10 or 200–299: the token cannot read the dataset's quality. It needs
        /// `ads_read` and `ads_management` (or `business_management`) and access to the dataset.
        public static let permissionDenied = Code(.permissionDenied)
        /// Graph code 2044055: no dataset has this id (or the token cannot see it).
        public static let unknownDataset = Code(.unknownDataset)
        /// Graph codes 4, 17, 32, 341, 613 and 80000–80099: too many calls. Wait and retry.
        public static let throttled = Code(.throttled)
        /// Graph codes 1 and 2, `is_transient`, or an HTTP 5xx without a Graph error: retry.
        public static let transient = Code(.transient)
        /// Any other Graph error (for example 100 for a field Meta does not know).
        public static let invalidRequest = Code(.invalidRequest)
        /// The answer was not what the Dataset Quality API returns (not JSON, cut short).
        public static let malformedResponse = Code(.malformedResponse)
        /// No answer: the connection failed or timed out. Retry.
        public static let unreachable = Code(.unreachable)

        /// The code as a short string, usable as a metric label.
        public var description: String { base.rawValue }
    }

    /// The error code.
    public var code: Code
    /// What went wrong and how to fix it.
    public var message: String
    /// Meta's error object, when the answer carried one (with its `fbtrace_id`).
    public var graphError: GraphError?
    /// The HTTP status, when there was an answer.
    public var httpStatus: Int?
    /// When throttled: how long Meta asked to wait (`estimated_time_to_regain_access` in the
    /// `X-Business-Use-Case-Usage` header), if it said.
    public var regainAccessAfter: Duration?

    /// Creates an error.
    public init(code: Code, message: String, graphError: GraphError? = nil, httpStatus: Int? = nil) {
        self.code = code
        self.message = message
        self.graphError = graphError
        self.httpStatus = httpStatus
    }

    /// Whether the same request may succeed later (throttling, a transient failure, no answer).
    public var isRetryable: Bool { code == .throttled || code == .transient || code == .unreachable }

    /// The code, the message, and Meta's error with its trace id.
    public var description: String {
        var text = "DatasetQualityError.\(code): \(message)"
        if let graphError { text += " (\(graphError))" }
        return text
    }

    /// Classifies Meta's error object.
    public init(graphError: GraphError, httpStatus: Int) {
        let code: Code
        let advice: String
        switch graphError.code {
        case 190:
            (code, advice) = (.invalidToken, "the access token is expired or invalid; generate a new system-user token")
        case 10, 200...299:
            (code, advice) = (
                .permissionDenied,
                "the token may not read this dataset's quality; it needs ads_read and ads_management (or business_management) and access to the dataset"
            )
        case 2_044_055:
            (code, advice) = (.unknownDataset, "no dataset has this id, or the token cannot see it; check the pixel id")
        case 4, 17, 32, 341, 613, 80_000...80_099:
            (code, advice) = (.throttled, "Meta is limiting calls; wait and retry")
        case 1, 2:
            (code, advice) = (.transient, "a temporary Meta error; retry")
        default:
            if graphError.isTransient == true {
                (code, advice) = (.transient, "Meta marked the error transient; retry")
            } else {
                (code, advice) = (.invalidRequest, "Meta refused the request; check the fields expression and the Graph version")
            }
        }
        self.init(code: code, message: advice, graphError: graphError, httpStatus: httpStatus)
    }
}
