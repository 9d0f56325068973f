import CAPIModel
import Foundation
import Dedup
import Testing

@Suite struct EventIDTests {
    @Test(arguments: [
        ("84213", "ord_84213"),
        ("#1001", "ord_#1001"),
        ("SO-2026-00042", "ord_SO-2026-00042"),
        ("commande-é", "ord_commande-é"),
    ])
    func orderIDs(orderID: String, expected: String) throws {
        #expect(try EventID.forOrder(orderID).rawValue == expected)
        #expect(try EventID.make(eventName: .purchase, businessKey: .order(orderID)).rawValue == expected)
    }

    /// Expected values computed independently with Python's hashlib:
    /// `"evt_" + sha256(b"eid1\0" + ns + b"\0" + name + b"\0" + key).hexdigest()[:32]`.
    @Test(arguments: [
        ("roasproof", "Lead", "form-7/submission-991", "evt_5aafb85d7e4d3258dadc8cff8830f935"),
        ("roasproof", "Purchase", "84213", "evt_bd8566df74b9588fdacce5759a98906f"),
        ("shop-b", "Lead", "form-7/submission-991", "evt_4095caf8e743ddbd1883f5443b69e1d6"),
        ("roasproof", "Lead", "größe ✓", "evt_49cea34adf761c9ac4fb3689dcf7b3d2"),
    ])
    func derivedIDs(namespace: String, eventName: String, key: String, expected: String) throws {
        let id = try EventID.derive(eventName: EventName(eventName), key: key, namespace: namespace)
        #expect(id.rawValue == expected)
        // Pure: the same inputs give the same id every time.
        #expect(try EventID.derive(eventName: EventName(eventName), key: key, namespace: namespace) == id)
    }

    @Test func derivationSeparatesEventNamesAndKeys() throws {
        let lead = try EventID.derive(eventName: .lead, key: "42")
        let contact = try EventID.derive(eventName: .contact, key: "42")
        let other = try EventID.derive(eventName: .lead, key: "43")
        #expect(lead != contact)
        #expect(lead != other)
        #expect(lead.rawValue.hasPrefix("evt_") && lead.rawValue.utf8.count == 36)
        #expect(try EventID.make(eventName: .lead, businessKey: .key("42")) == lead)
    }

    @Test(arguments: [
        ("", EventIDError.Code.empty),
        (" 84213", .surroundingWhitespace),
        ("84213\n", .controlCharacters),
        ("84\u{0}213", .controlCharacters),
        ("84\u{2028}213", .controlCharacters),
        ("\u{00A0}84213", .surroundingWhitespace),
        (String(repeating: "9", count: 201), .tooLong),
    ])
    func rejectedOrderIDs(orderID: String, code: EventIDError.Code) {
        #expect(throws: EventIDError(field: .orderID, code: code)) { try EventID.forOrder(orderID) }
    }

    @Test func errorsNeverRepeatTheInput() {
        do {
            _ = try EventID.forOrder(" secret-order ")
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("secret"))
            #expect(error.field == .orderID)
        }
    }

    @Test func codableRoundTrip() throws {
        let id = try EventID.forOrder("84213")
        let data = try CAPIJSON.encode(id)
        #expect(String(decoding: data, as: UTF8.self) == "\"ord_84213\"")
        #expect(try CAPIJSON.decode(EventID.self, from: data) == id)
        #expect(throws: (any Error).self) { try CAPIJSON.decode(EventID.self, from: Data("\"\"".utf8)) }
    }

    /// A derived id is stored as its 16 bytes and spelled out on demand; an id decoded from
    /// the same text must be the same value in every respect.
    @Test func derivedIDsEqualTheirDecodedText() throws {
        let id = try EventID.derive(eventName: .lead, key: "form-7/submission-991")
        #expect(id.rawValue == "evt_5aafb85d7e4d3258dadc8cff8830f935")
        #expect(id.description == id.rawValue)
        let data = try CAPIJSON.encode(id)
        #expect(String(decoding: data, as: UTF8.self) == "\"evt_5aafb85d7e4d3258dadc8cff8830f935\"")
        let decoded = try CAPIJSON.decode(EventID.self, from: data)
        #expect(decoded == id)
        #expect(decoded.hashValue == id.hashValue)
        #expect(decoded.rawValue == id.rawValue && decoded.description == id.description)
        #expect(Set([id, decoded]).count == 1)
        #expect(try EventID.make(eventName: .lead, businessKey: .key("form-7/submission-991")) == decoded)
    }

    /// Text that only resembles a derived id is kept byte for byte and stays a different id.
    @Test(arguments: [
        "evt_5AAFB85D7E4D3258DADC8CFF8830F935",  // uppercase hex
        "evt_5aafb85d7e4d3258dadc8cff8830f93",  // one digit short
        "evt_5aafb85d7e4d3258dadc8cff8830f935a",  // one digit long
        "evt_5aafb85d7e4d3258dadc8cff8830f93g",  // not hex
        "EVT_5aafb85d7e4d3258dadc8cff8830f935",  // prefix case
        "ord_5aafb85d7e4d3258dadc8cff8830f935",
    ])
    func lookalikeTextStaysText(text: String) throws {
        let id = try EventID.derive(eventName: .lead, key: "form-7/submission-991")
        let decoded = try CAPIJSON.decode(EventID.self, from: CAPIJSON.encode(text))
        #expect(decoded.rawValue == text)
        #expect(decoded.description == text)
        #expect(decoded != id)
        #expect(String(decoding: try CAPIJSON.encode(decoded), as: UTF8.self) == "\"\(text)\"")
        #expect(try CAPIJSON.decode(EventID.self, from: CAPIJSON.encode(decoded)) == decoded)
    }

    @Test func keysWithSpecialBytesInEveryPosition() throws {
        // The byte scan reads eight bytes at a time and the tail separately; a control
        // character must be found wherever it sits.
        for length in 1...40 {
            for position in 0..<length {
                var bytes = [UInt8](repeating: UInt8(ascii: "k"), count: length)
                bytes[position] = 0x7F
                let key = String(decoding: bytes, as: UTF8.self)
                #expect(throws: EventIDError(field: .key, code: .controlCharacters)) {
                    try EventID.derive(eventName: .lead, key: key)
                }
                bytes[position] = 0x1F
                #expect(throws: EventIDError(field: .key, code: .controlCharacters)) {
                    try EventID.derive(eventName: .lead, key: String(decoding: bytes, as: UTF8.self))
                }
            }
            let plain = String(repeating: "~", count: length)
            #expect(throws: Never.self) { try EventID.derive(eventName: .lead, key: plain) }
        }
    }
}
