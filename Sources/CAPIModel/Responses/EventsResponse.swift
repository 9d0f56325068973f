/// Meta's answer to a successful `POST /{pixel_id}/events` (HTTP 200).
///
/// A 200 confirms receipt, not that every field was used: Meta gives no per-event verdict.
public struct EventsResponse: Hashable, Sendable {
    /// `events_received`: how many events Meta accepted (0 when the key is missing).
    public var eventsReceived: Int
    /// `messages`: free-form notes from Meta.
    public var messages: [String]
    /// `fbtrace_id`: Meta's trace id for this request, for support tickets.
    public var fbtraceID: String?

    public init(eventsReceived: Int, messages: [String] = [], fbtraceID: String? = nil) {
        self.eventsReceived = eventsReceived
        self.messages = messages
        self.fbtraceID = fbtraceID
    }

    enum CodingKeys: String, CodingKey {
        case eventsReceived = "events_received"
        case messages
        case fbtraceID = "fbtrace_id"
    }
}

extension EventsResponse: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        eventsReceived = try c.decodeIfPresent(Int.self, forKey: .eventsReceived) ?? 0
        // Messages are strings in every observed response; keep anything else as its JSON text.
        let raw = try c.decodeIfPresent([JSONValue].self, forKey: .messages) ?? []
        messages = raw.map { value in
            if case .string(let text) = value { return text }
            return CAPIJSON.compactText(of: value)
        }
        fbtraceID = try c.decodeIfPresent(String.self, forKey: .fbtraceID)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(eventsReceived, forKey: .eventsReceived)
        try c.encode(messages, forKey: .messages)
        try c.encodeIfPresent(fbtraceID, forKey: .fbtraceID)
    }
}

/// The Graph API error object, `{"error": {...}}` in an error response.
public struct GraphError: Error, Hashable, Sendable {
    /// `message`: Meta's description of the error.
    public var message: String
    /// `type`: the error type, such as `OAuthException`.
    public var type: String?
    /// `code`: the Graph error code (for example 100, 190, 4, 17, 613).
    public var code: Int
    /// `error_subcode`: a more specific code, when Meta gives one.
    public var errorSubcode: Int?
    /// `error_user_title`: a localized title meant for people.
    public var errorUserTitle: String?
    /// `error_user_msg`: a localized message meant for people.
    public var errorUserMessage: String?
    /// `fbtrace_id`: Meta's trace id, for support tickets.
    public var fbtraceID: String?
    /// `is_transient`: Meta's hint that retrying may succeed.
    public var isTransient: Bool?
    /// `error_data`: any extra data Meta attached.
    public var errorData: JSONValue?

    public init(
        message: String, type: String? = nil, code: Int, errorSubcode: Int? = nil, errorUserTitle: String? = nil,
        errorUserMessage: String? = nil, fbtraceID: String? = nil, isTransient: Bool? = nil, errorData: JSONValue? = nil
    ) {
        self.message = message
        self.type = type
        self.code = code
        self.errorSubcode = errorSubcode
        self.errorUserTitle = errorUserTitle
        self.errorUserMessage = errorUserMessage
        self.fbtraceID = fbtraceID
        self.isTransient = isTransient
        self.errorData = errorData
    }

    enum CodingKeys: String, CodingKey {
        case message, type, code
        case errorSubcode = "error_subcode"
        case errorUserTitle = "error_user_title"
        case errorUserMessage = "error_user_msg"
        case fbtraceID = "fbtrace_id"
        case isTransient = "is_transient"
        case errorData = "error_data"
    }
}

extension GraphError: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        message = try c.decodeIfPresent(String.self, forKey: .message) ?? ""
        type = try c.decodeIfPresent(String.self, forKey: .type)
        code = try c.decodeIfPresent(Int.self, forKey: .code) ?? 0
        errorSubcode = try c.decodeIfPresent(Int.self, forKey: .errorSubcode)
        errorUserTitle = try c.decodeIfPresent(String.self, forKey: .errorUserTitle)
        errorUserMessage = try c.decodeIfPresent(String.self, forKey: .errorUserMessage)
        fbtraceID = try c.decodeIfPresent(String.self, forKey: .fbtraceID)
        isTransient = try c.decodeFlexibleBool(.isTransient)
        errorData = try c.decodeIfPresent(JSONValue.self, forKey: .errorData)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(message, forKey: .message)
        try c.encodeIfPresent(type, forKey: .type)
        try c.encode(code, forKey: .code)
        try c.encodeIfPresent(errorSubcode, forKey: .errorSubcode)
        try c.encodeIfPresent(errorUserTitle, forKey: .errorUserTitle)
        try c.encodeIfPresent(errorUserMessage, forKey: .errorUserMessage)
        try c.encodeIfPresent(fbtraceID, forKey: .fbtraceID)
        try c.encodeIfPresent(isTransient, forKey: .isTransient)
        try c.encodeIfPresent(errorData, forKey: .errorData)
    }
}

extension GraphError: CustomStringConvertible {
    /// Code, subcode, type, trace id and Meta's message. RoasProof only ever sends hashes,
    /// so Meta's message cannot echo raw customer data back into logs.
    public var description: String {
        var text = "Graph API error \(code)"
        if let errorSubcode { text += "/\(errorSubcode)" }
        if let type { text += " (\(type))" }
        text += ": \(message)"
        if let fbtraceID { text += " [fbtrace_id \(fbtraceID)]" }
        return text
    }
}

/// The envelope of a Graph API error response: `{"error": {...}}`.
public struct GraphErrorResponse: Hashable, Sendable, Codable {
    public var error: GraphError
    public init(error: GraphError) { self.error = error }
}
