#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Attribution details for an event (`attribution_data`), as the Business SDKs define them.
///
/// ``visitTime`` and ``touchpointTimestamp`` go on the wire as integer Unix seconds and keep
/// whole seconds only (a time with milliseconds is rounded down to its second).
public struct AttributionData: Hashable, Sendable {
    public var scope: String?
    /// `visit_time`, in whole seconds.
    public var visitTime: Timestamp? {
        didSet { visitTime = visitTime?.wholeSeconds }
    }
    public var adID: String?
    public var adsetID: String?
    public var campaignID: String?
    public var attributionShare: Decimal?
    public var attributionModel: AttributionModel?
    public var attrWindow: Int?
    public var attributionValue: Decimal?
    public var attributionSource: String?
    public var touchpointType: String?
    /// `touchpoint_ts`, in whole seconds.
    public var touchpointTimestamp: Timestamp? {
        didSet { touchpointTimestamp = touchpointTimestamp?.wholeSeconds }
    }
    public var attributionMethod: AttributionMethod?
    public var declineReason: DeclineReason?
    public var auditingToken: String?
    public var linkageKey: String?
    public var touchpointID: String?
    public var attributionSetting: AttributionSetting?
    public var totalCredit: Decimal?
    public var partnerClientID: String?

    /// Creates empty attribution data; set the fields you have.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case scope
        case visitTime = "visit_time"
        case adID = "ad_id"
        case adsetID = "adset_id"
        case campaignID = "campaign_id"
        case attributionShare = "attribution_share"
        case attributionModel = "attribution_model"
        case attrWindow = "attr_window"
        case attributionValue = "attribution_value"
        case attributionSource = "attribution_source"
        case touchpointType = "touchpoint_type"
        case touchpointTimestamp = "touchpoint_ts"
        case attributionMethod = "attribution_method"
        case declineReason = "decline_reason"
        case auditingToken = "auditing_token"
        case linkageKey = "linkage_key"
        case touchpointID = "touchpoint_id"
        case attributionSetting = "attribution_setting"
        case totalCredit = "total_credit"
        case partnerClientID = "partner_client_id"
    }
}

extension AttributionData: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        scope = try c.decodeIfPresent(String.self, forKey: .scope)
        visitTime = try c.decodeSecondsIfPresent(forKey: .visitTime)
        adID = try c.decodeIfPresent(String.self, forKey: .adID)
        adsetID = try c.decodeIfPresent(String.self, forKey: .adsetID)
        campaignID = try c.decodeIfPresent(String.self, forKey: .campaignID)
        attributionShare = try c.decodeIfPresent(Decimal.self, forKey: .attributionShare)
        attributionModel = try c.decodeIfPresent(AttributionModel.self, forKey: .attributionModel)
        attrWindow = try c.decodeIfPresent(Int.self, forKey: .attrWindow)
        attributionValue = try c.decodeIfPresent(Decimal.self, forKey: .attributionValue)
        attributionSource = try c.decodeIfPresent(String.self, forKey: .attributionSource)
        touchpointType = try c.decodeIfPresent(String.self, forKey: .touchpointType)
        touchpointTimestamp = try c.decodeSecondsIfPresent(forKey: .touchpointTimestamp)
        attributionMethod = try c.decodeIfPresent(AttributionMethod.self, forKey: .attributionMethod)
        declineReason = try c.decodeIfPresent(DeclineReason.self, forKey: .declineReason)
        auditingToken = try c.decodeIfPresent(String.self, forKey: .auditingToken)
        linkageKey = try c.decodeIfPresent(String.self, forKey: .linkageKey)
        touchpointID = try c.decodeIfPresent(String.self, forKey: .touchpointID)
        attributionSetting = try c.decodeIfPresent(AttributionSetting.self, forKey: .attributionSetting)
        totalCredit = try c.decodeIfPresent(Decimal.self, forKey: .totalCredit)
        partnerClientID = try c.decodeIfPresent(String.self, forKey: .partnerClientID)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(scope, forKey: .scope)
        try c.encodeSecondsIfPresent(visitTime, forKey: .visitTime)
        try c.encodeIfPresent(adID, forKey: .adID)
        try c.encodeIfPresent(adsetID, forKey: .adsetID)
        try c.encodeIfPresent(campaignID, forKey: .campaignID)
        try c.encodeIfPresent(attributionShare, forKey: .attributionShare)
        try c.encodeIfPresent(attributionModel, forKey: .attributionModel)
        try c.encodeIfPresent(attrWindow, forKey: .attrWindow)
        try c.encodeIfPresent(attributionValue, forKey: .attributionValue)
        try c.encodeIfPresent(attributionSource, forKey: .attributionSource)
        try c.encodeIfPresent(touchpointType, forKey: .touchpointType)
        try c.encodeSecondsIfPresent(touchpointTimestamp, forKey: .touchpointTimestamp)
        try c.encodeIfPresent(attributionMethod, forKey: .attributionMethod)
        try c.encodeIfPresent(declineReason, forKey: .declineReason)
        try c.encodeIfPresent(auditingToken, forKey: .auditingToken)
        try c.encodeIfPresent(linkageKey, forKey: .linkageKey)
        try c.encodeIfPresent(touchpointID, forKey: .touchpointID)
        try c.encodeIfPresent(attributionSetting, forKey: .attributionSetting)
        try c.encodeIfPresent(totalCredit, forKey: .totalCredit)
        try c.encodeIfPresent(partnerClientID, forKey: .partnerClientID)
    }
}

