// Fuzzes the escaping of the browser pixel call (Dedup's ScriptEscaping and
// PixelHandoff.scriptSnippet), which is placed inside an HTML <script> element.
//
// Invariants: no crash; a double-quoted literal decodes (as JSON) to exactly the input, and
// the single-quoted one is the same text between other quotes; neither holds `<`, `>`, `&`,
// a quote, a line terminator, a control or format character literally; a whole snippet built
// from fuzzed names, ids and custom data never holds `</script`, `<!--` or a line break, and
// its `json` form decodes back to the same name and id.
import CAPIModel
import Dedup
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)

    let quoted = ScriptEscaping.doubleQuoted(text)
    let decoded = try? JSONDecoder().decode(String.self, from: Data(quoted.utf8))
    precondition(decoded == text, "a double-quoted literal does not mean its input")
    let single = ScriptEscaping.singleQuoted(text)
    // Scalar by scalar: a combining mark after a quote must not hide it.
    let inner = Array(quoted.unicodeScalars.dropFirst().dropLast())
    precondition(Array(single.unicodeScalars.dropFirst().dropLast()) == inner, "the two literals differ")
    precondition(!inner.contains(where: isUnsafeInScript), "an unsafe character survived")

    // Three fields from one input: event name, order id and content name.
    let parts = text.split(separator: "\u{0}", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
    let name = parts[0]
    let order = parts.count > 1 ? parts[1] : "84213"
    let content = parts.count > 2 ? parts[2] : ""
    guard let eventID = try? EventID.forOrder(order),
        let handoff = try? PixelHandoff(
            eventName: EventName(name), eventID: eventID, customData: CustomData(value: 1, currency: "EUR", contentName: content))
    else { return 0 }
    let snippet = handoff.scriptSnippet
    // Without a literal `<`, neither `</script` nor `<!--` can occur.
    precondition(!snippet.unicodeScalars.contains("<"), "a literal < in the snippet")
    precondition(!snippet.unicodeScalars.contains { $0 == "\n" || $0 == "\r" || $0 == "\u{2028}" || $0 == "\u{2029}" })
    struct Call: Decodable {
        var event_name: String
        var event_id: String
        var parameters: [String: JSONValue]
    }
    let call = try? JSONDecoder().decode(Call.self, from: Data(handoff.json.utf8))
    precondition(call?.event_name == name && call?.event_id == eventID.rawValue, "the json form changed the name or id")
    precondition(call?.parameters["content_name"] == .string(content), "the json form changed custom data")
    return 0
}

/// What may never appear literally inside a string literal in <script>.
func isUnsafeInScript(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case "<", ">", "&", "'", "\"", "\u{2028}", "\u{2029}": true
    default: scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.properties.generalCategory == .format
    }
}
