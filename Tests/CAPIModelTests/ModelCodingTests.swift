@testable import CAPIModel
import FoundationEssentials
import Testing

@Suite struct ModelCodingTests {
    let hash = "a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3"

    func json(_ value: some Encodable) throws -> String {
        String(decoding: try CAPIJSON.encode(value), as: UTF8.self)
    }

    @Test func omitsAbsentFields() throws {
        let event = ServerEvent(
            eventName: .lead, eventTime: Timestamp(seconds: 1_700_000_000), actionSource: .systemGenerated,
            userData: UserData(externalIDs: [try #require(HashedIdentifier(hexString: hash))]))
        #expect(
            try json(event)
                == #"{"action_source":"system_generated","event_name":"Lead","event_time":1700000000,"user_data":{"external_id":["\#(hash)"]}}"#
        )
    }

    @Test func keepsAnExplicitlyEmptyDataProcessingOptionsList() throws {
        var event = ServerEvent(
            eventName: .purchase, eventTime: Timestamp(seconds: 1), actionSource: .email, userData: UserData())
        event.dataProcessingOptions = []
        #expect(try json(event).contains(#""data_processing_options":[]"#))
        event.dataProcessingOptions = ["LDU"]
        event.dataProcessingOptionsCountry = 1
        event.dataProcessingOptionsState = 1000
        let text = try json(event)
        #expect(
            text.contains(
                #""data_processing_options":["LDU"],"data_processing_options_country":1,"data_processing_options_state":1000"#))
    }

    @Test func encodesEveryActionSourceAsMetaSpellsIt() throws {
        let expected = [
            "email", "website", "app", "phone_call", "chat", "physical_store", "system_generated",
            "business_messaging", "other",
        ]
        #expect(ActionSource.allCases.map(\.rawValue) == expected)
    }

    @Test func standardAndCustomEventNames() {
        #expect(EventName.purchase.isStandard)
        #expect(EventName("Purchase") == .purchase)
        #expect(!EventName("purchase").isStandard)  // dedup is case sensitive
        #expect(!EventName("QuoteRequested").isStandard)
        #expect(EventName.standard.count == 18)
    }

    @Test func decodesHashedKeysGivenAsAStringOrAList() throws {
        let upper = hash.uppercased()
        let body = #"{"em":"\#(upper)","ph":["\#(hash)"],"fb_login_id":12345,"unknown_key":true}"#
        let user = try CAPIJSON.decode(UserData.self, from: Data(body.utf8))
        #expect(user.emails.map(\.hexString) == [hash])  // lowercased
        #expect(user.phones.map(\.hexString) == [hash])
        #expect(user.fbLoginID == "12345")
    }

    @Test func refusesRawValuesInHashedKeys() {
        let body = #"{"em":["john@example.com"]}"#
        #expect(throws: DecodingError.self) { try CAPIJSON.decode(UserData.self, from: Data(body.utf8)) }
    }

    @Test func passesParamBuilderAppendicesThrough() throws {
        let withV2 = try #require(HashedIdentifier(hexString: hash + ".AQQCAQIB"))
        #expect(withV2.hexString == hash + ".AQQCAQIB")
        let withLegacy = try #require(HashedIdentifier(hexString: hash + ".Ag"))
        #expect(withLegacy.hexString == hash + ".Ag")
        #expect(HashedIdentifier(hexString: hash + ".ZZ") == nil)
        #expect(HashedIdentifier(hexString: hash + ".AQQ") == nil)
        #expect(HashedIdentifier(hexString: String(hash.dropLast())) == nil)
        #expect(HashedIdentifier(hexString: "  \(hash)\n")?.hexString == hash)
        #expect(HashedIdentifier(hexString: "098f6bcd4621d373cade4e832627b4f6") == nil)  // MD5 is not SHA-256
    }

    @Test func customPropertiesCannotCollideWithStandardKeys() throws {
        var properties = CustomProperties()
        try properties.set("gold", forKey: "loyalty_tier")
        #expect(throws: CustomPropertyError(key: "value", reason: .collidesWithStandardKey)) {
            try properties.set(1, forKey: "value")
        }
        #expect(throws: CustomPropertyError(key: "", reason: .emptyKey)) { try properties.set(1, forKey: "") }
        var custom = CustomData(value: 10, currency: "USD")
        custom.customProperties = properties
        let text = try json(custom)
        #expect(text == #"{"currency":"USD","loyalty_tier":"gold","value":10}"#)
        let decoded = try CAPIJSON.decode(CustomData.self, from: Data(text.utf8))
        #expect(decoded == custom)
        #expect(decoded.customProperties["loyalty_tier"] == "gold")
    }

    @Test func encodesContents() throws {
        let custom = CustomData(contents: [Content(id: "sku-1", quantity: 2, itemPrice: 21.25, deliveryCategory: .homeDelivery)])
        #expect(
            try json(custom)
                == #"{"contents":[{"delivery_category":"home_delivery","id":"sku-1","item_price":21.25,"quantity":2}]}"#)
    }

    @Test func appDataHasSixteenExtinfoSlots() throws {
        var info = ExtInfo()
        info.version = "i2"
        info.packageName = "com.example.app"
        info.osVersion = "18.5"
        info.deviceModel = "iPhone16,2"
        let app = AppData(advertiserTrackingEnabled: true, applicationTrackingEnabled: false, extinfo: info)
        let text = try json(app)
        #expect(
            text
                == #"{"advertiser_tracking_enabled":true,"application_tracking_enabled":false,"extinfo":["i2","com.example.app","","","18.5","iPhone16,2","","","","","","","","","",""]}"#
        )
        #expect(try CAPIJSON.decode(AppData.self, from: Data(text.utf8)) == app)
        #expect(ExtInfo(slots: ["a2"]) == nil)
        let short = #"{"extinfo":["a2","x"]}"#
        #expect(throws: DecodingError.self) { try CAPIJSON.decode(AppData.self, from: Data(short.utf8)) }
        // The Python SDK writes numeric slots as numbers and flags as 0/1.
        let python =
            #"{"advertiser_tracking_enabled":1,"extinfo":["a2","p","1","1.0","14","Pixel",""," ","",1080,2400,"2.75",8,128,64,"UTC"]}"#
        let decoded = try CAPIJSON.decode(AppData.self, from: Data(python.utf8))
        #expect(decoded.advertiserTrackingEnabled == true)
        #expect(decoded.extinfo?.screenWidth == "1080")
        #expect(decoded.extinfo?.deviceTimezone == "UTC")
    }

    @Test func decodesASuccessResponse() throws {
        let body = #"{"events_received":3,"messages":[],"fbtrace_id":"AbC123","extra":{"x":1}}"#
        let response = try CAPIJSON.decode(EventsResponse.self, from: Data(body.utf8))
        #expect(response == EventsResponse(eventsReceived: 3, messages: [], fbtraceID: "AbC123"))
        let empty = try CAPIJSON.decode(EventsResponse.self, from: Data("{}".utf8))
        #expect(empty.eventsReceived == 0)
    }

    @Test func decodesAGraphError() throws {
        let body = """
            {"error":{"message":"Invalid parameter","type":"OAuthException","code":100,"error_subcode":2804050,\
            "is_transient":false,"error_user_title":"Missing customer information","error_user_msg":"Add more keys",\
            "fbtrace_id":"Ax9","error_data":{"blame_field_specs":[["data","0","user_data"]]},"new_field":1}}
            """
        let error = try CAPIJSON.decode(GraphErrorResponse.self, from: Data(body.utf8)).error
        #expect(error.code == 100)
        #expect(error.errorSubcode == 2_804_050)
        #expect(error.isTransient == false)
        #expect(error.errorUserTitle == "Missing customer information")
        #expect(error.errorUserMessage == "Add more keys")
        #expect(error.fbtraceID == "Ax9")
        #expect(error.type == "OAuthException")
        #expect(error.description == "Graph API error 100/2804050 (OAuthException): Invalid parameter [fbtrace_id Ax9]")
        if case .object(let data)? = error.errorData {
            #expect(data["blame_field_specs"] != nil)
        } else {
            Issue.record("error_data lost")
        }
    }

    @Test func decodesEveryServerEventField() throws {
        let body = """
            {"event_name":"Purchase","event_time":1700000000,"action_source":"app","user_data":{"madid":"m"},\
            "opt_out":true,"referrer_url":"https://r.example/","messaging_channel":"whatsapp",\
            "original_event_data":{"event_name":"Purchase","event_time":1699999999,"order_id":"1","event_id":"ord_1"},\
            "attribution_data":{"ad_id":"9","attribution_share":0.3,"attribution_model":"last_click","attribution_setting":{"inactivity_window_hours":24}},\
            "advanced_measurement_table":"t","data_processing_options":["LDU"],"data_processing_options_country":0,\
            "data_processing_options_state":0,"app_data":{"application_tracking_enabled":true,"url_schemes":["x"]},\
            "something_new":{"nested":[1,2]}}
            """
        let event = try CAPIJSON.decode(ServerEvent.self, from: Data(body.utf8))
        #expect(event.actionSource == .app)
        #expect(event.optOut == true)
        #expect(event.messagingChannel == .whatsapp)
        #expect(event.originalEventData?.eventID == "ord_1")
        #expect(event.attributionData?.attributionModel == .lastClick)
        #expect(event.attributionData?.attributionShare == Decimal(string: "0.3"))
        #expect(event.attributionData?.attributionSetting?.inactivityWindowHours == 24)
        #expect(event.dataProcessingOptions == ["LDU"])
        #expect(event.appData?.urlSchemes == ["x"])
        #expect(event.userData.madid == "m")
        let again = try CAPIJSON.decode(ServerEvent.self, from: CAPIJSON.encode(event))
        #expect(again == event)
    }

    @Test func rejectsAnUnknownActionSource() {
        let body = #"{"event_name":"Lead","event_time":1,"action_source":"carrier_pigeon","user_data":{}}"#
        #expect(throws: DecodingError.self) { try CAPIJSON.decode(ServerEvent.self, from: Data(body.utf8)) }
    }
}

@Suite struct MatchKeyCoverageTests {
    let hash = HashedIdentifier(hexString: "a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3")!

