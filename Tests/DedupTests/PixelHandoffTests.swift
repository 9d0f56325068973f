import CAPIModel
import Dedup
import Foundation
import PropertyBased
import Testing

@Suite struct PixelHandoffTests {
    @Test func purchaseSnippet() throws {
        let handoff = try PixelHandoff(
            eventName: .purchase, eventID: EventID.forOrder("84213"),
            customData: CustomData(value: Decimal(string: "184.50"), currency: "EUR", contentIDs: ["sku-1"]))
        #expect(handoff.method == "track")
        #expect(
            handoff.scriptSnippet
                == #"fbq('track', 'Purchase', {"content_ids":["sku-1"],"currency":"EUR","value":184.5}, {eventID: 'ord_84213'});"#
        )
        #expect(
            handoff.json
                == #"{"event_id":"ord_84213","event_name":"Purchase","method":"track","parameters":{"content_ids":["sku-1"],"currency":"EUR","value":184.5}}"#
        )
    }

    @Test func customEventsUseTrackCustom() throws {
        let handoff = try PixelHandoff(
            eventName: "QuoteRequested", eventID: EventID.derive(eventName: "QuoteRequested", key: "q-1"),
            customData: nil)
        #expect(handoff.method == "trackCustom")
        #expect(handoff.scriptSnippet.hasPrefix("fbq('trackCustom', 'QuoteRequested', {}, {eventID: 'evt_"))
    }

    @Test func fromServerEvent() throws {
        var event = ServerEvent(
            eventName: .purchase, eventTime: Timestamp(seconds: 1), actionSource: .website, userData: UserData())
        #expect(try PixelHandoff(event: event) == nil)
        event.eventID = "ord_7"
        #expect(try PixelHandoff(event: event)?.eventID.rawValue == "ord_7")
    }

    @Test(arguments: [
        ("</script><script>alert(1)</script>", #"\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e"#),
        ("<!--", #"\u003c!--"#),
        ("it's \"x\" \\ y", #"it\u0027s \u0022x\u0022 \\ y"#),
        ("a\u{2028}b\u{2029}c", #"a\u2028b\u2029c"#),
        ("line\nbreak\r\ttab\u{0}nul", #"line\nbreak\r\ttab\u0000nul"#),
        ("Tom & Jerry > 1", #"Tom \u0026 Jerry \u003e 1"#),
        ("größe ✓ 🎉", "größe ✓ 🎉"),
        ("\u{FEFF}bom\u{200B}", #"\ufeffbom\u200b"#),
    ])
    func escapingTable(input: String, escaped: String) {
        #expect(ScriptEscaping.singleQuoted(input) == "'" + escaped + "'")
    }

    static let hostileFragments: [String] = [
        "</script>", "</SCRIPT >", "</ScRiPt", "<!--", "-->", "<script>", "<", ">", "&", "'", "\"", "\\", "\\'", "\\u2028",
        "\u{2028}", "\u{2029}", "\n", "\r", "\t", "\u{0}", "\u{1B}", "\u{7F}", "\u{85}", "${x}", "`", "/", "*/", "/*",
        "é", "🎉", "\u{FEFF}", "a", "1", " ", "]]>", "<![CDATA[", "%3C/script%3E",
    ]

    static let hostileStrings = Gen.element(of: hostileFragments).array(of: 0...12).map { $0.compactMap { $0 }.joined() }

    @Test func hostileStringsAreInertInsideScript() async {
        await propertyCheck(count: 500, input: Self.hostileStrings, Self.hostileStrings) { orderID, contentName in
            guard
                let id = try? EventID.derive(
                    eventName: "Custom</script>", key: orderID.isEmpty ? "k" : orderID,
                    namespace: "ns")
            else { return }
            var custom = CustomData(contentName: contentName, orderID: orderID)
            try? custom.customProperties.set(.string(orderID), forKey: "note<!--" + contentName)
            let handoff: PixelHandoff
            do {
                handoff = try PixelHandoff(eventName: EventName("Evt'" + contentName), eventID: id, customData: custom)
            } catch {
                Issue.record("hand-off failed: \(error)")
                return
            }
            for text in [handoff.scriptSnippet, handoff.json] {
                let lower = text.lowercased()
                #expect(!lower.contains("</script"))
                #expect(!lower.contains("<!--"))
                #expect(!text.contains("<") && !text.contains(">") && !text.contains("&"))
                #expect(!text.unicodeScalars.contains { $0 == "\u{2028}" || $0 == "\u{2029}" || $0.value < 0x20 })
            }
            // The JSON form means exactly the inputs.
            let decoded = try? JSONDecoder().decode(HandoffJSON.self, from: Data(handoff.json.utf8))
            #expect(decoded?.event_name == "Evt'" + contentName)
            #expect(decoded?.event_id == id.rawValue)
            #expect(decoded?.parameters["content_name"] == .string(contentName))
            #expect(decoded?.parameters["order_id"] == .string(orderID))
            #expect(decoded?.parameters["note<!--" + contentName] == .string(orderID))
        }
    }

    @Test func singleQuotedLiteralsRoundTrip() async {
        await propertyCheck(count: 500, input: Self.hostileStrings) { text in
            let literal = ScriptEscaping.singleQuoted(text)
            #expect(JavaScriptLiteral.decodeSingleQuoted(literal) == text)
            // The double-quoted form is also valid JSON for the same string.
            let json = ScriptEscaping.doubleQuoted(text)
            #expect((try? JSONDecoder().decode(String.self, from: Data(json.utf8))) == text)
        }
    }
}

/// The JSON shape of a hand-off, with its wire names.
// swift-format-ignore: AlwaysUseLowerCamelCase
struct HandoffJSON: Decodable {
    var event_id: String
    var event_name: String
    var method: String
    var parameters: [String: JSONValue]
}

/// A minimal decoder for the JavaScript string literals ScriptEscaping writes, to check round trips.
enum JavaScriptLiteral {
    static func decodeSingleQuoted(_ literal: String) -> String? {
        var scalars = Array(literal.unicodeScalars)
        guard scalars.count >= 2, scalars.first == "'", scalars.last == "'" else { return nil }
        scalars = Array(scalars.dropFirst().dropLast())
        var out = String.UnicodeScalarView()
        var i = 0
        var pendingHigh: UInt32? = nil
        while i < scalars.count {
            let c = scalars[i]
            if c == "'" || c == "\n" || c == "\r" || c == "\u{2028}" || c == "\u{2029}" { return nil }  // would end the literal
            guard c == "\\" else {
                out.append(c)
                i += 1
                continue
            }
            guard i + 1 < scalars.count else { return nil }
            let e = scalars[i + 1]
            switch e {
            case "n":
                out.append("\n")
                i += 2
            case "r":
                out.append("\r")
                i += 2
            case "t":
                out.append("\t")
                i += 2
            case "\\", "'", "\"":
                out.append(e)
                i += 2
            case "u":
                guard i + 6 <= scalars.count,
                    let value = UInt32(String(String.UnicodeScalarView(scalars[(i + 2)..<(i + 6)])), radix: 16)
                else { return nil }
                i += 6
                if (0xD800...0xDBFF).contains(value) {
                    pendingHigh = value
                    continue
                }
                if (0xDC00...0xDFFF).contains(value), let high = pendingHigh {
                    out.append(Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00))!)
                    pendingHigh = nil
                    continue
                }
                guard let scalar = Unicode.Scalar(value) else { return nil }
                out.append(scalar)
            default: return nil
            }
        }
        return String(out)
    }
}
