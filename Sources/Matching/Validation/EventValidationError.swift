/// One problem that keeps a server event from being accepted for delivery.
///
/// It names the field (as a JSON path such as `user_data.client_user_agent`), a stable
/// code, what is wrong and how to fix it, and, where Meta has one, the Graph API error
/// subcode Meta would answer with. It never contains customer data.
public struct EventValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong. Compare with the static members; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A stable snake_case identifier, usable as a metric label.
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// `event_name` is empty.
        public static let missingEventName = Code("missing_event_name")
        /// `event_id` is missing where it is required (see ``EventValidator/requiresEventID``).
        public static let missingEventID = Code("missing_event_id")
        /// A stored event could not be read back (reported when replaying parked events).
        public static let unreadableEvent = Code("unreadable_event")
        /// A string or list is longer than RoasProof's sanity limit.
        public static let tooLong = Code("too_long")
        /// A custom property of `custom_data` nests arrays and objects deeper than the limit.
        public static let tooDeeplyNested = Code("too_deeply_nested")
        /// `event_id` or `event_name` has a control character (U+0000–U+001F, U+007F). Both are
        /// the deduplication key Meta compares with the browser pixel's, so they must be printable.
        public static let controlCharacter = Code("control_character")
        /// The encoded event is larger than the delivery queue accepts
        /// (`DeliveryQueue.Configuration.maximumEncodedEventBytes`).
        public static let eventTooLarge = Code("event_too_large")
        /// `event_time` is older than Meta accepts (7 days; 62 for `physical_store`).
        public static let eventTooOld = Code("event_too_old")
        /// `event_time` is further in the future than the allowed clock skew.
        public static let eventInFuture = Code("event_in_future")
        /// A `website` event without `event_source_url`.
        public static let missingEventSourceURL = Code("missing_event_source_url")
        /// `event_source_url` is not an `http://` or `https://` URL with a host.
        public static let invalidEventSourceURL = Code("invalid_event_source_url")
        /// A `website` event without `user_data.client_user_agent`.
        public static let missingUserAgent = Code("missing_client_user_agent")
        /// An `app` event without `app_data`, or `app_data` without a required field.
        public static let missingAppData = Code("missing_app_data")
        /// `app_data.extinfo` is not 16 slots with a version (`i2`/`a2`) and an OS version.
        public static let invalidExtInfo = Code("invalid_extinfo")
        /// A `Purchase` without `custom_data.value`.
        public static let missingValue = Code("missing_value")
        /// `custom_data.value` is negative or not a finite number.
        public static let invalidValue = Code("invalid_value")
        /// A `Purchase` without `custom_data.currency`.
        public static let missingCurrency = Code("missing_currency")
        /// `custom_data.currency` is not an ISO 4217 code.
        public static let invalidCurrency = Code("invalid_currency")
        /// `user_data` carries no key at all.
        public static let missingCustomerInformation = Code("missing_customer_information")
        /// `user_data.fbc` or `user_data.fbp` is malformed.
        public static let invalidCookie = Code("invalid_click_id")
        /// `user_data.client_ip_address` is not an IP address.
        public static let invalidIPAddress = Code("invalid_client_ip_address")
        /// `data_processing_options` is not `[]` or `["LDU"]`, or LDU lacks its country and state.
        public static let invalidDataProcessingOptions = Code("invalid_data_processing_options")

        public var description: String { rawValue }
    }

    /// The field, as a JSON path in the event (`custom_data.currency`).
    public let field: String
    /// What is wrong.
    public let code: Code
    /// What is wrong and how to fix it.
    public let message: String
    /// The Graph API `error_subcode` Meta answers this problem with, where one is known.
    public let graphSubcode: Int?

    /// Creates an error. `message` must not contain customer data.
    public init(field: String, code: Code, message: String, graphSubcode: Int? = nil) {
        self.field = field
        self.code = code
        self.message = message
        self.graphSubcode = graphSubcode
    }

    public var description: String {
        var text = "\(field): \(code.rawValue): \(message)"
        if let graphSubcode { text += " (Graph subcode \(graphSubcode))" }
        return text
    }
}

/// Every problem found in one event, reported together.
public struct EventValidationFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// The problems, in field order; never empty.
    public let problems: [EventValidationError]

    /// Creates a failure.
    public init(problems: [EventValidationError]) { self.problems = problems }

    /// The problems with `code`.
    public func problems(with code: EventValidationError.Code) -> [EventValidationError] {
        problems.filter { $0.code == code }
    }

    public var description: String {
        "event rejected with \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n"
            + problems.map { "- \($0)" }.joined(separator: "\n")
    }
}
