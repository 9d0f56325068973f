public import CAPIModel

#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// The browser half of a deduplicated conversion: the Meta pixel call carrying the same
/// event name and event id as the server event.
///
/// ```swift
/// let handoff = try PixelHandoff(eventName: .purchase, eventID: EventID.forOrder("84213"),
///                                customData: CustomData(value: 184.5, currency: "EUR"))
/// handoff.scriptSnippet
/// // fbq('track', 'Purchase', {"currency":"EUR","value":184.5}, {eventID: 'ord_84213'});
/// handoff.json
/// // {"event_id":"ord_84213","event_name":"Purchase","method":"track","parameters":{…}}
/// ```
///
/// Both forms are safe to place inside an HTML `<script>` element: every string is escaped
/// so that no `</script>`, `<!--`, quote, backslash, line terminator (including U+2028 and
/// U+2029) or `&` survives literally, whatever the order contains.
public struct PixelHandoff: Hashable, Sendable {
    /// The event name, exactly as the server event sends it.
    public let eventName: EventName
    /// The shared event id.
    public let eventID: EventID
    /// The pixel parameters: the event's `custom_data` as a JSON object.
    public let parameters: JSONValue

    /// Creates a hand-off from the server event's name, id and custom data.
    ///
    /// - Throws: an encoding error if `customData` cannot be written as JSON.
    public init(eventName: EventName, eventID: EventID, customData: CustomData?) throws {
        self.eventName = eventName
        self.eventID = eventID
        if let customData {
            self.parameters = try customData.jsonObject()
        } else {
            self.parameters = .object([:])
        }
    }

    /// Creates a hand-off for a server event that has an `event_id`. Returns `nil` when it has none.
    public init?(event: ServerEvent) throws {
        guard let id = event.eventID, let eventID = try? EventID.fromWire(id) else { return nil }
        try self.init(eventName: event.eventName, eventID: eventID, customData: event.customData)
    }

    /// `track` for Meta's standard events, `trackCustom` for custom names.
    public var method: String { eventName.isStandard ? "track" : "trackCustom" }

    /// The pixel call, one JavaScript statement safe inside `<script>`:
    /// `fbq('track', 'Purchase', {…}, {eventID: '…'});`
    public var scriptSnippet: String {
        "fbq(" + ScriptEscaping.singleQuoted(method) + ", " + ScriptEscaping.singleQuoted(eventName.rawValue) + ", "
            + ScriptEscaping.json(parameters) + ", {eventID: " + ScriptEscaping.singleQuoted(eventID.rawValue) + "});"
    }

    /// The same call as a JSON object for front-end frameworks, with the same escaping:
    /// `{"event_id":"…","event_name":"…","method":"track","parameters":{…}}`.
    /// Call `fbq(method, event_name, parameters, {eventID: event_id})` with it.
    public var json: String {
        ScriptEscaping.json(
            .object([
                "event_id": .string(eventID.rawValue), "event_name": .string(eventName.rawValue),
                "method": .string(method), "parameters": parameters,
            ]))
    }
}

extension EventID {
    /// Accepts an id received from elsewhere (a stored event), with the decoding checks.
    static func fromWire(_ text: String) throws -> EventID {
        try CAPIJSON.decode(EventID.self, from: CAPIJSON.encode(text))
    }
}
