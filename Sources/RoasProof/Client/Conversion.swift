public import CAPIModel
public import Dedup
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What happened, for ``CAPIClient/send(_:customer:session:to:)``: the event name, what it is
/// about (the order or another business key, which makes its `event_id`), and its custom data.
///
/// ```swift
/// let purchase = Conversion.purchase(orderID: "84213", value: 184.50, currency: "EUR",
///                                    sourceURL: "https://shop.example/checkout/done")
/// ```
public struct Conversion: Hashable, Sendable {
    /// `event_name`.
    public var eventName: EventName
    /// What the event is about; the `event_id` is derived from it (`ord_84213` for an order),
    /// so retries, replays and the browser pixel's copy carry the same id.
    public var key: BusinessKey
    /// `custom_data`: value, currency, contents, ...
    public var customData: CustomData?
    /// `event_time`; now by default. Sent in whole seconds (rounded down).
    public var eventTime: Timestamp
    /// `action_source`; `website` by default.
    public var actionSource: ActionSource
    /// `event_source_url`: the page of the conversion (required for `website` events).
    public var sourceURL: String?

    /// A conversion of any event name.
    public init(
        eventName: EventName, key: BusinessKey, customData: CustomData? = nil, eventTime: Timestamp = .now,
        actionSource: ActionSource = .website, sourceURL: String? = nil
    ) {
        self.eventName = eventName
        self.key = key
        self.customData = customData
        self.eventTime = eventTime
        self.actionSource = actionSource
        self.sourceURL = sourceURL
    }

    /// A `Purchase` of order `orderID`: `event_id` `ord_<orderID>`, `custom_data` with the
    /// value, currency, order id and contents.
    public static func purchase(
        orderID: String, value: Decimal, currency: String, contents: [Content]? = nil,
        eventTime: Timestamp = .now, sourceURL: String? = nil
    ) -> Conversion {
        Conversion(
            eventName: .purchase, key: .order(orderID),
            customData: CustomData(
                value: value, currency: currency, contents: contents,
                contentType: contents == nil ? nil : "product", orderID: orderID),
            eventTime: eventTime, sourceURL: sourceURL)
    }

    /// A `Lead` identified by `leadID` (a form submission id, a CRM lead id): a derived
    /// `event_id`, the same every time for the same lead.
    public static func lead(
        leadID: String, value: Decimal? = nil, currency: String? = nil, eventTime: Timestamp = .now,
        sourceURL: String? = nil
    ) -> Conversion {
        Conversion(
            eventName: .lead, key: .key(leadID),
            customData: value == nil && currency == nil ? nil : CustomData(value: value, currency: currency),
            eventTime: eventTime, sourceURL: sourceURL)
    }
}
