import CAPIModel
import Foundation
import Matching
import Testing

@Suite struct EventValidatorTests {
    static let now = Timestamp(seconds: 1_780_000_000)

    static func websitePurchase() -> ServerEvent {
        var userData = UserData()
        userData.clientUserAgent = "Mozilla/5.0"
        userData.fbp = "fb.1.1712345678901.1234567890"
        return ServerEvent(
            eventName: .purchase, eventTime: Timestamp(seconds: now.seconds - 60), actionSource: .website, userData: userData,
            customData: CustomData(value: Decimal(string: "184.50"), currency: "EUR"), eventID: "ord_84213",
            eventSourceURL: "https://shop.example.com/checkout/done")
    }

    @Test func aCompleteEventPasses() throws {
        try EventValidator().validate(Self.websitePurchase(), now: Self.now)
    }

    typealias Mutation = @Sendable (inout ServerEvent) -> Void

    static let singleProblemCases: [(String, EventValidationError.Code, Int?, Mutation)] = [
        ("event_name", .missingEventName, nil, { $0.eventName = " " }),
        ("event_time", .eventTooOld, 2_804_003, { $0.eventTime = Timestamp(seconds: now.seconds - 8 * 86_400) }),
        ("event_time", .eventInFuture, nil, { $0.eventTime = Timestamp(seconds: now.seconds * 1_000) }),
        ("event_source_url", .missingEventSourceURL, nil, { $0.eventSourceURL = nil }),
        ("event_source_url", .invalidEventSourceURL, nil, { $0.eventSourceURL = "shop.example.com/done" }),
        ("event_source_url", .invalidEventSourceURL, nil, { $0.eventSourceURL = "https:///done" }),
        ("user_data.client_user_agent", .missingUserAgent, nil, { $0.userData.clientUserAgent = nil }),
        ("custom_data.value", .missingValue, nil, { $0.customData?.value = nil }),
        ("custom_data.value", .invalidValue, nil, { $0.customData?.value = -1 }),
        ("custom_data.currency", .missingCurrency, nil, { $0.customData?.currency = nil }),
        ("custom_data.currency", .invalidCurrency, nil, { $0.customData?.currency = "EURO" }),
        ("custom_data.currency", .invalidCurrency, nil, { $0.customData?.currency = "XYZ" }),
        ("user_data.fbp", .invalidCookie, nil, { $0.userData.fbp = "fb.1.x.y" }),
        ("user_data.fbc", .invalidCookie, nil, { $0.userData.fbc = "IwAR2F4" }),
        ("user_data.client_ip_address", .invalidIPAddress, nil, { $0.userData.clientIPAddress = "198.51.100.7:443" }),
        ("event_id", .tooLong, nil, { $0.eventID = String(repeating: "x", count: 257) }),
        ("custom_data.content_ids", .tooLong, nil, { $0.customData?.contentIDs = Array(repeating: "sku", count: 1_001) }),
        (
            "user_data.em", .tooLong, nil,
            {
                $0.userData.emails = (0..<21).map { HashedIdentifier(digest: SHA256Digest(words: (UInt64($0), 0, 0, 0))) }
            }
        ),
        ("data_processing_options", .invalidDataProcessingOptions, nil, { $0.dataProcessingOptions = ["GDPR"] }),
        ("data_processing_options_country", .invalidDataProcessingOptions, nil, { $0.dataProcessingOptions = ["LDU"] }),
    ]

    @Test(arguments: singleProblemCases)
    func singleProblems(field: String, code: EventValidationError.Code, subcode: Int?, mutate: Mutation) {
        var event = Self.websitePurchase()
        mutate(&event)
        let problems = EventValidator().problems(in: event, now: Self.now)
        #expect(problems.map(\.field) == [field])
        #expect(problems.map(\.code) == [code])
        #expect(problems.first?.graphSubcode == subcode)
    }

    /// Edge values that are fine: the checks work on bytes and signs, not on converted copies.
    @Test(arguments: [
        "HTTPS://Shop.Example.com/done", "http://x", "HtTp://192.0.2.1:8080/", "https://xn--bcher-kva.example/ü",
        "https://bücher.example/", "https://[2001:db8::1]/",
    ])
    func acceptedURLs(_ url: String) {
        var event = Self.websitePurchase()
        event.eventSourceURL = url
        #expect(EventValidator().problems(in: event, now: Self.now).isEmpty)
    }

