/// One server event, an element of the request's `data` array.
public struct ServerEvent: Hashable, Sendable {
    /// `event_name`: a standard or custom event name; with ``eventID`` it is the dedup key.
    public var eventName: EventName
    /// `event_time`: when the conversion happened.
    ///
    /// Meta reads `event_time` as whole Unix seconds, so the event keeps whole seconds only:
    /// a time set with milliseconds is rounded down to its second (``Timestamp/wholeSeconds``),
    /// and an event decoded from its JSON equals the event that was encoded.
    public var eventTime: Timestamp {
        didSet { eventTime = eventTime.wholeSeconds }
    }
    /// `user_data`: the customer information Meta matches on.
    public var userData: UserData
    /// `custom_data`: business data such as value and currency.
    public var customData: CustomData?
    /// `event_source_url`: the browser URL of the conversion; required for `website` events.
    public var eventSourceURL: String?
    /// `opt_out`: when true, Meta uses the event for attribution only.
    public var optOut: Bool?
    /// `event_id`: the deduplication id shared with the browser pixel's `eventID`.
    public var eventID: String?
    /// `action_source`: where the conversion happened. Always set explicitly.
    public var actionSource: ActionSource
    /// `data_processing_options`: `["LDU"]` for Limited Data Use, `[]` to say it is off.
    /// `nil` leaves the key out.
    public var dataProcessingOptions: [String]?
    /// `data_processing_options_country`: `1` for the United States, `0` to let Meta geolocate.
    public var dataProcessingOptionsCountry: Int?
    /// `data_processing_options_state`: `1000` for California, `0` to let Meta geolocate.
    public var dataProcessingOptionsState: Int?
    /// `referrer_url`: the referrer of the browser request.
    public var referrerURL: String?
    /// `app_data`: device and app details; required for `app` events.
    public var appData: AppData?
    /// `messaging_channel`: the channel of a `business_messaging` event.
    public var messagingChannel: MessagingChannel?
    /// `original_event_data`: the earlier event this one refers to.
    public var originalEventData: OriginalEventData?
    /// `attribution_data`: attribution details.
    public var attributionData: AttributionData?
    /// `advanced_measurement_table`: for the Advanced Measurement API only.
    public var advancedMeasurementTable: String?

    /// Creates an event with the fields every event needs.
    ///
    /// Leave `userData` out when `UserDataAssembler.makeEvent` (in Matching) fills it in from
    /// the customer record and the session. `eventTime` is rounded down to its whole second.
    public init(
        eventName: EventName,
        eventTime: Timestamp,
        actionSource: ActionSource,
        userData: UserData = UserData(),
        customData: CustomData? = nil,
        eventID: String? = nil,
        eventSourceURL: String? = nil
    ) {
        self.eventName = eventName
        self.eventTime = eventTime.wholeSeconds
        self.actionSource = actionSource
        self.userData = userData
        self.customData = customData
        self.eventID = eventID
        self.eventSourceURL = eventSourceURL
    }

    enum CodingKeys: String, CodingKey {
        case eventName = "event_name"
        case eventTime = "event_time"
        case eventID = "event_id"
        case actionSource = "action_source"
        case eventSourceURL = "event_source_url"
        case userData = "user_data"
        case customData = "custom_data"
        case optOut = "opt_out"
        case dataProcessingOptions = "data_processing_options"
        case dataProcessingOptionsCountry = "data_processing_options_country"
        case dataProcessingOptionsState = "data_processing_options_state"
        case referrerURL = "referrer_url"
        case appData = "app_data"
        case messagingChannel = "messaging_channel"
        case originalEventData = "original_event_data"
        case attributionData = "attribution_data"
        case advancedMeasurementTable = "advanced_measurement_table"
    }
}

