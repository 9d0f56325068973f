import CAPIModel

/// The domain `_fbc` and `_fbp` cookies are set on, and the `subdomainIndex` that goes
/// into their values.
///
/// The domain is the registrable domain (eTLD+1) of the request host from the Public
/// Suffix List, so one cookie serves every subdomain (`shop.example.co.uk` → `example.co.uk`).
/// `subdomainIndex` is its label count minus one, as Meta defines it (`example.com` → 1,
/// `example.co.uk` → 2). IP addresses and single-label hosts such as `localhost` get index 0
/// and a host-only cookie.
///
/// ```swift
/// let domain = CookieDomain(host: "https://shop.example.com:8443/cart")
/// domain?.domain          // "example.com"
/// domain?.subdomainIndex  // 1
/// ```
public struct CookieDomain: Hashable, Sendable, Codable {
    /// The cookie domain: an eTLD+1, an IP address (IPv6 in brackets) or a single-label host.
    public let domain: String
    /// The `subdomainIndex` field of fbc/fbp values set on ``domain``.
    public let subdomainIndex: Int
    /// True when the cookie must be host-only (no `Domain` attribute): IP addresses,
    /// single-label hosts and hosts that are themselves public suffixes.
    public let isHostOnly: Bool

    /// Creates a cookie domain directly, for apps that configure theirs.
    public init(domain: String, subdomainIndex: Int, isHostOnly: Bool) {
        self.domain = domain
        self.subdomainIndex = subdomainIndex
        self.isHostOnly = isHostOnly
    }

    /// Finds the cookie domain of a host.
    ///
    /// - Parameters:
    ///   - host: a `Host` header value (`shop.example.com:8443`, `[::1]:8080`) or a whole URL.
    ///   - publicSuffixList: the list to resolve eTLD+1 with.
    /// - Returns: `nil` when no host name can be read from `host`.
    public init?(host: String, publicSuffixList: PublicSuffixList = .shipped) {
        guard let name = HostName.extract(from: host) else { return nil }
        if let address = IPAddress(name) {
            self.init(domain: address.isIPv6 ? "[\(address)]" : address.description, subdomainIndex: 0, isHostOnly: true)
            return
        }
        guard name.contains(".") else {
            self.init(domain: name, subdomainIndex: 0, isHostOnly: true)  // localhost, intranet names
            return
        }
        if let registrable = publicSuffixList.registrableDomain(of: name) {
            self.init(
                domain: registrable, subdomainIndex: registrable.utf8.count(where: { $0 == UInt8(ascii: ".") }),
                isHostOnly: false)
        } else {
            // The host is a public suffix itself (an app on `github.io`, say): host-only cookie.
            self.init(domain: name, subdomainIndex: name.utf8.count(where: { $0 == UInt8(ascii: ".") }), isHostOnly: true)
        }
    }
}

/// Reads the host name out of a `Host` header value or a URL.
enum HostName {
    /// Strips the scheme, user info, path, query, fragment and port; removes IPv6 brackets
    /// and a trailing dot; lowercases. Returns `nil` when nothing usable is left.
    ///
    /// The host is only ever read from the authority: after `scheme://` at the very start, after
    /// a leading `//`, or from a `Host` header value (no scheme, no leading `/`). A request
    /// path (`/landing?next=https://evil.example.net/x`) has no host: a URL inside its query
    /// must never decide the cookie domain, or the browser drops the cookies.
    static func extract(from value: String) -> String? {
        var text = Substring(value.trimmingASCIIWhitespace)
        if let schemeEnd = Self.schemeEnd(text) {
            text = text[schemeEnd...]
        } else if text.hasPrefix("//") {
            text = text.dropFirst(2)
        } else if text.hasPrefix("/") {
            return nil
        }
        if let end = text.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { text = text[..<end] }
        if let at = text.lastIndex(of: "@") { text = text[text.index(after: at)...] }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            text = text[text.index(after: text.startIndex)..<close]
        } else if let colon = text.lastIndex(of: ":") {
            // More than one colon without brackets is a bare IPv6 address, not host:port.
            if text.firstIndex(of: ":") == colon { text = text[..<colon] }
        }
        if text.hasSuffix(".") { text = text.dropLast() }
        guard !text.isEmpty, text.allSatisfy({ !$0.isWhitespace }) else { return nil }
        return text.lowercased()
    }

    /// The index after `scheme://` when the text starts with one (RFC 3986: a letter, then
    /// letters, digits, `+`, `-` or `.`).
    static func schemeEnd(_ text: Substring) -> Substring.Index? {
        let utf8 = text.utf8
        guard let first = utf8.first, (first | 0x20) &- UInt8(ascii: "a") < 26 else { return nil }
        var index = utf8.index(after: utf8.startIndex)
        while index < utf8.endIndex {
            let byte = utf8[index]
            let isSchemeByte =
                (byte | 0x20) &- UInt8(ascii: "a") < 26 || byte &- UInt8(ascii: "0") < 10
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            guard isSchemeByte else { break }
            index = utf8.index(after: index)
        }
        guard text[index...].hasPrefix("://") else { return nil }
        return text.index(index, offsetBy: 3)
    }
}

extension String {
    /// The string without leading and trailing ASCII whitespace.
    var trimmingASCIIWhitespace: Substring {
        var text = Substring(self)
        while let first = text.utf8.first, first.isASCIIWhitespace { text = text.dropFirst() }
        while let last = text.utf8.last, last.isASCIIWhitespace { text = text.dropLast() }
        return text
    }
}
