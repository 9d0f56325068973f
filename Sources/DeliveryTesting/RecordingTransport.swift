public import Delivery
import Synchronization

/// A `Transport` that answers from a script and records every request, for tests.
///
/// Without a script entry it answers 200 with a Meta-shaped success body counting the events.
/// The access token is recorded only as a redacted description.
public final class RecordingTransport: Transport, Sendable {
    /// One scripted answer.
    public enum Reply: Sendable {
        /// Answer with this response.
        case response(TransportResponse)
        /// Throw this error (as a network failure would).
        case failure(any Error & Sendable)
        /// Decide from the request (for example, reject when a certain event_id is present).
        case dynamic(@Sendable (TransportRequest) throws -> TransportResponse)
    }

    /// A request as sent.
    public struct SentRequest: Sendable {
        public var pixelID: PixelID
        public var body: String
        public var appSecretProof: String?
        public var graphVersion: String
        /// The number of `event_id`s in the body.
        public var eventIDs: [String]
    }

    private struct State {
        var script: [Reply] = []
        var fallback: Reply?
        var sent: [SentRequest] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Appends answers used one per request, in order.
    public func enqueue(_ replies: Reply...) { state.withLock { $0.script += replies } }

    /// The answer used when the script is empty (default: success).
    public func setFallback(_ reply: Reply?) { state.withLock { $0.fallback = reply } }

    /// Every request sent so far.
    public var sent: [SentRequest] { state.withLock { $0.sent } }

    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        let ids = Self.eventIDs(in: request.body)
        let reply = state.withLock { state -> Reply? in
            state.sent.append(
                SentRequest(
                    pixelID: request.destination.pixelID, body: request.body, appSecretProof: request.appSecretProof,
                    graphVersion: request.destination.graphVersion, eventIDs: ids))
            return state.script.isEmpty ? state.fallback : state.script.removeFirst()
        }
        switch reply {
        case .response(let response)?: return response
        case .failure(let error)?: throw error
        case .dynamic(let decide)?: return try decide(request)
        case nil: return Self.success(eventCount: ids.count)
        }
    }

    /// A Meta-shaped success response.
    public static func success(eventCount: Int, fbtraceID: String = "AbCdEfTrace") -> TransportResponse {
        TransportResponse(
            status: 200, headers: [("Content-Type", "application/json")],
            body: #"{"events_received":\#(eventCount),"messages":[],"fbtrace_id":"\#(fbtraceID)"}"#)
    }

    /// A Meta-shaped error response. `userMessage` adds `error_user_title` and `error_user_msg`,
    /// the per-event detail Meta gives when it refuses an event.
    public static func graphError(
        status: Int = 400, code: Int, subcode: Int? = nil, message: String = "error", isTransient: Bool? = nil,
        type: String = "OAuthException", userMessage: String? = nil, headers: [(name: String, value: String)] = []
    ) -> TransportResponse {
        var fields = #""message":"\#(message)","type":"\#(type)","code":\#(code),"fbtrace_id":"ErrTrace""#
        if let subcode { fields += #","error_subcode":\#(subcode)"# }
        if let isTransient { fields += #","is_transient":\#(isTransient)"# }
        if let userMessage { fields += #","error_user_title":"Invalid event","error_user_msg":"\#(userMessage)""# }
        return TransportResponse(
            status: status, headers: [("Content-Type", "application/json")] + headers, body: "{\"error\":{\(fields)}}")
    }

    /// The `event_id` values in a request body, in order (a light scan, no full decode).
    public static func eventIDs(in body: String) -> [String] {
        let bytes = Array(body.utf8)
        let marker = Array(#""event_id":""#.utf8)
        var ids: [String] = []
        var index = 0
        while index + marker.count <= bytes.count {
            if bytes[index] == marker[0], Array(bytes[index..<(index + marker.count)]) == marker {
                var end = index + marker.count
                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += 1 }
                ids.append(String(decoding: bytes[(index + marker.count)..<end], as: UTF8.self))
                index = end
            } else {
                index += 1
            }
        }
        return ids
    }
}
