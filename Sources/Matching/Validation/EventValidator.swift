public import CAPIModel

#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// Checks a server event before it is accepted for delivery, and reports every problem at once.
///
/// Rules (Meta's, from the Conversions API documentation, plus RoasProof's sanity limits):
///
/// - `action_source` is always explicit: `ServerEvent` cannot be built or decoded without one.
/// - `website`: an `http(s)` `event_source_url` and a `client_user_agent`.
/// - `app`: `app_data` with `advertiser_tracking_enabled` and a 16-slot `extinfo` whose slot 0
///   is `i2` or `a2` and slot 4 (OS version) is filled (`application_tracking_enabled` is optional).
/// - `event_time`: at most 7 days old (62 for `physical_store`), at most
///   ``maximumFutureSkew`` seconds ahead.
/// - `Purchase`: `value` (not negative) and an ISO 4217 `currency`. Any `currency` given must be ISO 4217.
/// - At least one `user_data` key. `fbc`/`fbp` well-formed; `client_ip_address` an IP address.
/// - `data_processing_options` is `[]` or `["LDU"]` with its country and state.
/// - Sizes: see ``Limits``.
///
/// ```swift
/// do {
///     try EventValidator().validate(event, now: .now)
/// } catch {
///     for problem in error.problems { log(problem.field, problem.code, problem.message) }
/// }
/// ```
public struct EventValidator: Sendable {
    /// RoasProof's sanity limits on sizes. Meta publishes none; these are far above real
    /// values and far below what would break a request.
    public struct Limits: Hashable, Sendable {
        /// `event_name`, in bytes.
        public var eventName = 100
        /// `event_id`, in bytes.
        public var eventID = 256
        /// `custom_data.order_id`, in bytes.
        public var orderID = 256
        /// `event_source_url` and `referrer_url`, in bytes.
        public var url = 8_192
        /// `client_user_agent`, in bytes.
        public var userAgent = 2_048
        /// Any other unhashed `user_data` string, in bytes.
        public var userDataString = 1_024
        /// Values per hashed `user_data` key.
        public var valuesPerKey = 20
        /// Entries of `content_ids` and of `contents`.
        public var contents = 1_000
        /// Custom properties in `custom_data`.
        public var customProperties = 100
        /// Nesting of arrays and objects in one custom property (a scalar is 0, a flat array 1).
        public var customDataDepth = 16

        /// The defaults.
        public init() {}
    }

    /// How old an event may be: 7 days.
    public static let maximumAge: Int64 = 7 * 86_400
    /// How old a `physical_store` event may be: 62 days.
    public static let maximumPhysicalStoreAge: Int64 = 62 * 86_400
    /// Graph subcode seen for events older than Meta accepts (third-party reports; Meta does not document it).
    public static let eventTooOldSubcode = 2_804_003
    /// Graph subcode seen for events without enough customer information (third-party reports).
    public static let insufficientCustomerInformationSubcode = 2_804_050

    /// How far in the future `event_time` may be, in seconds, to allow for clock skew. Default 5 minutes.
    public var maximumFutureSkew: Int64 = 300
    /// How old an event may be, in seconds (default ``maximumAge``, Meta's 7 days).
    public var standardAgeLimit: Int64 = EventValidator.maximumAge
    /// How old a `physical_store` event may be, in seconds (default ``maximumPhysicalStoreAge``, 62 days).
    public var physicalStoreAgeLimit: Int64 = EventValidator.maximumPhysicalStoreAge
    /// Require `event_id`. Meta accepts events without one, but they cannot be deduplicated
    /// against the pixel or their own retries, so the delivery queue turns this on.
    public var requiresEventID = false
    /// Size limits.
    public var limits = Limits()

    /// Creates a validator with the default limits.
    public init() {}

