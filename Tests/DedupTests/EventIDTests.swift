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
}
