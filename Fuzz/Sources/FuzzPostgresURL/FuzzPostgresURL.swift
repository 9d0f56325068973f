// Fuzzes the PostgreSQL URL parser (PostgresEventStore.clientConfiguration(url:)), which
// reads a setting that holds a password.
//
// Invariants: no crash on any text; an error is typed (invalidConfiguration) and, for a URL
// without a query, never repeats its user information; and a URL built from fuzzed parts (user, password and
// database percent-encoded, a host, a port) parses back to exactly those parts.
import Delivery
import DeliveryPostgres

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let text = String(decoding: bytes, as: UTF8.self)

    // 1. Any text.
    do {
        _ = try PostgresEventStore.clientConfiguration(url: text)
    } catch let error as DeliveryError {
        precondition(error.code == .invalidConfiguration, "an untyped failure")
        // Without a query (whose parameter names are quoted), the message has no part of the URL.
        if !text.contains("?"), let at = text.lastIndex(of: "@"), let scheme = text.range(of: "://") {
            let userinfo = text[scheme.upperBound..<max(scheme.upperBound, at)]
            if userinfo.utf8.count >= 6 { precondition(!error.message.contains(userinfo), "the error repeats the user information") }
        }
    } catch {
        preconditionFailure("not a DeliveryError: \(error)")
    }

    // 2. Parts → URL → parts. Fields are separated by NUL bytes in the input.
    let fields = bytes.split(separator: 0, maxSplits: 4, omittingEmptySubsequences: false)
    guard fields.count == 5 else { return 0 }
    let user = String(decoding: fields[0], as: UTF8.self)
    let password = String(decoding: fields[1], as: UTF8.self)
    let hostLetters = Array("abcdefghijklmnopqrstuvwxyz0123456789.-".utf8)
    let host = String(decoding: fields[2].map { hostLetters[Int($0) % hostLetters.count] }, as: UTF8.self)
    let port = 1 + Int(fields[3].reduce(UInt16(0)) { $0 &* 31 &+ UInt16($1) }) % 65_535
    let database = String(decoding: fields[4], as: UTF8.self)
    guard !user.isEmpty, !host.isEmpty else { return 0 }
    let url = "postgres://\(encoded(user)):\(encoded(password))@\(host):\(port)/\(encoded(database))"
    guard let configuration = try? PostgresEventStore.clientConfiguration(url: url) else {
        preconditionFailure("a well-formed URL was refused")
    }
    precondition(configuration.username == user, "user changed")
    precondition(configuration.password == password, "password changed")
    precondition(configuration.host == host, "host changed")
    precondition(configuration.port == port, "port changed")
    precondition(configuration.database == (database.isEmpty ? nil : database), "database changed")
    return 0
}

/// Every byte but RFC 3986's unreserved characters percent-encoded.
func encoded(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            out.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            let hex = String(byte, radix: 16, uppercase: true)
            out += "%" + (hex.count == 1 ? "0" : "") + hex
        }
    }
    return out
}