    func event(_ name: EventName, emails: Int, fbc: Bool) -> ServerEvent {
        var user = UserData(emails: Array(repeating: hash, count: emails))
        if fbc { user.fbc = "fb.1.1.x" }
        return ServerEvent(eventName: name, eventTime: Timestamp(seconds: 1), actionSource: .website, userData: user)
    }

    @Test func countsKeysPerEventName() {
        var coverage = MatchKeyCoverage()
        coverage.record(event(.purchase, emails: 2, fbc: true))
        coverage.record(event(.purchase, emails: 1, fbc: false))
        coverage.record(event(.purchase, emails: 0, fbc: false))
        coverage.record(event(.lead, emails: 1, fbc: true))
        coverage.recordRejection(eventName: .purchase, key: .phone, reason: "missing_region")
        coverage.recordRejection(eventName: .purchase, key: .phone, reason: "missing_region")
        let purchase = coverage[.purchase]
        #expect(purchase.events == 3)
        #expect(purchase.count(of: .email) == 2)  // an event counts once however many emails it has
        #expect(purchase.share(of: .fbc) == 1.0 / 3.0)
        #expect(purchase.rejections[.phone] == ["missing_region": 2])
        #expect(coverage[.lead].share(of: .email) == 1)
        #expect(coverage[.addToCart].events == 0)
        #expect(coverage.eventNames == [.lead, .purchase])
    }

