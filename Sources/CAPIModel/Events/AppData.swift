/// App-specific data (`app_data`), required when `action_source` is `app`.
public struct AppData: Hashable, Sendable {
    /// `advertiser_tracking_enabled`: whether the user allowed tracking (iOS ATT). Required for app events.
    public var advertiserTrackingEnabled: Bool?
    /// `application_tracking_enabled`: the app-level tracking choice. Optional; left out when `nil`.
    public var applicationTrackingEnabled: Bool?
    /// `extinfo`: the 16 positional device-information strings. Required for app events.
    public var extinfo: ExtInfo?
    /// `campaign_ids`: campaign ids from the app's deep link.
    public var campaignIDs: String?
    /// `install_referrer`: the Android install referrer.
    public var installReferrer: String?
    /// `installer_package`: the Android installer package.
    public var installerPackage: String?
    /// `url_schemes`: the app's URL schemes.
    public var urlSchemes: [String]?
    /// `vendor_id`: the iOS identifier for vendor.
    public var vendorID: String?
    /// `windows_attribution_id`: the Windows advertising id.
    public var windowsAttributionID: String?
    /// `consider_views`: count view-through attribution.
    public var considerViews: Bool?
    /// `include_dwell_data`: include dwell data.
    public var includeDwellData: Bool?
    /// `include_video_data`: include video data.
    public var includeVideoData: Bool?
    /// `receipt_data`: the app store receipt.
    public var receiptData: String?

    /// Creates app data with the two keys Meta requires for app events and the app-level tracking choice.
    public init(advertiserTrackingEnabled: Bool?, applicationTrackingEnabled: Bool?, extinfo: ExtInfo?) {
        self.advertiserTrackingEnabled = advertiserTrackingEnabled
        self.applicationTrackingEnabled = applicationTrackingEnabled
        self.extinfo = extinfo
    }

    enum CodingKeys: String, CodingKey {
        case advertiserTrackingEnabled = "advertiser_tracking_enabled"
        case applicationTrackingEnabled = "application_tracking_enabled"
        case extinfo
        case campaignIDs = "campaign_ids"
        case installReferrer = "install_referrer"
        case installerPackage = "installer_package"
        case urlSchemes = "url_schemes"
        case vendorID = "vendor_id"
        case windowsAttributionID = "windows_attribution_id"
        case considerViews = "consider_views"
        case includeDwellData = "include_dwell_data"
        case includeVideoData = "include_video_data"
        case receiptData = "receipt_data"
    }
}

extension AppData: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            advertiserTrackingEnabled: try c.decodeFlexibleBool(.advertiserTrackingEnabled),
            applicationTrackingEnabled: try c.decodeFlexibleBool(.applicationTrackingEnabled),
            extinfo: try c.decodeIfPresent(ExtInfo.self, forKey: .extinfo))
        campaignIDs = try c.decodeIfPresent(String.self, forKey: .campaignIDs)
        installReferrer = try c.decodeIfPresent(String.self, forKey: .installReferrer)
        installerPackage = try c.decodeIfPresent(String.self, forKey: .installerPackage)
        if let list = try? c.decodeIfPresent([String].self, forKey: .urlSchemes) {
            urlSchemes = list
        } else if let single = try c.decodeIfPresent(String.self, forKey: .urlSchemes) {
            urlSchemes = [single]  // the Python SDK types it as a plain string
        }
        vendorID = try c.decodeIfPresent(String.self, forKey: .vendorID)
        windowsAttributionID = try c.decodeIfPresent(String.self, forKey: .windowsAttributionID)
        considerViews = try c.decodeFlexibleBool(.considerViews)
        includeDwellData = try c.decodeFlexibleBool(.includeDwellData)
        includeVideoData = try c.decodeFlexibleBool(.includeVideoData)
        receiptData = try c.decodeIfPresent(String.self, forKey: .receiptData)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(advertiserTrackingEnabled, forKey: .advertiserTrackingEnabled)
        try c.encodeIfPresent(applicationTrackingEnabled, forKey: .applicationTrackingEnabled)
        try c.encodeIfPresent(extinfo, forKey: .extinfo)
        try c.encodeIfPresent(campaignIDs, forKey: .campaignIDs)
        try c.encodeIfPresent(installReferrer, forKey: .installReferrer)
        try c.encodeIfPresent(installerPackage, forKey: .installerPackage)
        try c.encodeIfPresent(urlSchemes, forKey: .urlSchemes)
        try c.encodeIfPresent(vendorID, forKey: .vendorID)
        try c.encodeIfPresent(windowsAttributionID, forKey: .windowsAttributionID)
        try c.encodeIfPresent(considerViews, forKey: .considerViews)
        try c.encodeIfPresent(includeDwellData, forKey: .includeDwellData)
        try c.encodeIfPresent(includeVideoData, forKey: .includeVideoData)
        try c.encodeIfPresent(receiptData, forKey: .receiptData)
    }
}

