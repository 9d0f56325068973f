/// A CIDR block such as `10.0.0.0/8` or `2001:db8::/32`, used to list trusted proxies.
public struct IPAddressRange: Hashable, Sendable, CustomStringConvertible {
    /// The first address of the block.
    public let network: IPAddress
    /// The prefix length in bits.
    public let prefixLength: Int

    /// Parses `address/prefix` or a single address (a /32 or /128 block).
    /// Returns `nil` for malformed text or a prefix longer than the address.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let width = address.isIPv4 ? 32 : 128
        var length = width
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...width).contains(parsed) else { return nil }
            length = parsed
        }
        self.prefixLength = length
        self.network = IPAddress(storage: Self.mask(address.storage, length))
    }

    /// True when `address` lies in the block (IPv4 blocks never contain IPv6 addresses).
    public func contains(_ address: IPAddress) -> Bool {
        switch (address.storage, network.storage) {
        case (.v4, .v4), (.v6, .v6): Self.mask(address.storage, prefixLength) == network.storage
        default: false
        }
    }

    public var description: String { "\(network)/\(prefixLength)" }

    private static func mask(_ storage: IPAddress.Storage, _ length: Int) -> IPAddress.Storage {
        switch storage {
        case .v4(let a):
            return .v4(length == 0 ? 0 : a & (UInt32.max << (32 - length)))
        case .v6(let high, let low):
            let highMask: UInt64 = length >= 64 ? .max : (length == 0 ? 0 : UInt64.max << (64 - length))
            let lowMask: UInt64 = length <= 64 ? 0 : (length == 128 ? .max : UInt64.max << (128 - length))
            return .v6(high & highMask, low & lowMask)
        }
    }
}

extension IPAddressRange {
    /// Loopback and the private ranges where reverse proxies and load balancers usually live:
    /// 127.0.0.0/8, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, ::1 and fc00::/7.
    public static let privateNetworks: [IPAddressRange] = [
        "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128", "fc00::/7",
    ].compactMap(IPAddressRange.init)
}
