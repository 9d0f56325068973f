import CAPIModel
import Foundation
import Testing

/// Hostile JSON where RoasProof decodes it: Graph answers, stored events and request bodies.
/// Every case is a thrown `DecodingError` or an exact value, in bounded time; none crashes.
@Suite("Hostile JSON at the decoders")
struct HostileDecodeTests {
    static let event = #"{"event_name":"Purchase","event_time":1767225600,"action_source":"website","user_data":{}}"#

    static func decodeAll(_ bytes: [UInt8]) -> [Bool] {
        let data = Data(bytes)
        let start = ContinuousClock.now
        let outcomes = [
            (try? CAPIJSON.decode(EventsResponse.self, from: data)) != nil,
            (try? CAPIJSON.decode(GraphErrorResponse.self, from: data)) != nil,
            (try? CAPIJSON.decode(ServerEvent.self, from: data)) != nil,
            (try? CAPIJSON.decode(EventRequest.self, from: data)) != nil,
            (try? CAPIJSON.decode(JSONValue.self, from: data)) != nil,
        ]
        #expect(ContinuousClock.now - start < .seconds(5))
        return outcomes
    }

    @Test("nesting far beyond any real answer is refused, not a stack overflow", arguments: [600, 10_000, 1_000_000])
    func deepNesting(_ depth: Int) {
        let arrays = Array(repeating: UInt8(ascii: "["), count: depth) + Array(repeating: UInt8(ascii: "]"), count: depth)
        #expect(Self.decodeAll(arrays) == [false, false, false, false, false])
        let objects =
            Array(String(repeating: #"{"a":"#, count: depth).utf8) + [UInt8(ascii: "1")]
            + Array(repeating: UInt8(ascii: "}"), count: depth)
        #expect(Self.decodeAll(objects) == [false, false, false, false, false])
        // The same, hidden in custom_data of a stored event and in an error's error_data.
        let custom = #"{"event_name":"Purchase","event_time":1,"action_source":"website","user_data":{},"custom_data":{"x":"#
        let hidden = Array(custom.utf8) + arrays + Array("}}".utf8)
        #expect((try? CAPIJSON.decode(ServerEvent.self, from: Data(hidden))) == nil)
        let errorData = Array(#"{"error":{"message":"m","code":1,"error_data":"#.utf8) + arrays + Array("}}".utf8)
        #expect((try? CAPIJSON.decode(GraphErrorResponse.self, from: Data(errorData))) == nil)
    }

    @Test func invalidUTF8IsRefused() {
        for bad in [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]] as [[UInt8]] {
            let body = Array(#"{"events_received":1,"messages":[""#.utf8) + bad + Array(#""]}"#.utf8)
            #expect((try? CAPIJSON.decode(EventsResponse.self, from: Data(body))) == nil)
        }
    }

    @Test func rawNULAndControlBytesAreRefusedButEscapesDecode() throws {
        let raw = Array(#"{"events_received":1,"fbtrace_id":"a"#.utf8) + [0] + Array(#"b"}"#.utf8)
        #expect((try? CAPIJSON.decode(EventsResponse.self, from: Data(raw))) == nil)
        let escaped = try CAPIJSON.decode(EventsResponse.self, from: Data(#"{"events_received":1,"fbtrace_id":"a\u0000b"}"#.utf8))
        #expect(escaped.fbtraceID == "a\u{0}b")
    }

    @Test func megabyteStringsDecodeExactly() throws {
        let big = String(repeating: "é", count: 1 << 19)
        let body = #"{"events_received":3,"messages":["\#(big)"],"fbtrace_id":"t"}"#
        let response = try CAPIJSON.decode(EventsResponse.self, from: Data(body.utf8))
        #expect(response.messages == [big])
        let eventBody = #"{"event_name":"\#(big)","event_time":1,"action_source":"website","user_data":{}}"#
        #expect(try CAPIJSON.decode(ServerEvent.self, from: Data(eventBody.utf8)).eventName.rawValue == big)
    }

    @Test func tenThousandContentIDsDecode() throws {
        let ids = (0..<10_000).map { "\"sku-\($0)\"" }.joined(separator: ",")
        let body =
            #"{"event_name":"Purchase","event_time":1,"action_source":"website","user_data":{},"custom_data":{"content_ids":[\#(ids)]}}"#
        #expect(try CAPIJSON.decode(ServerEvent.self, from: Data(body.utf8)).customData?.contentIDs?.count == 10_000)
    }

    @Test func truncatedAndWrongTypesAreRefused() {
        let full = Array(Self.event.utf8)
        for length in stride(from: 0, to: full.count, by: 7) {
            #expect((try? CAPIJSON.decode(ServerEvent.self, from: Data(full[..<length]))) == nil)
        }
        for body in [
            #"{"events_received":"3"}"#, #"{"events_received":1e400}"#, #"{"events_received":99999999999999999999999}"#,
            #"{"error":{"code":"190"}}"#, #"{"error":null}"#, "[]", "null", "",
        ] {
            #expect((try? CAPIJSON.decode(EventsResponse.self, from: Data(body.utf8)))?.eventsReceived != 3, "\(body)")
            if body.contains("error") {
                #expect((try? CAPIJSON.decode(GraphErrorResponse.self, from: Data(body.utf8))) == nil, "\(body)")
            }
        }
    }
}