    /// Validates `event` as of `now`.
    ///
    /// - Throws: ``EventValidationFailure`` listing every problem.
    public func validate(_ event: ServerEvent, now: Timestamp) throws(EventValidationFailure) {
        let problems = problems(in: event, now: now)
        guard problems.isEmpty else { throw EventValidationFailure(problems: problems) }
    }

    /// Every problem in `event` as of `now`; empty when it may be delivered.
    public func problems(in event: ServerEvent, now: Timestamp) -> [EventValidationError] {
        var problems: [EventValidationError] = []
        func add(_ field: String, _ code: EventValidationError.Code, _ message: String, subcode: Int? = nil) {
            problems.append(EventValidationError(field: field, code: code, message: message, graphSubcode: subcode))
        }
        func checkLength(_ value: String?, _ field: String, _ limit: Int) {
            guard let value, value.utf8.count > limit else { return }
            add(field, .tooLong, "is \(value.utf8.count) bytes; the limit is \(limit)")
        }
        func checkPrintable(_ value: String?, _ field: String) {
            guard let value, Self.hasControlCharacter(value) else { return }
            add(
                field, .controlCharacter,
                "contains a control character (such as NUL or a line break); it is part of the deduplication key Meta compares with the browser pixel's, so it must be printable text"
            )
        }

        // event_name
        if event.eventName.rawValue.trimmingASCIIWhitespace.isEmpty {
            add("event_name", .missingEventName, "is empty; use a standard name such as Purchase or a custom name")
        }
        checkLength(event.eventName.rawValue, "event_name", limits.eventName)
        checkPrintable(event.eventName.rawValue, "event_name")

        // event_time
        let age = now.seconds - event.eventTime.seconds
        let maximumAge = event.actionSource == .physicalStore ? physicalStoreAgeLimit : standardAgeLimit
        if age > maximumAge {
            add(
                "event_time", .eventTooOld,
                "is \(age / 86_400) days old; Meta accepts \(maximumAge / 86_400) days for \(event.actionSource.rawValue) events and rejects the whole request otherwise. Drop the event",
                subcode: Self.eventTooOldSubcode)
        } else if -age > maximumFutureSkew {
            add(
                "event_time", .eventInFuture,
                "is \(-age) seconds in the future; send Unix seconds (not milliseconds) from a synchronized clock")
        }

        // event_id
        if requiresEventID, event.eventID?.isEmpty ?? true {
            add(
                "event_id", .missingEventID,
                "is required: set the id shared with the browser pixel (EventID.forOrder or EventID.derive) so retries and the pixel's copy count once"
            )
        }
        checkLength(event.eventID, "event_id", limits.eventID)
        checkPrintable(event.eventID, "event_id")

        // URLs
        if let url = event.eventSourceURL {
            if !Self.isHTTPURL(url) {
                add("event_source_url", .invalidEventSourceURL, "must be an http:// or https:// URL with a host")
            }
            checkLength(url, "event_source_url", limits.url)
        }
        checkLength(event.referrerURL, "referrer_url", limits.url)

        // action_source requirements
        switch event.actionSource {
        case .website:
            if event.eventSourceURL == nil {
                add(
                    "event_source_url", .missingEventSourceURL,
                    "is required for website events; pass the page URL of the conversion")
            }
            if event.userData.clientUserAgent == nil {
                add(
                    "user_data.client_user_agent", .missingUserAgent,
                    "is required for website events; pass the buyer's User-Agent header from the converting session")
            }
        case .app:
            validateAppData(event.appData, add)
        default:
            break
        }

        // custom_data
        if let custom = event.customData {
            // `sign` rather than `value < 0`: comparing Decimals normalizes both sides, which
            // cost more than the rest of this check.
            if let value = custom.value, value.isNaN || (value.sign == .minus && !value.isZero) {
                add("custom_data.value", .invalidValue, "must be a number of at least 0")
            }
            if let currency = custom.currency, !CurrencyTable.codes.contains(currency),
                !CurrencyTable.codes.contains(currency.uppercased())
            {
                add("custom_data.currency", .invalidCurrency, "is not an ISO 4217 code; use three letters such as EUR or USD")
            }
            checkLength(custom.orderID, "custom_data.order_id", limits.orderID)
            if let ids = custom.contentIDs, ids.count > limits.contents {
                add("custom_data.content_ids", .tooLong, "has \(ids.count) entries; the limit is \(limits.contents)")
            }
            if let contents = custom.contents, contents.count > limits.contents {
                add("custom_data.contents", .tooLong, "has \(contents.count) entries; the limit is \(limits.contents)")
            }
            if custom.customProperties.count > limits.customProperties {
                add(
                    "custom_data", .tooLong,
                    "has \(custom.customProperties.count) custom properties; the limit is \(limits.customProperties)")
            }
            if custom.customProperties.contains(where: { Self.nests($0.value, deeperThan: limits.customDataDepth) }) {
                add(
                    "custom_data", .tooDeeplyNested,
                    "has a custom property nested deeper than \(limits.customDataDepth) levels of arrays and objects")
            }
        }
        if event.eventName == .purchase {
            if event.customData?.value == nil {
                add("custom_data.value", .missingValue, "is required for Purchase events; pass the order total")
            }
            if event.customData?.currency == nil {
                add("custom_data.currency", .missingCurrency, "is required for Purchase events; pass the ISO 4217 code of value")
            }
        }

        // user_data
        validateUserData(event.userData, add, checkLength)

        // data_processing_options
        if let options = event.dataProcessingOptions {
            if options == ["LDU"] {
                if event.dataProcessingOptionsCountry == nil || event.dataProcessingOptionsState == nil {
                    add(
                        "data_processing_options_country", .invalidDataProcessingOptions,
                        "LDU needs data_processing_options_country and _state (0 and 0 to let Meta geolocate)")
                }
            } else if !options.isEmpty {
                add("data_processing_options", .invalidDataProcessingOptions, "must be [] or [\"LDU\"]")
            }
        }
        return problems
    }

