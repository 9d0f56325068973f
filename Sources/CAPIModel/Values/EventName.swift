/// The `event_name` of a server event: one of Meta's standard events or a custom name.
///
/// Dedup against the browser pixel compares names exactly, case included, so the
/// standard names are offered as constants spelled as Meta spells them.
public struct EventName: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }

    /// True for Meta's standard events (tracked with `fbq('track', …)`); false for custom
    /// names (tracked with `fbq('trackCustom', …)`).
    public var isStandard: Bool { Self.standard.contains(self) }

    public static let addPaymentInfo: EventName = "AddPaymentInfo"
    public static let addToCart: EventName = "AddToCart"
    public static let addToWishlist: EventName = "AddToWishlist"
    public static let completeRegistration: EventName = "CompleteRegistration"
    public static let contact: EventName = "Contact"
    public static let customizeProduct: EventName = "CustomizeProduct"
    public static let donate: EventName = "Donate"
    public static let findLocation: EventName = "FindLocation"
    public static let initiateCheckout: EventName = "InitiateCheckout"
    public static let lead: EventName = "Lead"
    public static let pageView: EventName = "PageView"
    public static let purchase: EventName = "Purchase"
    public static let schedule: EventName = "Schedule"
    public static let search: EventName = "Search"
    public static let startTrial: EventName = "StartTrial"
    public static let submitApplication: EventName = "SubmitApplication"
    public static let subscribe: EventName = "Subscribe"
    public static let viewContent: EventName = "ViewContent"

    /// Every standard event name Meta documents.
    public static let standard: Set<EventName> = [
        .addPaymentInfo, .addToCart, .addToWishlist, .completeRegistration, .contact, .customizeProduct,
        .donate, .findLocation, .initiateCheckout, .lead, .pageView, .purchase, .schedule, .search,
        .startTrial, .submitApplication, .subscribe, .viewContent,
    ]

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
