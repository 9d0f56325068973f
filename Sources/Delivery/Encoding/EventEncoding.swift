public import CAPIModel
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Encodes one `ServerEvent` as the JSON of a `data` element.
///
/// The engine stores events already encoded and builds request bodies by concatenation, so
/// an event is encoded once, at enqueue time.
public protocol ServerEventEncoder: Sendable {
    func encode(_ event: ServerEvent) throws -> String
}

/// Encodes with Foundation's `JSONEncoder`, configured by `CAPIJSON` (sorted keys).
public struct FoundationServerEventEncoder: ServerEventEncoder {
    public init() {}

    public func encode(_ event: ServerEvent) throws -> String {
        String(decoding: try CAPIJSON.makeEncoder().encode(event), as: UTF8.self)
    }
}

/// Builds request bodies from stored event JSON.
public enum RequestBody {
    /// `{"data":[e1,e2,…]}` plus `test_event_code` and `partner_agent` when configured.
    public static func make(events: some Collection<LeasedEvent>, destination: PixelDestination) -> String {
        var body = ""
        body.reserveCapacity(events.reduce(64) { $0 + $1.json.utf8.count + 1 })
        body += #"{"data":["#
        var first = true
        for event in events {
            if !first { body += "," }
            first = false
            body += event.json
        }
        body += "]"
        if let code = destination.testEventCode {
            body += #","test_event_code":"# + jsonString(code)
        }
        if let agent = destination.partnerAgent {
            body += #","partner_agent":"# + jsonString(agent)
        }
        body += "}"
        return body
    }

    /// A JSON string literal for `text`.
    static func jsonString(_ text: String) -> String { JSONString.quoted(text) }
}