/// `attribution_data.attribution_setting`.
public struct AttributionSetting: Hashable, Sendable, Codable {
    public var inactivityWindowHours: Int?
    public var reattributionWindowHours: Int?

    public init(inactivityWindowHours: Int? = nil, reattributionWindowHours: Int? = nil) {
        self.inactivityWindowHours = inactivityWindowHours
        self.reattributionWindowHours = reattributionWindowHours
    }

    enum CodingKeys: String, CodingKey {
        case inactivityWindowHours = "inactivity_window_hours"
        case reattributionWindowHours = "reattribution_window_hours"
    }
}

/// An open set of string values: the known ones are constants, and values Meta adds later still decode.
public protocol OpenStringEnum: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral
where RawValue == String {
    init(rawValue: String)
}

extension OpenStringEnum {
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// `attribution_data.attribution_model`.
public struct AttributionModel: OpenStringEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let customizedMultiTouch: Self = "customized_multi_touch"
    public static let firstTouch: Self = "first_touch"
    public static let lastClick: Self = "last_click"
    public static let lastTouch: Self = "last_touch"
    public static let linear: Self = "linear"
    public static let positionBased: Self = "position_based"
    public static let timeDecay: Self = "time_decay"
    public static let unknown: Self = "unknown"
}

/// `attribution_data.attribution_method`.
public struct AttributionMethod: OpenStringEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let ard: Self = "ard"
    public static let deeplink: Self = "deeplink"
    public static let gpir: Self = "gpir"
    public static let invalidResponse: Self = "invalid_response"
    public static let mir: Self = "mir"
    public static let srn: Self = "srn"
}

/// `attribution_data.decline_reason`.
public struct DeclineReason: OpenStringEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let attributeToOtherSource: Self = "attribute_to_other_source"
    public static let outOfLookbackWindow: Self = "out_of_lookback_window"
    public static let viewThroughDisabled: Self = "view_through_disabled"
    public static let withinInactiveWindow: Self = "within_inactive_window"
    public static let inactive: Self = "inactive"
    public static let fraudDetected: Self = "fraud_detected"
    public static let unknown: Self = "unknown"
    public static let reinstallAttributionDisabled: Self = "reinstall_attribution_disabled"
    public static let lookback: Self = "lookback"
    public static let notPmodMatch: Self = "not_pmod_match"
    public static let validationRuleDetected: Self = "validation_rule_detected"
    public static let preloadInstall: Self = "preload_install"
    public static let minTimeBetweenReEngagements: Self = "min_time_between_re_engagements"
    public static let duplicated: Self = "duplicated"
    public static let pmodDisabled: Self = "pmod_disabled"
}

/// `original_event_data`: identifies an earlier event this one refers to.
public struct OriginalEventData: Hashable, Sendable {
    public var eventName: EventName?
    /// `event_time` of the earlier event, in whole seconds (a time with milliseconds is
    /// rounded down to its second).
    public var eventTime: Timestamp? {
        didSet { eventTime = eventTime?.wholeSeconds }
    }
    public var orderID: String?
    public var eventID: String?

    public init(eventName: EventName? = nil, eventTime: Timestamp? = nil, orderID: String? = nil, eventID: String? = nil) {
        self.eventName = eventName
        self.eventTime = eventTime?.wholeSeconds
        self.orderID = orderID
        self.eventID = eventID
    }

    enum CodingKeys: String, CodingKey {
        case eventName = "event_name"
        case eventTime = "event_time"
        case orderID = "order_id"
        case eventID = "event_id"
    }
}

extension OriginalEventData: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            eventName: try c.decodeIfPresent(EventName.self, forKey: .eventName),
            eventTime: try c.decodeSecondsIfPresent(forKey: .eventTime),
            orderID: try c.decodeIfPresent(String.self, forKey: .orderID),
            eventID: try c.decodeIfPresent(String.self, forKey: .eventID))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(eventName, forKey: .eventName)
        try c.encodeSecondsIfPresent(eventTime, forKey: .eventTime)
        try c.encodeIfPresent(orderID, forKey: .orderID)
        try c.encodeIfPresent(eventID, forKey: .eventID)
    }
}
