/// The receipt of one HTTP request to the Graph API.
///
/// It keeps the exact body sent (hashed identifiers only; the access token and
/// `appsecret_proof` travel in the URL and are never part of it) and Meta's answer.
public struct AttemptReceipt: Hashable, Sendable, Codable {
    public var pixelID: PixelID
    /// When the request started.
    public var startedAt: Timestamp
    /// How long the request took, in milliseconds.
    public var durationMilliseconds: Int64
    /// The request body, exactly as sent.
    public var requestBody: String
    /// How many events the body carried.
    public var eventCount: Int
    /// The HTTP status; `nil` when no response arrived (network error or timeout).
    public var httpStatus: Int?
    /// The response body as received (decoded as UTF-8), when there was one.
    public var responseBody: String?
    /// `fbtrace_id` from the success body or the error object.
    public var fbtraceID: String?
    /// `events_received` from a success body.
    public var eventsReceived: Int?
    /// `messages` from a success body.
    public var messages: [String]
    /// The Graph error `code`.
    public var errorCode: Int?
    /// The Graph error `error_subcode`.
    public var errorSubcode: Int?
    /// Meta's error message, or a description of the network error.
    public var errorMessage: String?
    /// How the engine classified the answer.
    public var outcome: AttemptOutcome

    public init(
        pixelID: PixelID, startedAt: Timestamp, durationMilliseconds: Int64, requestBody: String, eventCount: Int,
        httpStatus: Int? = nil, responseBody: String? = nil, fbtraceID: String? = nil, eventsReceived: Int? = nil,
        messages: [String] = [], errorCode: Int? = nil, errorSubcode: Int? = nil, errorMessage: String? = nil,
        outcome: AttemptOutcome
    ) {
        self.pixelID = pixelID
        self.startedAt = startedAt
        self.durationMilliseconds = durationMilliseconds
        self.requestBody = requestBody
        self.eventCount = eventCount
        self.httpStatus = httpStatus
        self.responseBody = responseBody
        self.fbtraceID = fbtraceID
        self.eventsReceived = eventsReceived
        self.messages = messages
        self.errorCode = errorCode
        self.errorSubcode = errorSubcode
        self.errorMessage = errorMessage
        self.outcome = outcome
    }
}

/// A receipt as stored, with the id the store gave it.
public struct RecordedAttempt: Hashable, Sendable {
    public var id: AttemptID
    public var receipt: AttemptReceipt

    public init(id: AttemptID, receipt: AttemptReceipt) {
        self.id = id
        self.receipt = receipt
    }
}

/// How an attempt was classified. A low-cardinality code, also used as a
/// metric dimension.
public struct AttemptOutcome: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// HTTP 200 with a Graph success body.
    public static let delivered = AttemptOutcome(rawValue: "delivered")
    /// Network error, timeout, HTTP 5xx, codes 1/2, `is_transient`, or an unreadable answer.
    public static let transient = AttemptOutcome(rawValue: "transient")
    /// Codes 4, 17, 32, 341, 368, 613, 80xxx or HTTP 429: the pixel pauses.
    public static let throttled = AttemptOutcome(rawValue: "throttled")
    /// Code 190 (or 102, 10, 200-299): the pixel waits for new credentials.
    public static let credentialsRejected = AttemptOutcome(rawValue: "credentials_rejected")
    /// Code 100 with subcode 33, or code 3: the destination (pixel id, the token's access to
    /// it, the Graph API version or path) is wrong; the pixel is suspended, events stay queued.
    public static let destinationRejected = AttemptOutcome(rawValue: "destination_rejected")
    /// Code 100: the batch is bisected; a single event is parked.
    public static let invalidParameter = AttemptOutcome(rawValue: "invalid_parameter")
    /// Any other Graph error: retried against the budget.
    public static let unexpected = AttemptOutcome(rawValue: "unexpected")
    /// HTTP 200 whose `events_received` is below the number of events sent: not proof that
    /// any given event arrived. The batch is bisected; a single event is retried.
    public static let unacknowledged = AttemptOutcome(rawValue: "unacknowledged")
}
