extension Builder {
    /// What ``userAgent(_:limit:into:)`` checks of a user agent, written out plainly: its
    /// length in bytes, whether it is only spaces and tabs (or empty), and whether it has an
    /// ASCII control character or DEL.
    ///
    /// ``scanUserAgent(_:)`` (in `Builder+UserAgentScan+FastPath.swift`) is what the
    /// assembler runs; this is the definition it must equal (`UserAgentScanTests`).
    static func scanUserAgentPlainly(_ value: String) -> (length: Int, blank: Bool, control: Bool) {
        let bytes = value.utf8
        return (
            length: bytes.count,
            blank: bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 },
            control: bytes.contains { $0 < 0x20 || $0 == 0x7F }
        )
    }
}
