// Fuzzes decoding of what the Graph API (or a stored receipt) hands back: success and error
// responses and whole request bodies. A decoded request must survive an encode/decode round
// trip unchanged.
import CAPIModel
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    _ = try? CAPIJSON.decode(EventsResponse.self, from: data)
    _ = try? CAPIJSON.decode(GraphErrorResponse.self, from: data).error.description
    if let request = try? CAPIJSON.decode(EventRequest.self, from: data) {
        guard let encoded = try? CAPIJSON.encode(request) else { preconditionFailure("a decoded request does not encode") }
        let again = try? CAPIJSON.decode(EventRequest.self, from: encoded)
        precondition(again == request, "request changed in an encode/decode round trip")
    }
    return 0
}