    private func validateAppData(_ appData: AppData?, _ add: (String, EventValidationError.Code, String, Int?) -> Void) {
        guard let appData else {
            add(
                "app_data", .missingAppData,
                "is required for app events: advertiser_tracking_enabled and a 16-slot extinfo", nil)
            return
        }
        if appData.advertiserTrackingEnabled == nil {
            add("app_data.advertiser_tracking_enabled", .missingAppData, "is required for app events (the ATT status)", nil)
        }
        // application_tracking_enabled is optional: Meta's app-data parameters page marks it so
        // (https://developers.facebook.com/documentation/ads-commerce/conversions-api/parameters/app-data).
        guard let extinfo = appData.extinfo else {
            add("app_data.extinfo", .missingAppData, "is required for app events: 16 device-information strings", nil)
            return
        }
        if extinfo.slots.count != ExtInfo.slotCount {
            add("app_data.extinfo", .invalidExtInfo, "must have exactly 16 slots; use empty strings for unknown ones", nil)
        } else {
            if extinfo.version != "i2" && extinfo.version != "a2" {
                add("app_data.extinfo[0]", .invalidExtInfo, "must be i2 (iOS) or a2 (Android)", nil)
            }
            if extinfo[4].isEmpty {
                add("app_data.extinfo[4]", .invalidExtInfo, "the OS version is required", nil)
            }
        }
    }

