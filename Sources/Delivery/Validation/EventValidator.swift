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

    public init(ageLimits: EventAgeLimits = EventAgeLimits()) {
        self.ageLimits = ageLimits
    }

    /// The problems of `event` at `now` (empty when it may be sent).
    public func issues(of event: ServerEvent, index: Int = 0, now: Timestamp) -> [EventValidationIssue] {
        var issues: [EventValidationIssue] = []
        func add(_ rule: EventValidationIssue.Rule, _ message: String) {
            issues.append(.init(index: index, eventID: event.eventID, rule: rule, message: message))
        }
        if event.eventID?.isEmpty ?? true {
            add(.missingEventID, "set event_id (the id shared with the browser pixel) so retries cannot double count")
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
}