extension ServerEvent: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            eventName: try c.decode(EventName.self, forKey: .eventName),
            eventTime: try c.decodeSeconds(forKey: .eventTime),
            actionSource: try c.decode(ActionSource.self, forKey: .actionSource),
            userData: try c.decode(UserData.self, forKey: .userData),
            customData: try c.decodeIfPresent(CustomData.self, forKey: .customData),
            eventID: try c.decodeIfPresent(String.self, forKey: .eventID),
            eventSourceURL: try c.decodeIfPresent(String.self, forKey: .eventSourceURL))
        optOut = try c.decodeIfPresent(Bool.self, forKey: .optOut)
        dataProcessingOptions = try c.decodeIfPresent([String].self, forKey: .dataProcessingOptions)
        dataProcessingOptionsCountry = try c.decodeIfPresent(Int.self, forKey: .dataProcessingOptionsCountry)
        dataProcessingOptionsState = try c.decodeIfPresent(Int.self, forKey: .dataProcessingOptionsState)
        referrerURL = try c.decodeIfPresent(String.self, forKey: .referrerURL)
        appData = try c.decodeIfPresent(AppData.self, forKey: .appData)
        messagingChannel = try c.decodeIfPresent(MessagingChannel.self, forKey: .messagingChannel)
        originalEventData = try c.decodeIfPresent(OriginalEventData.self, forKey: .originalEventData)
        attributionData = try c.decodeIfPresent(AttributionData.self, forKey: .attributionData)
        advancedMeasurementTable = try c.decodeIfPresent(String.self, forKey: .advancedMeasurementTable)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(eventName, forKey: .eventName)
        try c.encodeSeconds(eventTime, forKey: .eventTime)
        try c.encodeIfPresent(eventID, forKey: .eventID)
        try c.encode(actionSource, forKey: .actionSource)
        try c.encodeIfPresent(eventSourceURL, forKey: .eventSourceURL)
        try c.encode(userData, forKey: .userData)
        try c.encodeIfPresent(customData, forKey: .customData)
        try c.encodeIfPresent(optOut, forKey: .optOut)
        try c.encodeIfPresent(dataProcessingOptions, forKey: .dataProcessingOptions)
        try c.encodeIfPresent(dataProcessingOptionsCountry, forKey: .dataProcessingOptionsCountry)
        try c.encodeIfPresent(dataProcessingOptionsState, forKey: .dataProcessingOptionsState)
        try c.encodeIfPresent(referrerURL, forKey: .referrerURL)
        try c.encodeIfPresent(appData, forKey: .appData)
        try c.encodeIfPresent(messagingChannel, forKey: .messagingChannel)
        try c.encodeIfPresent(originalEventData, forKey: .originalEventData)
        try c.encodeIfPresent(attributionData, forKey: .attributionData)
        try c.encodeIfPresent(advancedMeasurementTable, forKey: .advancedMeasurementTable)
    }
}

/// The body of `POST /{version}/{pixel_id}/events`.
///
/// The access token and `appsecret_proof` are not part of this value: the transport adds
/// them to the request, so a stored or logged body never contains a credential.
public struct EventRequest: Hashable, Sendable, Codable {
    /// The maximum number of events Meta accepts in one request.
    public static let maximumEventCount = 1_000

    /// `data`: the events, at most ``maximumEventCount``.
    public var data: [ServerEvent]
    /// `test_event_code`: routes the events to Events Manager's Test Events view.
    public var testEventCode: String?
    /// `partner_agent`: identifies the integration that sent the events.
    public var partnerAgent: String?
    /// `namespace_id`: the scope used to resolve external ids.
    public var namespaceID: String?
    /// `upload_id`: a unique id for an offline upload.
    public var uploadID: String?
    /// `upload_tag`: a tag for tracking offline uploads.
    public var uploadTag: String?
    /// `upload_source`: the origin of uploaded data.
    public var uploadSource: String?

    /// Creates a request body.
    public init(
        data: [ServerEvent], testEventCode: String? = nil, partnerAgent: String? = nil,
        namespaceID: String? = nil, uploadID: String? = nil, uploadTag: String? = nil, uploadSource: String? = nil
    ) {
        self.data = data
        self.testEventCode = testEventCode
        self.partnerAgent = partnerAgent
        self.namespaceID = namespaceID
        self.uploadID = uploadID
        self.uploadTag = uploadTag
        self.uploadSource = uploadSource
    }

    enum CodingKeys: String, CodingKey {
        case data
        case testEventCode = "test_event_code"
        case partnerAgent = "partner_agent"
        case namespaceID = "namespace_id"
        case uploadID = "upload_id"
        case uploadTag = "upload_tag"
        case uploadSource = "upload_source"
    }
}