    @Test(arguments: [
        "http:/x", "https//x", "httpx://x", "http://", "http:// x", "https://#x", "ftp://x", "htt", "https://\tx",
        "https://\r\nx", "https://?q", "https://\u{A0}x", "https://\u{3000}x",
    ])
    func refusedURLs(_ url: String) {
        var event = Self.websitePurchase()
        event.eventSourceURL = url
        #expect(EventValidator().problems(in: event, now: Self.now).map(\.code) == [.invalidEventSourceURL])
    }

    @Test(arguments: ["0", "-0", "0.0", "1e-30", "184.50"])
    func nonNegativeValuesPass(_ text: String) {
        var event = Self.websitePurchase()
        event.customData?.value = Decimal(string: text)
        #expect(EventValidator().problems(in: event, now: Self.now).isEmpty)
    }

    @Test(arguments: ["-0.01", "-184.5", "-1e-30"])
    func negativeValuesAreRefused(_ text: String) {
        var event = Self.websitePurchase()
        event.customData?.value = Decimal(string: text)
        #expect(EventValidator().problems(in: event, now: Self.now).map(\.code) == [.invalidValue])
    }

    @Test func physicalStoreEventsMayBe62DaysOld() {
        var event = Self.websitePurchase()
        event.actionSource = .physicalStore
        event.eventTime = Timestamp(seconds: Self.now.seconds - 60 * 86_400)
        #expect(EventValidator().problems(in: event, now: Self.now).isEmpty)
        event.eventTime = Timestamp(seconds: Self.now.seconds - 63 * 86_400)
        #expect(EventValidator().problems(in: event, now: Self.now).map(\.code) == [.eventTooOld])
    }

    @Test func appEventsNeedAppData() {
        var event = Self.websitePurchase()
        event.actionSource = .app
        #expect(EventValidator().problems(in: event, now: Self.now).map(\.field) == ["app_data"])
        var extinfo = ExtInfo()
        extinfo.version = "x1"
        event.appData = AppData(advertiserTrackingEnabled: true, applicationTrackingEnabled: nil, extinfo: extinfo)
        #expect(
            EventValidator().problems(in: event, now: Self.now).map(\.field)
                == ["app_data.extinfo[0]", "app_data.extinfo[4]"])
        extinfo.version = "i2"
        extinfo[4] = "17.4"
        event.appData = AppData(advertiserTrackingEnabled: false, applicationTrackingEnabled: true, extinfo: extinfo)
        #expect(EventValidator().problems(in: event, now: Self.now).isEmpty)
        event.appData = AppData(advertiserTrackingEnabled: true, applicationTrackingEnabled: nil, extinfo: nil)
        #expect(EventValidator().problems(in: event, now: Self.now).map(\.field) == ["app_data.extinfo"])
    }

    /// Meta's app-data parameters page marks `application_tracking_enabled` optional
    /// (https://developers.facebook.com/documentation/ads-commerce/conversions-api/parameters/app-data).
    @Test func appEventsWithoutApplicationTrackingEnabledAreAccepted() throws {
        var event = Self.websitePurchase()
        event.actionSource = .app
        var extinfo = ExtInfo()
        extinfo.version = "a2"
        extinfo[4] = "14"
        event.appData = AppData(advertiserTrackingEnabled: true, applicationTrackingEnabled: nil, extinfo: extinfo)
        #expect(EventValidator().problems(in: event, now: Self.now).isEmpty)
        try EventValidator().validate(event, now: Self.now)
    }

    @Test func everyProblemIsReportedAtOnce() {
        let event = ServerEvent(
            eventName: .purchase, eventTime: Timestamp(seconds: 0), actionSource: .website, userData: UserData())
        do {
            try EventValidator().validate(event, now: Self.now)
            Issue.record("expected a failure")
        } catch {
            #expect(
                error.problems.map(\.code) == [
                    .eventTooOld, .missingEventSourceURL, .missingUserAgent, .missingValue, .missingCurrency,
                    .missingCustomerInformation,
                ])
            #expect(error.problems(with: .missingCustomerInformation).first?.graphSubcode == 2_804_050)
            #expect(error.description.hasPrefix("event rejected with 6 problems:\n- event_time: event_too_old:"))
        }
    }

    @Test func currencyCaseIsTolerated() {
        var event = Self.websitePurchase()
        event.customData?.currency = "eur"
        #expect(EventValidator().problems(in: event, now: Self.now).isEmpty)
    }

    @Test func otherSourcesNeedNoURL() {
        var event = Self.websitePurchase()
        event.actionSource = .systemGenerated
        event.eventSourceURL = nil
        event.userData = UserData(emails: [HashedIdentifier(digest: SHA256Digest(words: (1, 2, 3, 4)))])
        #expect(EventValidator().problems(in: event, now: Self.now).isEmpty)
    }
}
