/// What the visitor agreed to, as the app's consent banner or CMP recorded it.
public struct ConsentSignal: Hashable, Sendable, Codable {
    /// The visitor's answer about advertising measurement.
    public enum Status: String, Hashable, Sendable, Codable {
        /// The visitor agreed.
        case granted
        /// The visitor refused.
        case denied
        /// The visitor was not asked, or has not answered yet.
        case unknown
    }

    /// The visitor's answer.
    public var status: Status
    /// Set when the visitor's data may only be used under Meta's Limited Data Use (for
    /// example, a US state privacy law opt-out). The event is then sent with
    /// `data_processing_options: ["LDU"]` and this location.
    public var limitedDataUse: LimitedDataUse?

    /// Creates a signal.
    public init(status: Status, limitedDataUse: LimitedDataUse? = nil) {
        self.status = status
        self.limitedDataUse = limitedDataUse
    }

    /// Consent given, no restriction.
    public static let granted = ConsentSignal(status: .granted)
    /// Consent refused.
    public static let denied = ConsentSignal(status: .denied)
    /// No answer recorded.
    public static let unknown = ConsentSignal(status: .unknown)
}

/// Meta's Limited Data Use location: `data_processing_options_country` and `_state`.
public struct LimitedDataUse: Hashable, Sendable, Codable {
    /// `data_processing_options_country`: 1 for the United States, 0 to let Meta geolocate.
    public var country: Int
    /// `data_processing_options_state`: 1000 for California, 0 to let Meta geolocate.
    public var state: Int

    /// Creates an LDU location.
    public init(country: Int, state: Int) {
        self.country = country
        self.state = state
    }

    /// Let Meta work out the location from the event (country 0, state 0).
    public static let geolocated = LimitedDataUse(country: 0, state: 0)
    /// California (country 1, state 1000).
    public static let california = LimitedDataUse(country: 1, state: 1_000)
}
