/// One HTTP request to the console, independent of the server that received it.
///
/// ``ConsoleServer`` and the Hummingbird and Vapor adapters build one from their own request
/// type; tests build them directly.
///
/// ```swift
/// let request = ConsoleRequest(method: "GET", target: "/events?state=parked")
/// let response = await console.respond(to: request)
/// ```
public struct ConsoleRequest: Sendable {
    /// The method in upper case (`GET`, `POST`).
    public var method: String
    /// The path without the query, percent-decoded (`/events/12`), including any mount prefix.
    public var path: String
    /// The query's fields in order, percent-decoded.
    public var query: [(name: String, value: String)]
    /// The header fields; names compare case-insensitively.
    public var headers: [(name: String, value: String)]
    /// The body as received (a form posts `application/x-www-form-urlencoded`).
    public var body: [UInt8]

    /// Creates a request from its parts.
    ///
    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - target: the request target as sent: the path and, after `?`, the query.
    ///   - headers: the header fields, in order.
    ///   - body: the body bytes.
    public init(method: String, target: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method.uppercased()
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.path = FormEncoding.percentDecode(String(parts.first ?? ""), plusIsSpace: false)
        self.query = parts.count > 1 ? FormEncoding.decode(String(parts[1])) : []
        self.headers = headers
        self.body = body
    }

    /// The first value of the header `name` (case-insensitive), if any.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The first query value named `name`, if any.
    func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// The body's form fields, when it is `application/x-www-form-urlencoded`.
    var formFields: [(name: String, value: String)] {
        guard header("Content-Type")?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else { return [] }
        return FormEncoding.decode(String(decoding: body, as: UTF8.self))
    }

    /// The first form field named `name`, if any.
    func formValue(_ name: String) -> String? {
        formFields.first { $0.name == name }?.value
    }

    /// The value of the cookie `name`, if the request carries it.
    func cookie(_ name: String) -> String? {
        for header in headers where header.name.lowercased() == "cookie" {
            for pair in header.value.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                if parts[0].trimmingSpaces == name { return String(parts[1].trimmingSpaces) }
            }
        }
        return nil
    }
}

/// What the console answers.
public struct ConsoleResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The header fields, in order; every response carries the security headers.
    public var headers: [(name: String, value: String)]
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a response.
    ///
    /// - Parameters:
    ///   - status: the HTTP status code.
    ///   - headers: the header fields.
    ///   - body: the body bytes.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of the header `name` (case-insensitive), if any.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    static func html(_ status: Int, _ page: String) -> ConsoleResponse {
        ConsoleResponse(status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(page.utf8))
    }

    static func redirect(to location: String) -> ConsoleResponse {
        ConsoleResponse(status: 303, headers: [("Location", location), ("Content-Type", "text/plain; charset=utf-8")], body: [])
    }
}

/// `application/x-www-form-urlencoded` and percent-encoding.
enum FormEncoding {
    /// The fields of `text` (`a=1&b=two+words`), percent-decoded, `+` read as a space.
    static func decode(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&").map { pair -> (name: String, value: String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecode(String(parts[0]), plusIsSpace: true)
            let value = parts.count > 1 ? percentDecode(String(parts[1]), plusIsSpace: true) : ""
            return (name, value)
        }
    }

    /// `text` with `%XX` sequences decoded; malformed sequences stay as they are.
    static func percentDecode(_ text: String, plusIsSpace: Bool) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), index + 2 < utf8.count, let high = hexValue(utf8[index + 1]),
                let low = hexValue(utf8[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `text` percent-encoded for a query value or a path segment: only unreserved ASCII stays.
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789ABCDEF")
                out += "%" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
            }
        }
        return out
    }

    /// A query string of the fields whose value is not empty: `?a=1&b=2`, or `""`.
    static func query(_ fields: [(String, String?)]) -> String {
        let present = fields.compactMap { name, value in value.flatMap { $0.isEmpty ? nil : "\(name)=\(encode($0))" } }
        return present.isEmpty ? "" : "?" + present.joined(separator: "&")
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
