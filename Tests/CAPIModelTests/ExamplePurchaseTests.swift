import CAPIModel
import FoundationEssentials
import Testing

/// Rebuilds a complete example Purchase (order 84213, two products, hashed email and phone,
/// fbc, fbp, IP and user agent) and checks the JSON Meta would receive.
@Suite struct ExamplePurchaseTests {
    static let emailHash = "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d"  // jane.doe@example.com
    static let phoneHash = "8efb96404be52f6109b9db0f687274a81e9e3cc23fabd6f0da5d38baa3d2facd"  // 4915112345678
    static let visitorHash = "104095edb86037653a08b0236b776f21d996df9c95275d8d6f8b2f106ca198bf"

    static func examplePurchaseRequest() throws -> EventRequest {
        var user = UserData()
        user.emails = [try #require(HashedIdentifier(hexString: emailHash))]
        user.phones = [try #require(HashedIdentifier(hexString: phoneHash))]
        user.externalIDs = [try #require(HashedIdentifier(hexString: visitorHash))]
        user.fbp = "fb.1.1780828882512.83179243"
        user.fbc = "fb.1.1780828882512.IwZXh0bgNhZW0"
        user.clientIPAddress = "203.0.113.24"
        user.clientUserAgent = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X)"
        let custom = CustomData(
            value: 184.50, currency: "EUR", contentIDs: ["SKU-2481", "SKU-1177"], contentType: "product",
            orderID: "84213")
        let event = ServerEvent(
            eventName: .purchase, eventTime: Timestamp(seconds: 1_781_430_082), actionSource: .website,
            userData: user, customData: custom, eventID: "ord_84213",
            eventSourceURL: "https://store.example/checkout/thank-you")
        return EventRequest(data: [event], testEventCode: "TEST61045")
    }

    @Test func encodesTheExamplePurchaseExactly() throws {
        let json = String(decoding: try CAPIJSON.encode(Self.examplePurchaseRequest()), as: UTF8.self)
        let expected = """
            {"data":[{"action_source":"website","custom_data":{"content_ids":["SKU-2481","SKU-1177"],\
            "content_type":"product","currency":"EUR","order_id":"84213","value":184.5},\
            "event_id":"ord_84213","event_name":"Purchase","event_source_url":"https://store.example/checkout/thank-you",\
            "event_time":1781430082,"user_data":{"client_ip_address":"203.0.113.24",\
            "client_user_agent":"Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X)",\
            "em":["\(Self.emailHash)"],"external_id":["\(Self.visitorHash)"],\
            "fbc":"fb.1.1780828882512.IwZXh0bgNhZW0","fbp":"fb.1.1780828882512.83179243",\
            "ph":["\(Self.phoneHash)"]}}],"test_event_code":"TEST61045"}
            """
        #expect(json == expected)
    }

    @Test func roundTripsThroughJSON() throws {
        let request = try Self.examplePurchaseRequest()
        let decoded = try CAPIJSON.decode(EventRequest.self, from: CAPIJSON.encode(request))
        #expect(decoded == request)
    }

    @Test(arguments: [
        ("184.50", "184.5"), ("0.1", "0.1"), ("19.99", "19.99"), ("1000", "1000"), ("0.30", "0.3"),
        ("123456789.01", "123456789.01"),
    ])
    func writesMoneyExactly(input: String, expected: String) throws {
        let value = try #require(Decimal(string: input))
        let json = String(decoding: try CAPIJSON.encode(CustomData(value: value)), as: UTF8.self)
        #expect(json == "{\"value\":\(expected)}")
    }

    @Test func floatLiteralsBecomeExactDecimals() throws {
        let sum = 0.1 + 0.2  // 0.30000000000000004 in binary
        #expect(Decimal(exactly: 184.50).description == "184.5")
        #expect(Decimal(exactly: sum).description == "0.30000000000000004")
        #expect(Decimal(exactly: 19.99).description == "19.99")
    }
}