    private func validateUserData(
        _ userData: UserData, _ add: (String, EventValidationError.Code, String, Int?) -> Void,
        _ checkLength: (String?, String, Int) -> Void
    ) {
        if userData.isEmpty {
            add(
                "user_data", .missingCustomerInformation,
                "carries no customer information; Meta cannot match the event. Send at least one of em, ph, external_id, fbc, fbp, or client_ip_address with client_user_agent",
                Self.insufficientCustomerInformationSubcode)
        }
        for key in HashedUserDataKey.allCases {
            let count = userData.count(of: key)
            if count > limits.valuesPerKey {
                add("user_data.\(key.rawValue)", .tooLong, "has \(count) values; the limit is \(limits.valuesPerKey)", nil)
            }
        }
        if let fbc = userData.fbc {
            do throws(FacebookCookieError) { _ = try FacebookCookie(parsing: fbc, as: .fbc) } catch {
                add("user_data.fbc", .invalidCookie, error.message, nil)
            }
        }
        if let fbp = userData.fbp {
            do throws(FacebookCookieError) { _ = try FacebookCookie(parsing: fbp, as: .fbp) } catch {
                add("user_data.fbp", .invalidCookie, error.message, nil)
            }
        }
        if let ip = userData.clientIPAddress, !IPAddress.isValid(ip) {
            add(
                "user_data.client_ip_address", .invalidIPAddress,
                "is not an IPv4 or IPv6 address; pass the buyer's address without a port", nil)
        }
        checkLength(userData.clientUserAgent, "user_data.client_user_agent", limits.userAgent)
        // One call per field (not a loop over an array literal, which allocated per event).
        let limit = limits.userDataString
        checkLength(userData.subscriptionID, "user_data.subscription_id", limit)
        checkLength(userData.fbLoginID, "user_data.fb_login_id", limit)
        checkLength(userData.leadID, "user_data.lead_id", limit)
        checkLength(userData.anonID, "user_data.anon_id", limit)
        checkLength(userData.madid, "user_data.madid", limit)
        checkLength(userData.pageID, "user_data.page_id", limit)
        checkLength(userData.pageScopedUserID, "user_data.page_scoped_user_id", limit)
        checkLength(userData.ctwaClid, "user_data.ctwa_clid", limit)
        checkLength(userData.igAccountID, "user_data.ig_account_id", limit)
        checkLength(userData.igSID, "user_data.ig_sid", limit)
    }

    /// True when `value` nests arrays and objects more than `limit` levels deep; the recursion
    /// stops at `limit`, so it is bounded whatever the value.
    static func nests(_ value: JSONValue, deeperThan limit: Int) -> Bool {
        switch value {
        case .null, .bool, .number, .string: false
        case .array(let items): limit <= 0 || items.contains { nests($0, deeperThan: limit - 1) }
        case .object(let members): limit <= 0 || members.values.contains { nests($0, deeperThan: limit - 1) }
        }
    }

    /// `http://` or `https://` (any case) followed by something that can start a host.
    static func isHTTPURL(_ url: String) -> Bool {
        // On the UTF-8 bytes: lowercasing a prefix allocated a string per event.
        let bytes = url.utf8
        var index = bytes.startIndex
        for expected in "http".utf8 {
            guard index != bytes.endIndex, bytes[index] | 0x20 == expected else { return false }
            index = bytes.index(after: index)
        }
        if index != bytes.endIndex, bytes[index] | 0x20 == UInt8(ascii: "s") { index = bytes.index(after: index) }
        for expected in "://".utf8 {
            guard index != bytes.endIndex, bytes[index] == expected else { return false }
            index = bytes.index(after: index)
        }
        guard index != bytes.endIndex else { return false }
        let byte = bytes[index]
        guard byte >= 0x80 else {  // ASCII: no Character needed
            return byte != UInt8(ascii: "/") && byte != UInt8(ascii: "?") && byte != UInt8(ascii: "#")
                && byte != 0x20 && !(0x09...0x0D).contains(byte)
        }
        return url[index...].first.map { !$0.isWhitespace } ?? false
    }

    /// True when `text` has a C0 control character, DEL or a C1 control character
    /// (U+0080–U+009F, UTF-8 `C2 80`–`C2 9F`; some terminals read U+009B as `ESC [`).
    static func hasControlCharacter(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && byte <= 0x9F) { return true }
            previous = byte
        }
        return false
    }
}
