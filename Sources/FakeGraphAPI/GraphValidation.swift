import CAPIModel
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The checks Meta makes on `POST /{version}/{pixel}/events` bodies, as far as they are
/// documented on Meta's Conversions API parameters pages
/// (https://developers.facebook.com/docs/marketing-api/conversions-api/parameters): required
/// fields, hashed customer information, `event_time` no older than 7 days (62 for
/// `physical_store`), at most 1,000 events. Any failing event rejects the whole request.
struct GraphValidation {
    /// The `user_data` keys whose values must be SHA-256 hashes: the eleven of the customer
    /// information parameters page and the six Meta's Business SDKs derive from the name and
    /// date of birth (`f5first`, `f5last`, `fi`, `dobd`, `dobm`, `doby`).
    static let hashedKeys: Set<String> = [
        "em", "ph", "fn", "ln", "ge", "db", "ct", "st", "zp", "country", "external_id",
        "f5first", "f5last", "fi", "dobd", "dobm", "doby",
    ]
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
        var events: [WireEvent]
        var testEventCode: String?
    }

    /// The fields Meta's checks look at. Decoding into this typed shape (instead of a generic
    /// JSON tree) skips `custom_data` and keeps the fake server fast enough for benchmarks.
    struct WireEvent: Decodable {
        var eventName: String?
        var eventTime: Int64?
        var eventTimeIsInteger = true
        var actionSource: String?
        var eventSourceURL: String?
        var eventID: String?
        var userData: [String: WireValue]?

        enum CodingKeys: String, CodingKey {
            case eventName = "event_name", eventTime = "event_time", actionSource = "action_source"
            case eventSourceURL = "event_source_url", eventID = "event_id", userData = "user_data"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            eventName = try? c.decodeIfPresent(String.self, forKey: .eventName)
            if c.contains(.eventTime) {
                eventTime = try? c.decode(Int64.self, forKey: .eventTime)
                eventTimeIsInteger = eventTime != nil
            }
            actionSource = try? c.decodeIfPresent(String.self, forKey: .actionSource)
            eventSourceURL = try? c.decodeIfPresent(String.self, forKey: .eventSourceURL)
            eventID = try? c.decodeIfPresent(String.self, forKey: .eventID)
            userData = try? c.decodeIfPresent([String: WireValue].self, forKey: .userData)
        }
    }

    /// A `user_data` value: a string, a list of strings, or something else.
    enum WireValue: Decodable {
        case string(String)
        case strings([String])
        case other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .string(text)
            } else if let list = try? container.decode([String].self) {
                self = .strings(list)
            } else {
                self = .other
            }
        }
    }

    private struct WireBody: Decodable {
        var data: [WireEvent]?
        var testEventCode: String?
        enum CodingKeys: String, CodingKey {
            case data
            case testEventCode = "test_event_code"
        }
    }

    func parse(_ bytes: [UInt8]) throws(Failure) -> Body {
        let body: WireBody
        do {
            body = try CAPIJSON.decode(WireBody.self, from: Data(bytes))
        } catch {
            throw Failure(
                message: "Invalid parameter", subcode: nil,
                userMessage: "The request body is not a JSON object with a data array of event objects.")
        }
        guard let data = body.data, !data.isEmpty else {
            throw Failure(
                message: "(#100) The parameter data is required", subcode: nil,
                userMessage: "The request body has no data array, or it is empty.")
        }
        guard data.count <= 1_000 else {
            throw Failure(
                message: "Invalid parameter", subcode: 2_804_021,
                userMessage: "A batch can carry at most 1000 events; this one has \(data.count).")
        }
        for (index, event) in data.enumerated() { try validate(event, index: index) }
        return Body(events: data, testEventCode: body.testEventCode)
    }

    func validate(_ event: WireEvent, index: Int) throws(Failure) {
        func fail(_ text: String, subcode: Int? = 2_804_001) -> Failure {
            Failure(message: "Invalid parameter", subcode: subcode, userMessage: "data[\(index)]: \(text)")
        }
        guard let name = event.eventName, !name.isEmpty else { throw fail("event_name is required.") }
        guard event.eventTimeIsInteger, let seconds = event.eventTime else {
            throw fail("event_time must be an integer of Unix seconds.")
        }
        guard let source = event.actionSource, Self.actionSources.contains(source) else {
            throw fail("action_source is missing or not one of Meta's values.")
        }
        let limit = source == "physical_store" ? physicalStoreMaximumAge : maximumAge
        if seconds < nowSeconds - limit {
            throw fail("event_time is too far in the past (more than \(limit / 86_400) days).", subcode: 2_804_003)
        }
        if seconds > nowSeconds + futureTolerance {
            throw fail("event_time is in the future.", subcode: 2_804_004)
        }
        guard let userData = event.userData, !userData.isEmpty else {
            throw fail("user_data is required.", subcode: 2_804_050)
        }
        for (key, value) in userData where Self.hashedKeys.contains(key) {
            let values: [String]
            switch value {
            case .string(let text): values = [text]
            case .strings(let list): values = list
            case .other: values = [""]
            }
            for text in values {
                guard HashedIdentifier(hexString: text) != nil,
                    text.utf8.prefix(64).allSatisfy({ !(UInt8(ascii: "A")...UInt8(ascii: "F")).contains($0) })
                else {
                    throw fail("user_data.\(key) must be a SHA-256 hash (64 lowercase hex characters).", subcode: 2_804_007)
                }
            }
        }
        if source == "website" {
            guard let url = event.eventSourceURL, url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw fail("website events need event_source_url starting with http:// or https://.")
            }
            guard case .string(let agent)? = userData["client_user_agent"], !agent.isEmpty else {
                throw fail("website events need user_data.client_user_agent.")
            }
        }
    }
}
