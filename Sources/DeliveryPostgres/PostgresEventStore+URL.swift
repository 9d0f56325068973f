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
    /// `/database` (the user name when absent), and `sslmode` = `disable`, `prefer` (the default,
    /// as in libpq), `require` or `verify-full` (both verify the server certificate).
    ///
    /// - Throws: ``DeliveryError/Code/invalidConfiguration`` naming what is wrong. The message
    ///   never repeats the URL, which may hold a password.
    public static func clientConfiguration(url: String) throws -> PostgresClient.Configuration {
        func invalid(_ problem: String) -> DeliveryError {
            DeliveryError(
                code: .invalidConfiguration,
                message: "the PostgreSQL URL is not usable: \(problem); expected postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require]")
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
            database = try percentDecoded(rest[rest.index(after: slash)...], invalid: invalid("the database name is not valid percent-encoding"))
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

        var tls = PostgresClient.Configuration.TLS.prefer(.makeClientConfiguration())
        for parameter in query.split(separator: "&") {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            let name = parts.first.map(String.init) ?? ""
            let value = parts.count > 1 ? String(parts[1]) : ""
            switch name {
            case "sslmode":
                switch value {
                case "disable": tls = .disable
                case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
                case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
                default: throw invalid("sslmode '\(value)' is not one of disable, prefer, require, verify-full")
                }
            case "application_name", "connect_timeout":
                continue
            default:
                throw invalid("the parameter '\(name)' is not supported")
            }
        }
        return PostgresClient.Configuration(
            host: String(host), port: port, username: username, password: password,
            database: (database?.isEmpty ?? true) ? nil : database, tls: tls)
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
