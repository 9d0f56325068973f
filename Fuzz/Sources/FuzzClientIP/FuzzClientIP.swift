// Fuzzes what Matching reads from proxy headers: IP addresses, CIDR ranges, and client IP
// resolution from `Forwarded` (RFC 7239) and `X-Forwarded-For` behind trusted proxies. The
// input is split on 0x00 into: peer address, a trusted range, Forwarded, X-Forwarded-For
// (the last two split again on 0x01 into several header values).
//
// Invariants: no crash; a parsed address prints canonically and parses back to itself; a
// parsed range contains its network and parses back from its description; a resolution
// has an address or a problem, never both; its source is consistent with the headers
// given (Forwarded wins over X-Forwarded-For); the peer is read exactly as an independent
// RFC 7239 node parser reads it; an untrusted, readable peer is the client.
import Matching

let fixedProxies = [IPAddressRange("10.0.0.0/8")!, IPAddressRange("fd00::/8")!, IPAddressRange("::1/128")!]

func checkAddress(_ text: Substring) -> IPAddress? {
    guard let address = IPAddress(text) else { return nil }
    let canonical = address.description
    precondition(canonical.utf8.count <= 45, "canonical form too long")
    precondition(IPAddress(canonical) == address, "canonical form does not parse back")
    precondition(IPAddress(canonical)?.description == canonical, "canonical form is not stable")
    return address
}

/// RFC 7239 `node` with an IP address, written independently of the library:
/// `[v6]`, `[v6]:port`, `v4`, `v4:port` or a bare v6; port = 1*5DIGIT / "_" 1*(ALPHA / DIGIT / "." / "_" / "-").
func referenceAddress(_ hop: String) -> IPAddress? {
    func isPort(_ port: Substring) -> Bool {
        let ascii = port.unicodeScalars.allSatisfy(\.isASCII)
        if port.first == "_" {
            return ascii && port.count > 1
                && port.dropFirst().allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-" }
        }
        return ascii && (1...5).contains(port.count) && port.allSatisfy(\.isNumber)
    }
    if hop.hasPrefix("[") {
        guard let close = hop.firstIndex(of: "]") else { return nil }
        let rest = hop[hop.index(after: close)...]
        if !rest.isEmpty {
            guard rest.first == ":", isPort(rest.dropFirst()) else { return nil }
        }
        return IPAddress(hop[hop.index(after: hop.startIndex)..<close])
    }
    let parts = hop.split(separator: ":", omittingEmptySubsequences: false)
    if parts.count == 2 {
        return isPort(parts[1]) ? IPAddress(parts[0]) : nil
    }
    return IPAddress(hop)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    var fields = bytes.split(separator: 0, maxSplits: 3, omittingEmptySubsequences: false)
        .map { String(decoding: $0, as: UTF8.self) }
    while fields.count < 4 { fields.append("") }
    let peer = fields[0]
    let forwarded = fields[2].isEmpty ? [] : fields[2].split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init)
    let xForwardedFor = fields[3].split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init)

    _ = checkAddress(Substring(peer))
    var proxies = fixedProxies
    if let range = IPAddressRange(fields[1]) {
        precondition(range.contains(range.network), "a range does not contain its network")
        precondition(IPAddressRange(range.description) == range, "range description does not parse back")
        proxies.append(range)
    }
    for value in forwarded + xForwardedFor {
        for piece in value.split(whereSeparator: { ",;= \"[]".contains($0) }) { _ = checkAddress(piece) }
    }

    let resolver = ClientIPResolver(trustedProxies: proxies)
    for peerAddress in [peer.isEmpty ? nil : peer, nil] {
        let resolution = resolver.resolve(peerAddress: peerAddress, forwarded: forwarded, xForwardedFor: xForwardedFor)
        precondition((resolution.address == nil) != (resolution.problem == nil), "address and problem disagree")
        precondition((resolution.address == nil) == (resolution.source == nil), "address and source disagree")
        switch resolution.source {
        case .peer?: precondition(peerAddress.flatMap(referenceAddress) == resolution.address, "peer misread")
        case .forwarded?: precondition(!forwarded.isEmpty, "a Forwarded hop without a Forwarded header")
        case .xForwardedFor?: precondition(forwarded.isEmpty, "X-Forwarded-For used although Forwarded is present")
        case nil: break
        }
        if let peerAddress, let peerIP = referenceAddress(peerAddress), !proxies.contains(where: { $0.contains(peerIP) }) {
            precondition(resolution.address == peerIP && resolution.source == .peer, "an untrusted peer is not the client")
        }
    }
    return 0
}