    @Test func mergingEqualsRecordingEverythingInOnePlace() throws {
        var a = MatchKeyCoverage()
        var b = MatchKeyCoverage()
        var all = MatchKeyCoverage()
        for i in 0..<10 {
            let e = event(i % 3 == 0 ? .lead : .purchase, emails: i % 2, fbc: i % 4 == 0)
            if i < 6 { a.record(e) } else { b.record(e) }
            all.record(e)
        }
        a.recordRejection(eventName: .lead, key: .email, reason: "invalid_email")
        all.recordRejection(eventName: .lead, key: .email, reason: "invalid_email")
        a.merge(b)
        #expect(a == all)
        let decoded = try CAPIJSON.decode(MatchKeyCoverage.self, from: CAPIJSON.encode(a))
        #expect(decoded == a)
    }

    @Test func presentKeysFollowTheTableOrder() {
        var user = UserData(emails: [hash], fbp: "fb.1.1.1")
        user.clientIPAddress = "203.0.113.1"
        #expect(user.presentKeys == [.email, .clientIPAddress, .fbp])
        #expect(!user.isEmpty)
        #expect(UserData().isEmpty)
    }
}

@Suite struct DigestHexTests {
    /// The hex of `bytes` a digit at a time, as the reference.
    static func reference(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] })
    }

    @Test func everyByteValueInEveryPosition() {
        // 32 digests cover each of the 256 byte values at every one of the 32 positions
        // (in each word, at each byte and nibble of the eight-digit halves).
        for shift in 0..<32 {
            let bytes = (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 8 &+ shift &* 37) }
            let digest = bytes.withUnsafeBytes { SHA256Digest(bytes: $0) }
            #expect(digest.hexString == Self.reference(bytes))
        }
        for value in 0...255 {
            let bytes = [UInt8](repeating: UInt8(value), count: 32)
            #expect(bytes.withUnsafeBytes { SHA256Digest(bytes: $0) }.hexString == Self.reference(bytes))
        }
    }

    @Test func randomDigestsAndOffsetsInABuffer() {
        var generator = SystemRandomNumberGenerator()
        for offset in 0..<9 {
            let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let digest = bytes.withUnsafeBytes { SHA256Digest(bytes: $0) }
            var buffer = [UInt8](repeating: UInt8(ascii: "*"), count: 64 + 2 * offset)
            buffer.withUnsafeMutableBytes { digest.writeHex(into: UnsafeMutableRawBufferPointer(rebasing: $0[offset...])) }
            // Unaligned writes land exactly where asked, and nowhere else.
            #expect(
                String(decoding: buffer, as: UTF8.self)
                    == String(repeating: "*", count: offset) + Self.reference(bytes) + String(repeating: "*", count: offset))
        }
    }
}

