// Fuzzes what Matching reads from browser requests: _fbc/_fbp cookies, landing URLs and
// referers (fbclid capture), X-Forwarded-For/Forwarded headers and cookie domains. The
// input is split on 0x00 into up to five fields.
//
// Invariants: no crash; an accepted cookie is kept byte for byte; a captured click gives a
// well-formed fbc; fbc/fbp produced by the resolver parse as valid cookies.
import CAPIModel
import Matching

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    var fields = bytes.split(separator: 0, maxSplits: 4, omittingEmptySubsequences: false)
        .map { String(decoding: $0, as: UTF8.self) }
    while fields.count < 5 { fields.append("") }

    for kind in [FacebookCookie.Kind.fbc, .fbp] {
        if let cookie = try? FacebookCookie(parsing: fields[0], as: kind) {
            precondition(cookie.value == fields[0], "cookie value changed")
            _ = cookie.payload
        }
    }

    let capture = ClickCapture.capture(url: fields[1], referer: fields[2], at: Timestamp(milliseconds: 1_780_828_882_512))
    if let click = capture.click {
        precondition(!click.fbclid.isEmpty, "empty fbclid captured")
        // Percent escapes are decoded, so `%26` may yield `&`; what matters is that the click
        // makes a well-formed fbc cookie.
        precondition((try? FacebookCookie(parsing: click.fbc(subdomainIndex: 1), as: .fbc)) != nil, "click gives an invalid fbc")
    }

    let resolver = ClientIPResolver(trustedProxies: [IPAddressRange("10.0.0.0/8")!, IPAddressRange("::1/128")!])
    let resolution = resolver.resolve(peerAddress: fields[3].isEmpty ? nil : fields[3],
                                      forwarded: [fields[4]], xForwardedFor: [fields[4]])
    _ = resolution.address?.description

    var rng = SystemRandomNumberGenerator()
    let request = BrowserRequest(url: fields[1], referer: fields[2], fbcCookie: fields[0], fbpCookie: fields[0])
    let ids = ClickIDResolver().resolve(request, at: Timestamp(milliseconds: 1_780_828_882_512), using: &rng)
    if let fbc = ids.fbc { precondition((try? FacebookCookie(parsing: fbc, as: .fbc)) != nil, "resolver produced an invalid fbc") }
    if let fbp = ids.fbp { precondition((try? FacebookCookie(parsing: fbp, as: .fbp)) != nil, "resolver produced an invalid fbp") }
    if let host = fields[3].split(separator: "/").first { _ = CookieDomain(host: String(host)) }
    return 0
}
