extension PixelDestination {
    /// Checks that `url` is a Graph API origin the access token may be sent to.
    ///
    /// The token travels in the query string (`?access_token=…`), so over plain HTTP anyone
    /// on the path could read it. `https://` is required, except for a loopback host
    /// (`localhost`, `127.0.0.0/8`, `[::1]`), where a fake Graph API runs in tests.
    ///
    /// - Throws: ``DeliveryError/Code/invalidConfiguration`` saying what to change. The message
    ///   names the scheme and host, never the token.
    public static func checkBaseURL(_ url: String) throws(DeliveryError) {
        let lowered = url.lowercased()
        if lowered.hasPrefix("https://") { return }
        guard lowered.hasPrefix("http://") else {
            throw DeliveryError(
                code: .invalidConfiguration,
                message: "the Graph API URL must start with https:// (such as \(defaultBaseURL))")
        }
        let host = Self.host(ofAuthority: lowered.dropFirst("http://".count))
        guard isLoopback(host) else {
            throw DeliveryError(
                code: .invalidConfiguration,
                message: "the Graph API URL uses http:// for host \(host.isEmpty ? "(none)" : String(host)), which would send "
                    + "the access token unencrypted; use https:// (plain http:// is allowed only for localhost, 127.0.0.1 or [::1])"
            )
        }
    }

    /// The host of the authority at the start of `rest` (after `scheme://`), without user
    /// information and port.
    static func host(ofAuthority rest: Substring) -> Substring {
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" && $0 != "\\" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("[") {
            return authority.firstIndex(of: "]").map { authority[...$0] } ?? authority
        }
        return authority.prefix { $0 != ":" }
    }

    /// `localhost`, an IPv4 address in 127.0.0.0/8 written as four decimal numbers, or `[::1]`.
    static func isLoopback(_ host: Substring) -> Bool {
        if host == "localhost" || host == "[::1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber)
                && Int(part).map { $0 <= 255 } == true
        }
    }
}
