public import Identity

/// What the app knows about the customer, as raw values: the input of ``UserDataAssembler``.
///
/// This is personal data. Its `description` and `debugDescription` are redacted (they only
/// say which fields are filled), so a record can be logged or interpolated by mistake
/// without leaking anything.
public struct CustomerRecord: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Email addresses (`em`).
    public var emails: [String]
    /// Phone numbers (`ph`), international or national (see ``phoneRegion``).
    public var phones: [String]
    /// First name (`fn`).
    public var firstName: String?
    /// Last name (`ln`).
    public var lastName: String?
    /// Gender (`ge`): `f`, `m` or a recognized word.
    public var gender: String?
    /// Date of birth (`db`), in any common layout.
    public var dateOfBirth: String?
    /// City (`ct`).
    public var city: String?
    /// State or province (`st`).
    public var state: String?
    /// Zip or postal code (`zp`).
    public var zipCode: String?
    /// Country (`country`): an ISO 3166-1 code or a country name.
    public var country: String?
    /// The app's own stable user id (`external_id`), for signed-in customers. When set it is
    /// sent instead of the visitor id.
    public var userID: String?
    /// The region national phone numbers and postal codes are read in. When `nil`, the
    /// customer's ``country`` is used in any form it names a country (`GB`, `UK`, `GBR`,
    /// `United Kingdom`), else the normalizer's default region.
    public var phoneRegion: RegionCode?

    /// Creates a record; every field may also be set afterwards.
    public init(
        emails: [String] = [], phones: [String] = [], firstName: String? = nil, lastName: String? = nil,
        gender: String? = nil, dateOfBirth: String? = nil, city: String? = nil, state: String? = nil,
        zipCode: String? = nil, country: String? = nil, userID: String? = nil, phoneRegion: RegionCode? = nil
    ) {
        self.emails = emails
        self.phones = phones
        self.firstName = firstName
        self.lastName = lastName
        self.gender = gender
        self.dateOfBirth = dateOfBirth
        self.city = city
        self.state = state
        self.zipCode = zipCode
        self.country = country
        self.userID = userID
        self.phoneRegion = phoneRegion
    }

    /// The region used for `ph` and `zp`: ``phoneRegion``, else the region of ``country``
    /// in any form (`UK` and `United Kingdom` are `GB`); nil when neither names one.
    public var effectiveRegion: RegionCode? {
        if let phoneRegion { return phoneRegion }
        guard let country else { return nil }
        return RegionCode(country: country)
    }

    /// ``effectiveRegion``, else `defaultRegion`, with where it came from.
    public func resolvedRegion(default defaultRegion: RegionCode?) -> ResolvedRegion? {
        if let phoneRegion { return ResolvedRegion(region: phoneRegion, source: .phoneRegion) }
        if let country, let region = RegionCode(country: country) { return ResolvedRegion(region: region, source: .country) }
        return defaultRegion.map { ResolvedRegion(region: $0, source: .defaultRegion) }
    }

    /// Redacted: names the filled fields only.
    public var description: String {
        var fields: [String] = []
        if !emails.isEmpty { fields.append("em×\(emails.count)") }
        if !phones.isEmpty { fields.append("ph×\(phones.count)") }
        for (name, value) in [
            ("fn", firstName), ("ln", lastName), ("ge", gender), ("db", dateOfBirth), ("ct", city),
            ("st", state), ("zp", zipCode), ("country", country), ("external_id", userID),
        ]
        where value != nil {
            fields.append(name)
        }
        return "CustomerRecord(<redacted>: \(fields.joined(separator: ", ")))"
    }

    /// Redacted, like ``description``.
    public var debugDescription: String { description }
}

/// The region a customer's national phone numbers and postal codes were read in, and where it came from.
public struct ResolvedRegion: Hashable, Sendable, CustomStringConvertible {
    /// Where a region came from.
    public enum Source: String, Hashable, Sendable {
        /// ``CustomerRecord/phoneRegion``, set by the app.
        case phoneRegion = "phone_region"
        /// ``CustomerRecord/country``, in any form that names a country.
        case country
        /// The normalizer's `IdentityNormalizer.Configuration.defaultPhoneRegion`: the record
        /// named no region, or its country named none.
        case defaultRegion = "default_region"
    }

    /// The region.
    public let region: RegionCode
    /// Where it came from.
    public let source: Source

    /// Creates a resolved region.
    public init(region: RegionCode, source: Source) {
        self.region = region
        self.source = source
    }

    /// `GB (country)`: a region code is not personal data on its own.
    public var description: String { "\(region.rawValue) (\(source.rawValue))" }
}
