public import CAPIModel

/// One reason an event cannot be sent, with its position in the submitted batch.
public struct EventValidationIssue: Hashable, Sendable, CustomStringConvertible {
    /// A stable code for the rule that failed.
    public struct Rule: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let missingEventID = Rule(rawValue: "missing_event_id")
        public static let eventTooOld = Rule(rawValue: "event_too_old")
        public static let eventInFuture = Rule(rawValue: "event_in_future")
        public static let missingEventSourceURL = Rule(rawValue: "missing_event_source_url")
        public static let invalidEventSourceURL = Rule(rawValue: "invalid_event_source_url")
        public static let missingClientUserAgent = Rule(rawValue: "missing_client_user_agent")
        public static let emptyUserData = Rule(rawValue: "empty_user_data")
        public static let missingAppData = Rule(rawValue: "missing_app_data")
        /// `event_id` is longer than ``EventSizeLimits/eventIDBytes``.
        public static let eventIDTooLong = Rule(rawValue: "event_id_too_long")
        /// `event_id` or `event_name` contains a control character (U+0000–U+001F, U+007F).
        public static let controlCharacterInKey = Rule(rawValue: "control_character_in_key")
        /// `content_ids` or `contents` has more than ``EventSizeLimits/contentItems`` entries.
        public static let tooManyContentItems = Rule(rawValue: "too_many_content_items")
        /// A custom property nests deeper than ``EventSizeLimits/customDataDepth``.
        public static let customDataTooDeep = Rule(rawValue: "custom_data_too_deep")
        /// The encoded event is larger than ``EventSizeLimits/encodedEventBytes``.
        public static let eventTooLarge = Rule(rawValue: "event_too_large")
    }

    /// The event's index in the batch that was submitted.
    public var index: Int
    /// The event's `event_id`, when it had one (not personal data).
    public var eventID: String?
    public var rule: Rule
    /// What is wrong and how to fix it.
    public var message: String

    public init(index: Int, eventID: String?, rule: Rule, message: String) {
        self.index = index
        self.eventID = eventID
        self.rule = rule
        self.message = message
    }

    public var description: String {
        "event[\(index)]" + (eventID.map { " (event_id \($0))" } ?? "") + ": \(rule): \(message)"
    }
}

/// The checks made before an event is stored and again before a parked event is replayed.
///
/// They mirror what Meta refuses (reference §2): `event_id` (required here, since retries
/// rely on it for dedup), the `event_time` window, and the `action_source` rules.
public struct EventValidator: Sendable {
    public var ageLimits: EventAgeLimits
    /// Size bounds; the encoded size is checked by ``DeliveryQueue`` after encoding.
    public var sizeLimits: EventSizeLimits

    public init(ageLimits: EventAgeLimits = EventAgeLimits(), sizeLimits: EventSizeLimits = EventSizeLimits()) {
        self.ageLimits = ageLimits
        self.sizeLimits = sizeLimits
    }

    /// The problems of `event` at `now` (empty when it may be sent).
    public func issues(of event: ServerEvent, index: Int = 0, now: Timestamp) -> [EventValidationIssue] {
        var issues: [EventValidationIssue] = []
        func add(_ rule: EventValidationIssue.Rule, _ message: String) {
            issues.append(.init(index: index, eventID: event.eventID.map(Self.clipped), rule: rule, message: message))
        }
        if event.eventID?.isEmpty ?? true {
            add(.missingEventID, "set event_id (the id shared with the browser pixel) so retries cannot double count")
        } else if let id = event.eventID, id.utf8.count > sizeLimits.eventIDBytes {
            add(.eventIDTooLong, "event_id is \(id.utf8.count) bytes; the limit is \(sizeLimits.eventIDBytes)")
        }
        for (field, text) in [("event_id", event.eventID ?? ""), ("event_name", event.eventName.rawValue)]
        where text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            add(.controlCharacterInKey,
                "\(field) contains a control character (such as NUL); it is part of the deduplication key, which Meta "
                    + "compares with the browser pixel's, so it must be printable text")
        }
        if let custom = event.customData {
            let limit = sizeLimits.contentItems
            if let ids = custom.contentIDs, ids.count > limit {
                add(.tooManyContentItems, "custom_data.content_ids has \(ids.count) entries; the limit is \(limit)")
            }
            if let contents = custom.contents, contents.count > limit {
                add(.tooManyContentItems, "custom_data.contents has \(contents.count) entries; the limit is \(limit)")
            }
            for (name, value) in custom.customProperties
            where Self.nests(value, deeperThan: sizeLimits.customDataDepth) {
                // The property name is chosen by the developer, not customer data.
                add(.customDataTooDeep,
                    "custom_data.\(Self.clipped(name)) nests deeper than \(sizeLimits.customDataDepth) levels of arrays and objects")
            }
        }
        let planner = AttemptPlanner(ageLimits: ageLimits)
        if planner.isExpired(eventTime: event.eventTime, actionSource: event.actionSource, now: now) {
            let days = event.actionSource == .physicalStore ? 62 : 7
            add(.eventTooOld, "event_time is more than \(days) days old; Meta refuses such events")
        }
        if Timestamp(event.eventTime) > now + ageLimits.futureTolerance {
            add(.eventInFuture, "event_time is in the future; it must be Unix seconds (not milliseconds) of when the conversion happened")
        }
        let userData = event.userData
        let obviouslyNotEmpty = !userData.emails.isEmpty || !userData.phones.isEmpty || !userData.externalIDs.isEmpty
            || userData.clientIPAddress != nil || userData.clientUserAgent != nil || userData.fbp != nil || userData.fbc != nil
        if !obviouslyNotEmpty && userData.isEmpty {
            add(.emptyUserData, "user_data has no keys; Meta cannot match the event to anyone")
        }
        switch event.actionSource {
        case .website:
            if let url = event.eventSourceURL {
                if !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
                    add(.invalidEventSourceURL, "event_source_url must start with http:// or https://")
                }
            } else {
                add(.missingEventSourceURL, "website events need event_source_url (the page of the conversion)")
            }
            if event.userData.clientUserAgent?.isEmpty ?? true {
                add(.missingClientUserAgent, "website events need user_data.client_user_agent (the buyer's browser user agent)")
            }
        case .app:
            if event.appData == nil {
                add(.missingAppData, "app events need app_data (advertiser_tracking_enabled, application_tracking_enabled, extinfo)")
            }
        default:
            break
        }
        return issues
    }

    /// `text` when short, else its first 64 scalars and an ellipsis: what an error may quote
    /// of an id or a property name, so a hostile one cannot blow up error messages.
    static func clipped(_ text: String) -> String {
        guard text.utf8.count > 128 else { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.prefix(64))
        return String(scalars) + "…"
    }

    /// True when `value` nests arrays and objects more than `limit` levels deep. The
    /// recursion stops at `limit`, so it is bounded whatever the value.
    static func nests(_ value: JSONValue, deeperThan limit: Int) -> Bool {
        switch value {
        case .null, .bool, .number, .string:
            return false
        case .array(let items):
            return limit <= 0 || items.contains { nests($0, deeperThan: limit - 1) }
        case .object(let members):
            return limit <= 0 || members.values.contains { nests($0, deeperThan: limit - 1) }
        }
    }
}