@Suite struct DecimalTextTests {
    @Test func theLayoutSelfCheckPasses() {
        // If a toolchain changes Decimal's layout, the fast path switches itself off; this test
        // makes that visible instead of silently slower.
        #expect(DecimalText.layoutIsKnown)
    }

    @Test(arguments: [
        "184.50", "184.5", "0", "-0", "1000", "1e3", "0.30", "-0.000123", "1e-30", "1e30", "0.1", "-5",
        "123456789012345678.25", "18446744073709551615", "18446744073709551616", "99999999999999999999.99",
        "0.000000000000000000001", "-12.3400",
    ])
    func matchesDecimalDescription(text: String) throws {
        let value = try #require(Decimal(string: text))
        #expect(DecimalText.text(value) == value.description)
    }

    @Test func matchesDecimalDescriptionForComputedAndRandomValues() {
        var generator = SystemRandomNumberGenerator()
        var values: [Decimal] = [.nan, Decimal(1) / Decimal(3), Decimal(string: "0.10")! * 3, Decimal(string: "1.5")! + 1.5]
        for _ in 0..<5_000 {
            let digits = String(UInt64.random(in: 0...UInt64.max, using: &generator))
            let scale = Int.random(in: 0...25, using: &generator)
            let sign = Bool.random(using: &generator) ? "-" : ""
            let text =
                scale < digits.count
                ? sign + digits.prefix(digits.count - scale) + "." + digits.suffix(scale)
                : sign + "0." + String(repeating: "0", count: scale - digits.count) + digits
            values.append(Decimal(string: text)!)
            values.append(Decimal(string: digits + "e\(Int.random(in: -30...30, using: &generator))")!)
        }
        for value in values {
            #expect(DecimalText.text(value) == value.description)
        }
    }
}
