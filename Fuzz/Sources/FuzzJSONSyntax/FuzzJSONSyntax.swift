// Fuzzes the worker's check of stored events (JSONSyntax.isObject) against Foundation's
// JSON decoder. A stored event that Foundation reads as a JSON object must never be
// quarantined as unreadable; what the check accepts must survive being spliced into a
// request body.
//
// Invariants: no crash; Foundation decodes an object ⇒ the check accepts it (and the
// re-encoded object too); an accepted text spliced into `{"data":[…]}` is still accepted.
//
// Foundation's decoder (Swift 6.3) is more lenient than RFC 8259 in ways the fuzzer found:
// it skips a leading byte order mark, accepts a trailing comma before `}`, reads
// `{<NUL>}<NUL>` as an empty object, and never looks at a value whose key repeats an earlier
// one (`{"a":[],"a":"\uZZZZ"}` decodes), so anything may hide there. The check refuses all of
// these on purpose (our encoders never write them, and each would break the request body an
// event is spliced into). An input is compared only when JSONSerialization, which reads every
// value, accepts it too, and it has no BOM, trailing comma or NUL byte.
import CAPIModel
import Delivery
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    let accepted = JSONSyntax.isObject(text)
    if case .object(let members)? = try? CAPIJSON.decode(JSONValue.self, from: Data(text.utf8)) {
        if !text.hasPrefix("\u{FEFF}") && !hasTrailingComma(text) && !text.utf8.contains(0)
            && (try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil
        {
            precondition(accepted, "an object Foundation reads was refused")
        }
        if let encoded = try? CAPIJSON.encode(JSONValue.object(members)) {
            precondition(JSONSyntax.isObject(String(decoding: encoded, as: UTF8.self)), "re-encoded object refused")
        }
    }
    if accepted {
        precondition(JSONSyntax.isObject(#"{"data":"# + text + "}"), "an accepted object does not nest")
    }
    return 0
}

/// True when a `,` is followed (after whitespace) by `}` or `]` outside a string.
func hasTrailingComma(_ text: String) -> Bool {
    var inString = false
    var escaped = false
    var afterComma = false
    for byte in text.utf8 {
        if inString {
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                inString = false
            }
            continue
        }
        switch byte {
        case UInt8(ascii: "\""): inString = true; afterComma = false
        case UInt8(ascii: ","): afterComma = true
        case UInt8(ascii: "}"), UInt8(ascii: "]"): if afterComma { return true }
        case 0x20, 0x09, 0x0A, 0x0D: break
        default: afterComma = false
        }
    }
    return false
}


