#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Delivery
import NIOSSL
public import PostgresNIO

extension PostgresEventStore {
    /// A `PostgresClient` configuration from a libpq-style URL.
    ///
    /// ```swift
    /// let client = try PostgresEventStore.clientConfiguration(url: "postgres://app:secret@db.internal:5432/shop?sslmode=require")
    /// let store = PostgresEventStore(clientConfiguration: client)
    /// ```
    ///
    /// Accepted: `postgres://` or `postgresql://`, an optional `user[:password]@` (percent-encoded),
    /// a host name, IPv4 address or bracketed IPv6 address, an optional port (5432), an optional
    /// `/database` (the user name when absent), and `sslmode`.
    ///
    /// TLS protects the password and the events on the way to the server:
    ///
    /// | `sslmode` | a host on this machine (`localhost`, `127.0.0.0/8`, `::1`) | any other host |
    /// |---|---|---|
    /// | absent | TLS if the server offers it | TLS required, certificate verified |
    /// | `require`, `verify-ca`, `verify-full` | TLS required, certificate verified | TLS required, certificate verified |
    /// | `prefer`, `allow` | TLS if the server offers it | refused |
    /// | `disable` | no TLS | no TLS |
    ///
    /// Unlike libpq, `prefer` is refused for a remote host, and no mode skips verifying the
    /// certificate: when TLS is only preferred, the server (or anyone between) can decline it,
    /// and postgres-nio then answers a request for a clear-text password. A remote server
    /// without TLS takes `sslmode=disable`, on a network you trust.
    ///
    /// - Throws: `DeliveryError.Code.invalidConfiguration` naming what is wrong. The message
    ///   never repeats the URL, which may hold a password.
    public static func clientConfiguration(url: String) throws -> PostgresClient.Configuration {
        try connectionSettings(url: url).configuration
    }

    /// The configuration for `url` and the TLS mode chosen for it (which postgres-nio's
    /// `TLS` value does not reveal).
    static func connectionSettings(url: String) throws -> (configuration: PostgresClient.Configuration, tlsMode: TLSMode) {
        func invalid(_ problem: String) -> DeliveryError {
            DeliveryError(
                code: .invalidConfiguration,
                message:
                    "the PostgreSQL URL is not usable: \(problem); expected postgres://user[:password]@host[:port]/database[?sslmode=require|disable]"
            )
        }
        var rest = Substring(url)
        if rest.hasPrefix("postgres://") {
            rest = rest.dropFirst("postgres://".count)
        } else if rest.hasPrefix("postgresql://") {
            rest = rest.dropFirst("postgresql://".count)
        } else {
            throw invalid("it must start with postgres:// or postgresql://")
        }

        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var database: String?
        if let slash = rest.firstIndex(of: "/") {
            database = try percentDecoded(
                rest[rest.index(after: slash)...], invalid: invalid("the database name is not valid percent-encoding"))
            rest = rest[..<slash]
        }
        var username = ""
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userinfo.firstIndex(of: ":") {
                username = try percentDecoded(userinfo[..<colon], invalid: invalid("the user name is not valid percent-encoding"))
                password = try percentDecoded(
                    userinfo[userinfo.index(after: colon)...], invalid: invalid("the password is not valid percent-encoding"))
            } else {
                username = try percentDecoded(userinfo, invalid: invalid("the user name is not valid percent-encoding"))
            }
        }
        guard !username.isEmpty else { throw invalid("it names no user (user@host)") }

        var host: Substring
        var port = 5432
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw invalid("an IPv6 address misses its closing ]") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let value = Int(rest.dropFirst()) else { throw invalid("the port is not a number") }
                port = value
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            guard let value = Int(rest[rest.index(after: colon)...]) else { throw invalid("the port is not a number") }
            port = value
        } else {
            host = rest
        }
        guard !host.isEmpty else { throw invalid("it names no host") }
        guard (1...65_535).contains(port) else { throw invalid("the port is out of range") }

        var sslmode: String?
        for parameter in query.split(separator: "&") {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            let name = parts.first.map(String.init) ?? ""
            let value = parts.count > 1 ? String(parts[1]) : ""
            switch name {
            case "sslmode":
                sslmode = value
            case "application_name", "connect_timeout":
                continue
            default:
                throw invalid("the parameter '\(name)' is not supported")
            }
        }
        let tlsMode = try TLSMode(sslmode: sslmode, host: String(host), invalid: invalid)
        let tls: PostgresClient.Configuration.TLS
        switch tlsMode {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        let configuration = PostgresClient.Configuration(
            host: String(host), port: port, username: username, password: password,
            database: (database?.isEmpty ?? true) ? nil : database, tls: tls)
        return (configuration, tlsMode)
    }

    /// How a connection uses TLS; the table in ``clientConfiguration(url:)`` says which applies.
    /// Every mode with TLS verifies the certificate (`TLSConfiguration.makeClientConfiguration()`:
    /// the system's trust roots and the host name).
    enum TLSMode: Equatable {
        case disable
        case prefer
        case require

        init(sslmode: String?, host: String, invalid: (String) -> DeliveryError) throws {
            let local = PostgresEventStore.isLoopback(host)
            switch sslmode {
            case nil: self = local ? .prefer : .require
            case "disable": self = .disable
            case "require", "verify-ca", "verify-full": self = .require
            case "prefer", "allow":
                guard local else {
                    throw invalid(
                        "sslmode=\(sslmode ?? "") would let the server, or anyone between, turn TLS off and read the "
                            + "password; for a host that is not on this machine use sslmode=require (the default), "
                            + "or sslmode=disable on a network you trust")
                }
                self = .prefer
            case let other?:
                throw invalid("sslmode '\(other)' is not one of disable, prefer, require, verify-full")
            }
        }
    }

    /// Whether `host` is this machine: `localhost` or a loopback address (`127.0.0.0/8`, `::1`,
    /// or `::ffff:127.x.x.x`). A name that resolves to one is not trusted to stay that way.
    static func isLoopback(_ host: String) -> Bool {
        let name = host.lowercased()
        if name == "localhost" || name == "localhost." { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, name, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { $0[0] } == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, name, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }  // ::1
            return bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
        }
        return false
    }

    private static func percentDecoded(_ text: Substring, invalid: @autoclosure () -> DeliveryError) throws -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { throw invalid() }
            bytes.append(value)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else { throw invalid() }
        return decoded
    }
}