extension KeyedDecodingContainer {
    /// Meta documents some flags as 0/1 while the SDKs send JSON booleans; accept both.
    func decodeFlexibleBool(_ key: Key) throws -> Bool? {
        if let flag = try? decodeIfPresent(Bool.self, forKey: key) { return flag }
        guard let number = try decodeIfPresent(Int.self, forKey: key) else { return nil }
        guard number == 0 || number == 1 else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "expected true, false, 0 or 1")
        }
        return number == 1
    }
}

/// The 16 positional device-information strings of `app_data.extinfo`.
///
/// Slots 0 (`i2` or `a2`) and 4 (OS version) are required by Meta; unknown slots are empty
/// strings. The array always has exactly 16 entries, on the wire and in memory.
public struct ExtInfo: Hashable, Sendable {
    /// The number of slots Meta defines.
    public static let slotCount = 16

    /// The slots in Meta's order.
    public private(set) var slots: [String]

    /// Creates an extinfo with every slot empty.
    public init() { self.slots = Array(repeating: "", count: Self.slotCount) }

    /// Creates an extinfo from exactly 16 strings.
    ///
    /// - Returns: `nil` unless `slots` has exactly 16 entries.
    public init?(slots: [String]) {
        guard slots.count == Self.slotCount else { return nil }
        self.slots = slots
    }

    /// The string in slot `index` (0 to 15).
    public subscript(index: Int) -> String {
        get { slots[index] }
        set { slots[index] = newValue }
    }

    /// Slot 0: the extinfo version, `i2` for iOS or `a2` for Android.
    public var version: String {
        get { slots[0] }
        set { slots[0] = newValue }
    }
    /// Slot 1: the app package name or bundle id.
    public var packageName: String {
        get { slots[1] }
        set { slots[1] = newValue }
    }
    /// Slot 2: the short version string.
    public var shortVersion: String {
        get { slots[2] }
        set { slots[2] = newValue }
    }
    /// Slot 3: the long version string.
    public var longVersion: String {
        get { slots[3] }
        set { slots[3] = newValue }
    }
    /// Slot 4: the OS version.
    public var osVersion: String {
        get { slots[4] }
        set { slots[4] = newValue }
    }
    /// Slot 5: the device model, such as `iPhone5,1`.
    public var deviceModel: String {
        get { slots[5] }
        set { slots[5] = newValue }
    }
    /// Slot 6: the locale, such as `En_US`.
    public var locale: String {
        get { slots[6] }
        set { slots[6] = newValue }
    }
    /// Slot 7: the time-zone abbreviation, such as `PDT`.
    public var timezoneAbbreviation: String {
        get { slots[7] }
        set { slots[7] = newValue }
    }
    /// Slot 8: the carrier.
    public var carrier: String {
        get { slots[8] }
        set { slots[8] = newValue }
    }
    /// Slot 9: the screen width.
    public var screenWidth: String {
        get { slots[9] }
        set { slots[9] = newValue }
    }
    /// Slot 10: the screen height.
    public var screenHeight: String {
        get { slots[10] }
        set { slots[10] = newValue }
    }
    /// Slot 11: the screen density.
    public var screenDensity: String {
        get { slots[11] }
        set { slots[11] = newValue }
    }
    /// Slot 12: the number of CPU cores.
    public var cpuCores: String {
        get { slots[12] }
        set { slots[12] = newValue }
    }
    /// Slot 13: the total storage in GB.
    public var totalStorageGB: String {
        get { slots[13] }
        set { slots[13] = newValue }
    }
    /// Slot 14: the free storage in GB.
    public var freeStorageGB: String {
        get { slots[14] }
        set { slots[14] = newValue }
    }
    /// Slot 15: the device time zone, such as `USA/New York`.
    public var deviceTimezone: String {
        get { slots[15] }
        set { slots[15] = newValue }
    }
}

extension ExtInfo: Codable {
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        var slots: [String] = []
        while !container.isAtEnd {
            // The Python SDK writes the numeric slots as JSON numbers.
            if let text = try? container.decode(String.self) {
                slots.append(text)
            } else if let number = try? container.decode(Int64.self) {
                slots.append(String(number))
            } else if let number = try? container.decode(Double.self) {
                slots.append(number.description)
            } else if try container.decodeNil() {
                slots.append("")
            } else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: container.codingPath, debugDescription: "extinfo entries must be strings"))
            }
        }
        guard let value = ExtInfo(slots: slots) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath, debugDescription: "extinfo must have exactly 16 entries, found \(slots.count)"
                ))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(slots)
    }
}
