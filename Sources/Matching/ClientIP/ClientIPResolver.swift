/// Finds the buyer's IP address behind reverse proxies.
///
/// The hops of `Forwarded` (RFC 7239) or, when it is absent, `X-Forwarded-For` are read
/// together with the address of the peer that connected to the server. Walking from the
/// server outwards, every hop that is a configured trusted proxy is skipped; the first
/// hop that is not trusted is the client. Header hops to the left of it could have been
/// written by the client itself, so they are never used.
///
/// ```swift
/// var resolver = ClientIPResolver()
/// resolver.trustedProxies = IPAddressRange.privateNetworks   // your load balancers
/// let ip = resolver.resolve(peerAddress: "10.0.0.7", xForwardedFor: ["203.0.113.9, 10.0.0.3"])
/// ip.address  // 203.0.113.9
/// ```
public struct ClientIPResolver: Sendable {
    /// The proxies whose forwarding headers are believed. Empty (the default) trusts none,
    /// so the peer address is the client; add your load balancers' ranges.
    public var trustedProxies: [IPAddressRange]

    /// Creates a resolver trusting `trustedProxies`.
    public init(trustedProxies: [IPAddressRange] = []) {
        self.trustedProxies = trustedProxies
    }

    /// Where a resolved address came from.
    public enum Source: String, Hashable, Sendable, Codable {
        /// The socket peer: no trusted proxy in front of it.
        case peer
        /// A hop of the `Forwarded` header.
        case forwarded
        /// A hop of the `X-Forwarded-For` header.
        case xForwardedFor = "x_forwarded_for"
    }

    /// Why no client address was found. Compare with the static members.
    ///
    /// ``rawValue`` and ``description`` are the stable snake_case code. The set is closed:
    /// ``init(rawValue:)`` returns `nil` for any other text.
    public struct Problem: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        /// The problems: the closed set ``init(rawValue:)`` accepts, switchable exhaustively.
        enum Kind: String, Sendable {
            case noAddress = "no_address"
            case unreadableHop = "unreadable_hop"
        }

        /// The problem, for exhaustive switches inside the module.
        let kind: Kind

        private init(_ kind: Kind) { self.kind = kind }

        /// The problem whose code is `rawValue`, or `nil` when none has that code.
        public init?(rawValue: String) {
            guard let kind = Kind(rawValue: rawValue) else { return nil }
            self.kind = kind
        }

        /// A stable snake_case identifier, usable as a log field or metric label.
        public var rawValue: String { kind.rawValue }

        public var description: String { rawValue }

        /// There was nothing to read: no peer address and no forwarding header hop.
        public static let noAddress = Problem(.noAddress)
        /// A hop (or the peer address) between the server and the client is not an address,
        /// such as `unknown` or an obfuscated identifier, so the client behind it is not guessed.
        public static let unreadableHop = Problem(.unreadableHop)
    }

    /// The outcome of ``resolve(peerAddress:forwarded:xForwardedFor:)``.
    public struct Resolution: Hashable, Sendable {
        /// The client address, or `nil` when it cannot be known.
        public var address: IPAddress?
        /// Which input the address came from.
        public var source: Source?
        /// Why no address was found; its ``Problem/rawValue`` is a stable code: `no_address`,
        /// `unreadable_hop`.
        public var problem: Problem?
    }

    /// Resolves the client address of one request.
    ///
    /// - Parameters:
    ///   - peerAddress: the address of the connection's peer. Pass it whenever the server
    ///     knows it; `nil` means every header hop is taken as written by a trusted proxy.
    ///   - forwarded: the `Forwarded` header values, in order.
    ///   - xForwardedFor: the `X-Forwarded-For` header values, in order.
    public func resolve(peerAddress: String?, forwarded: [String] = [], xForwardedFor: [String] = []) -> Resolution {
        var hops: [Substring] = []
        var headerSource = Source.xForwardedFor
        if !forwarded.isEmpty {
            headerSource = .forwarded
            for value in forwarded { hops += Self.forwardedHops(value) }
        } else {
            for value in xForwardedFor {
                hops += value.split(separator: ",").map { Substring($0.trimmingCharacters(in: " \t")) }
            }
        }
        var sources = [Source](repeating: headerSource, count: hops.count)
        if let peerAddress {
            hops.append(Substring(peerAddress))
            sources.append(.peer)
        }
        var index = hops.count - 1
        while index >= 0 {
            guard let address = Self.address(inHop: hops[index]) else {
                return Resolution(address: nil, source: nil, problem: .unreadableHop)
            }
            let trusted = trustedProxies.contains { $0.contains(address) }
            if !trusted || index == 0 {
                return Resolution(address: address, source: sources[index], problem: nil)
            }
            index -= 1
        }
        return Resolution(address: nil, source: nil, problem: .noAddress)
    }

    /// The `for=` values of one `Forwarded` header, in order.
    static func forwardedHops(_ value: String) -> [Substring] {
        var hops: [Substring] = []
        for element in value.split(separator: ",") {
            for pair in element.split(separator: ";") {
                let trimmed = pair.trimmingCharacters(in: " \t")
                guard trimmed.count > 4, trimmed.prefix(4).lowercased() == "for=" else { continue }
                var node = trimmed.dropFirst(4)
                if node.hasPrefix("\""), node.hasSuffix("\""), node.count >= 2 { node = node.dropFirst().dropLast() }
                hops.append(node)
            }
        }
        return hops
    }

    /// The address in one hop: `198.51.100.7`, `198.51.100.7:443`, `[2001:db8::1]:443` or a
    /// bare IPv6 address. `unknown`, obfuscated identifiers, and anything after the address
    /// but a port (`[2001:db8::1]junk`, `198.51.100.7:x`) give `nil`.
    static func address(inHop hop: Substring) -> IPAddress? {
        var text = hop
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let rest = text[text.index(after: close)...]
            guard rest.isEmpty || isPort(rest) else { return nil }
            text = text[text.index(after: text.startIndex)..<close]
        } else if let colon = text.firstIndex(of: ":"), text.lastIndex(of: ":") == colon {
            guard isPort(text[colon...]) else { return nil }
            text = text[..<colon]  // IPv4 with a port
        }
        return IPAddress(text)
    }

    /// `:` and an RFC 7239 `node-port`: 1 to 5 digits, or an obfuscated `_` identifier.
    static func isPort(_ text: Substring) -> Bool {
        let port = text.utf8.dropFirst()
        guard text.utf8.first == UInt8(ascii: ":"), let first = port.first else { return false }
        if first == UInt8(ascii: "_") {
            return port.count > 1
                && port.dropFirst().allSatisfy { byte in
                    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
                        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                        || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
                }
        }
        return port.count <= 5 && port.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
