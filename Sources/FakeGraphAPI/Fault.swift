/// A failure the fake server can be told to produce for the next request(s).
public struct Fault: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case status(Int, body: String, headers: [String: String])
        case delay(Duration)
        case dropConnection
        /// Advertise the whole body in `Content-Length`, send the first half, close.
        case resetMidBody(status: Int, body: String)
        /// HTTP 200 with `events_received` that many fewer than the request carried.
        case acknowledgeFewer(by: Int)
        /// A Meta-shaped success body padded to about `bytes` bytes.
        case oversized(status: Int, bytes: Int, chunked: Bool)
        /// Code 100, subcode 33 naming the requested pixel.
        case objectNotAccessible
        /// The head at once, then the body one byte per `interval`.
        case trickle(status: Int, interval: Duration)
    }
    let kind: Kind

    /// HTTP `status` with a Graph error body (`code`, `is_transient`).
    public static func serverError(status: Int = 500, code: Int = 2, isTransient: Bool = true) -> Fault {
        Fault(
            kind: .status(
                status,
                body: GraphBodies.error(
                    message: "An unexpected error has occurred. Please retry your request later.", type: "OAuthException",
                    code: code, subcode: nil, isTransient: isTransient),
                headers: [:]))
    }

    /// A throttling answer: Graph `code` (4, 17, 32, 341, 368, 613, 80xxx) with HTTP `status`,
    /// and an `X-Business-Use-Case-Usage` header carrying `regainAccessMinutes` when given.
    public static func throttle(code: Int = 17, status: Int = 400, regainAccessMinutes: Int? = nil) -> Fault {
        var headers: [String: String] = [:]
        if let minutes = regainAccessMinutes {
            headers["X-Business-Use-Case-Usage"] =
                #"{"1234567890":[{"type":"ads_management","call_count":100,"total_cputime":25,"total_time":30,"estimated_time_to_regain_access":\#(minutes)}]}"#
        }
        return Fault(
            kind: .status(
                status,
                body: GraphBodies.error(
                    message: "(#\(code)) User request limit reached", type: "OAuthException", code: code, subcode: nil,
                    isTransient: true),
                headers: headers))
    }

    /// HTTP 429 with usage headers.
    public static func tooManyRequests(regainAccessMinutes: Int? = 1) -> Fault {
        throttle(code: 80_004, status: 429, regainAccessMinutes: regainAccessMinutes)
    }

    /// Code 190: the access token is invalid or expired.
    public static func invalidAccessToken(subcode: Int? = 463) -> Fault {
        Fault(
            kind: .status(
                400,
                body: GraphBodies.error(
                    message: "Error validating access token: Session has expired.", type: "OAuthException", code: 190,
                    subcode: subcode, isTransient: nil),
                headers: [:]))
    }

    /// Code 100 with subcode 33, as Graph answers for a pixel id that does not exist or that
    /// the token has no access to (its message names the requested pixel).
    public static let objectNotAccessible = Fault(kind: .objectNotAccessible)

    /// Code 3 (unsupported API method), as Graph answers a wrong API version or path.
    public static func unsupportedMethod(status: Int = 400) -> Fault {
        Fault(
            kind: .status(
                status,
                body: GraphBodies.error(
                    message: "(#3) Unknown method", type: "OAuthException", code: 3, subcode: nil, isTransient: nil),
                headers: [:]))
    }

    /// Code 100 for the whole request, whatever it carries: a request-level error with no
    /// per-event detail (no `error_user_title`, `error_user_msg` or `error_data`). Inject it
    /// for several requests to play a request the halves of a split cannot fix.
    public static func invalidParameter(subcode: Int? = nil) -> Fault {
        Fault(
            kind: .status(
                400,
                body: GraphBodies.error(
                    message: "Invalid parameter", type: "OAuthException", code: 100, subcode: subcode, isTransient: nil),
                headers: [:]))
    }

    /// Any status and raw body.
    public static func response(status: Int, body: String, headers: [String: String] = [:]) -> Fault {
        Fault(kind: .status(status, body: body, headers: headers))
    }

    /// A body that is not JSON, with HTTP `status` (200 by default, the nastiest case).
    public static func malformedBody(status: Int = 200) -> Fault {
        Fault(kind: .status(status, body: #"<html><body>Bad gateway</body"#, headers: ["Content-Type": "text/html"]))
    }

    /// A JSON body cut short, with a `Content-Length` that matches what is sent: the server
    /// says it is complete, but it does not parse.
    public static func truncatedBody(status: Int = 200) -> Fault {
        let full = GraphBodies.success(eventsReceived: 1)
        return Fault(kind: .status(status, body: String(full.prefix(full.count / 2)), headers: [:]))
    }

    /// The server announces a complete success body, sends half of it and closes the
    /// connection (a reset in the middle of the body).
    public static func resetMidBody(status: Int = 200) -> Fault {
        Fault(kind: .resetMidBody(status: status, body: GraphBodies.success(eventsReceived: 1)))
    }

    /// HTTP 200 with a well-formed success body whose `events_received` is `missing` fewer
    /// than the number of events in the request (never below 0).
    public static func partialAcknowledgement(missing: Int = 1) -> Fault {
        Fault(kind: .acknowledgeFewer(by: missing))
    }

    /// A well-formed, Meta-shaped success body (HTTP `status`) padded with `messages` to
    /// about `bytes` bytes: larger than any real Graph answer. With `chunked`, it is sent
    /// with `Transfer-Encoding: chunked` and no `Content-Length`, so the client learns its
    /// size only by reading it.
    public static func oversizedBody(status: Int = 200, bytes: Int = 4 << 20, chunked: Bool = false) -> Fault {
        Fault(kind: .oversized(status: status, bytes: bytes, chunked: chunked))
    }

    /// The response head at once, announcing a success body in `Content-Length`, then that
    /// body one byte every `interval` (a server that keeps a request open by trickling).
    public static func trickle(every interval: Duration, status: Int = 200) -> Fault {
        Fault(kind: .trickle(status: status, interval: interval))
    }

    /// Wait `duration` before handling the request normally (a slow response).
    public static func delay(_ duration: Duration) -> Fault { Fault(kind: .delay(duration)) }

    /// Close the connection without answering.
    public static let dropConnection = Fault(kind: .dropConnection)

    public var description: String {
        switch kind {
        case .status(let status, _, _): "status(\(status))"
        case .delay(let duration): "delay(\(duration))"
        case .dropConnection: "dropConnection"
        case .resetMidBody(let status, _): "resetMidBody(\(status))"
        case .acknowledgeFewer(let missing): "partialAcknowledgement(missing: \(missing))"
        case .oversized(let status, let bytes, let chunked):
            "oversizedBody(\(status), \(bytes) bytes\(chunked ? ", chunked" : ""))"
        case .objectNotAccessible: "objectNotAccessible"
        case .trickle(let status, let interval): "trickle(\(status), a byte every \(interval))"
        }
    }
}

enum GraphBodies {
    /// Graph's answer to a request for an object it cannot load with the token (code 100/33).
    static func objectNotAccessible(pixelID: String) -> String {
        error(
            message: "Unsupported post request. Object with ID '\(pixelID)' does not exist, cannot be loaded due to "
                + "missing permissions, or does not support this operation. Please read the Graph API documentation at "
                + "https://developers.facebook.com/docs/graph-api",
            type: "GraphMethodException", code: 100, subcode: 33, isTransient: nil)
    }

    static func error(
        message: String, type: String, code: Int, subcode: Int?, isTransient: Bool?, userMessage: String? = nil
    )
        -> String
    {
        var fields = #""message":\#(quote(message)),"type":\#(quote(type)),"code":\#(code)"#
        if let subcode { fields += #","error_subcode":\#(subcode)"# }
        if let isTransient { fields += #","is_transient":\#(isTransient)"# }
        if let userMessage { fields += #","error_user_title":"Invalid event","error_user_msg":\#(quote(userMessage))"# }
        fields += #","fbtrace_id":\#(quote(traceID()))"#
        return #"{"error":{\#(fields)}}"#
    }

    static func success(eventsReceived: Int) -> String {
        #"{"events_received":\#(eventsReceived),"messages":[],"fbtrace_id":\#(quote(traceID()))}"#
    }

    /// A success body padded with one long message to about `bytes` bytes.
    static func oversizedSuccess(eventsReceived: Int, bytes: Int) -> String {
        let head = #"{"events_received":\#(eventsReceived),"messages":[""#
        let tail = #""],"fbtrace_id":\#(quote(traceID()))}"#
        let padding = max(0, bytes - head.utf8.count - tail.utf8.count)
        return head + String(repeating: "x", count: padding) + tail
    }

    static func traceID() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<11).map { _ in alphabet.randomElement()! })
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20: out += "\\u00" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
