import CAPIModel
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The checks Meta makes on `POST /{version}/{pixel}/events` bodies, as far as they are
/// documented (reference §1, §2, §10). Any failing event rejects the whole request.
struct GraphValidation {
    static let hashedKeys: Set<String> = ["em", "ph", "fn", "ln", "ge", "db", "ct", "st", "zp", "country", "external_id"]
    static let actionSources: Set<String> = [
        "email", "website", "app", "phone_call", "chat", "physical_store", "system_generated", "business_messaging", "other",
    ]

    struct Failure: Error {
        var message: String
        var subcode: Int?
        var userMessage: String
    }

    var nowSeconds: Int64
    var maximumAge: Int64 = 7 * 86_400
    var physicalStoreMaximumAge: Int64 = 62 * 86_400
    var futureTolerance: Int64 = 600

    /// Parsed request body: the events and the optional test code.
    struct Body {
        var events: [[String: JSONValue]]
        var testEventCode: String?
    }

    func parse(_ bytes: [UInt8]) throws(Failure) -> Body {
        guard let value = try? CAPIJSON.decode(JSONValue.self, from: Data(bytes)), case .object(let top) = value else {
            throw Failure(message: "Invalid parameter", subcode: nil, userMessage: "The request body is not a JSON object.")
        }
        guard case .array(let data)? = top["data"] else {
            throw Failure(
                message: "(#100) The parameter data is required", subcode: nil,
                userMessage: "The request body has no data array.")
        }
        guard !data.isEmpty else {
            throw Failure(message: "(#100) The parameter data is required", subcode: nil, userMessage: "data is empty.")
        }
        guard data.count <= 1_000 else {
            throw Failure(
                message: "Invalid parameter", subcode: 2_804_021,
                userMessage: "A batch can carry at most 1000 events; this one has \(data.count).")
        }
        var events: [[String: JSONValue]] = []
        for (index, element) in data.enumerated() {
            guard case .object(let event) = element else {
                throw Failure(message: "Invalid parameter", subcode: nil, userMessage: "data[\(index)] is not an object.")
            }
            try validate(event, index: index)
            events.append(event)
        }
        var testEventCode: String?
        if case .string(let code)? = top["test_event_code"] { testEventCode = code }
        return Body(events: events, testEventCode: testEventCode)
    }

    func validate(_ event: [String: JSONValue], index: Int) throws(Failure) {
        func fail(_ text: String, subcode: Int? = 2_804_001) -> Failure {
            Failure(message: "Invalid parameter", subcode: subcode, userMessage: "data[\(index)]: \(text)")
        }
        guard case .string(let name)? = event["event_name"], !name.isEmpty else { throw fail("event_name is required.") }
        guard case .number(let time)? = event["event_time"], let seconds = Int64(exactly: NSDecimalNumberless(time)) else {
            throw fail("event_time must be an integer of Unix seconds.")
        }
        guard case .string(let source)? = event["action_source"], Self.actionSources.contains(source) else {
            throw fail("action_source is missing or not one of Meta's values.")
        }
        let limit = source == "physical_store" ? physicalStoreMaximumAge : maximumAge
        if seconds < nowSeconds - limit {
            throw fail("event_time is too far in the past (more than \(limit / 86_400) days).", subcode: 2_804_003)
        }
        if seconds > nowSeconds + futureTolerance {
            throw fail("event_time is in the future.", subcode: 2_804_004)
        }
        guard case .object(let userData)? = event["user_data"], !userData.isEmpty else {
            throw fail("user_data is required.", subcode: 2_804_050)
        }
        for (key, value) in userData where Self.hashedKeys.contains(key) {
            let values: [JSONValue]
            if case .array(let list) = value { values = list } else { values = [value] }
            for value in values {
                guard case .string(let text) = value, HashedIdentifier(hexString: text) != nil,
                    text.utf8.prefix(64).allSatisfy({ !(UInt8(ascii: "A")...UInt8(ascii: "F")).contains($0) })
                else {
                    throw fail("user_data.\(key) must be a SHA-256 hash (64 lowercase hex characters).", subcode: 2_804_007)
                }
            }
        }
        if source == "website" {
            guard case .string(let url)? = event["event_source_url"], url.hasPrefix("http://") || url.hasPrefix("https://")
            else { throw fail("website events need event_source_url starting with http:// or https://.") }
            guard case .string(let agent)? = userData["client_user_agent"], !agent.isEmpty else {
                throw fail("website events need user_data.client_user_agent.")
            }
        }
    }

    /// The `event_id` of an event, when it has one.
    static func eventID(_ event: [String: JSONValue]) -> String? {
        if case .string(let id)? = event["event_id"] { return id }
        return nil
    }
}

/// `Int64(exactly:)` for a `Decimal` without NSDecimalNumber (absent from FoundationEssentials).
private func NSDecimalNumberless(_ value: Decimal) -> Double {
    // Event times are integers well inside Double's exact range (< 2^53).
    Double(value.description) ?? .nan
}
