/// Where the conversion happened (`action_source`). Sending it attests that it is accurate,
/// so RoasProof never fills it in by default.
public enum ActionSource: String, Hashable, Sendable, Codable, CaseIterable {
    /// Conversion made by email.
    case email
    /// Conversion made on a website; requires `event_source_url` and `client_user_agent`.
    case website
    /// Conversion made in a mobile app; requires `app_data`.
    case app
    /// Conversion made over the phone.
    case phoneCall = "phone_call"
    /// Conversion made over a chat.
    case chat
    /// Conversion made in a physical store; may be up to 62 days old.
    case physicalStore = "physical_store"
    /// Conversion that happened automatically, such as a subscription renewal.
    case systemGenerated = "system_generated"
    /// Conversion made through business messaging (pair with `messaging_channel`).
    case businessMessaging = "business_messaging"
    /// Conversion made some other way.
    case other
}

/// The messaging app a `business_messaging` event came through (`messaging_channel`).
public struct MessagingChannel: OpenStringEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// WhatsApp, the one channel the Business SDKs define.
    public static let whatsapp: MessagingChannel = "whatsapp"
}

/// How a purchase reaches the customer (`delivery_category`).
public enum DeliveryCategory: String, Hashable, Sendable, Codable, CaseIterable {
    /// The customer buys in the store.
    case inStore = "in_store"
    /// The customer picks the order up outside the store.
    case curbside
    /// The order is delivered to the customer.
    case homeDelivery = "home_delivery"
}
