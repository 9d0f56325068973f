import Delivery
@testable import DeliveryPostgres
import Foundation
import PostgresNIO
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("PostgreSQL connection security")
struct PostgresTLSTests {
    @Test(
        "TLS is required for a remote host unless the URL disables it",
        arguments: [
            ("postgres://app:pw@db.example.com/shop", PostgresEventStore.TLSMode.require),
            ("postgres://app@10.0.0.5:6543/shop", .require),
            ("postgres://app@[2001:db8::1]/shop", .require),
            ("postgres://app@localhost.example.com/shop", .require),
            ("postgres://app@127.0.0.1.example.com/shop", .require),
            ("postgres://app@db.example.com/shop?sslmode=require", .require),
            ("postgres://app@db.example.com/shop?sslmode=verify-full", .require),
            ("postgres://app@db.example.com/shop?sslmode=disable", .disable),
            ("postgres://app@localhost/shop", .prefer),
            ("postgres://app@LOCALHOST/shop", .prefer),
            ("postgres://app@127.0.0.1/shop", .prefer),
            ("postgres://app@127.8.9.10:5433/shop", .prefer),
            ("postgres://app@[::1]:5433/shop", .prefer),
            ("postgres://app@localhost/shop?sslmode=prefer", .prefer),
            ("postgres://app@localhost/shop?sslmode=require", .require),
            ("postgres://app@127.0.0.1/shop?sslmode=disable", .disable),
        ])
    func tlsMode(url: String, expected: PostgresEventStore.TLSMode) throws {
        #expect(try PostgresEventStore.connectionSettings(url: url).tlsMode == expected)
    }

    @Test("sslmode=prefer or allow is refused for a remote host, without echoing the URL", arguments: ["prefer", "allow"])
    func preferIsRefusedForARemoteHost(mode: String) throws {
        let error = #expect(throws: DeliveryError.self) {
            try PostgresEventStore.clientConfiguration(url: "postgres://app:secret-pw@db.example.com/shop?sslmode=\(mode)")
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("sslmode=require") == true)
        #expect(error?.message.contains("secret-pw") == false)
    }

    /// A server (or anyone between) that declines TLS and asks for a clear-text password: with
    /// the settings of a URL naming a remote host, the client hangs up instead of answering.
    /// (The connection is pointed at a loopback fake, keeping the URL's TLS settings.)
    @Test func aServerDecliningTLSNeverGetsThePassword() async throws {
        let server = try DowngradingPostgresServer()
        defer { server.stop() }
        let remote = try PostgresEventStore.clientConfiguration(url: "postgres://app:secret-pw@db.example.com/shop")
        let verdict = try await server.firstVerdict(connectingWith: remote)
        // Hanging up is what postgres-nio does; a client that stays silent is as safe.
        #expect(verdict == .hungUpAfterTLSRefusal || verdict == .silentAfterTLSRefusal, "\(verdict)")

        // The same fake does get the password when the URL disables TLS: the check above is real.
        let plain = try PostgresEventStore.clientConfiguration(
            url: "postgres://app:secret-pw@db.example.com/shop?sslmode=disable")
        let plainServer = try DowngradingPostgresServer()
        defer { plainServer.stop() }
        #expect(try await plainServer.firstVerdict(connectingWith: plain) == .password("secret-pw"))
    }
}

/// A loopback TCP server speaking just enough of the PostgreSQL protocol to try a TLS
/// downgrade: it answers `N` to the client's SSLRequest, then asks for a clear-text password.
final class DowngradingPostgresServer: Sendable {
    enum Verdict: Equatable, Sendable {
        /// The client closed the connection after TLS was declined.
        case hungUpAfterTLSRefusal
        /// The client sent nothing for ``silenceLimit`` after TLS was declined.
        case silentAfterTLSRefusal
        /// The client sent this password in clear text.
        case password(String)
        /// Anything else.
        case other(String)
    }

    /// How long a connection may stay silent before the server gives up on it, so a client that
    /// neither answers nor hangs up cannot keep the verdict from coming.
    static let silenceLimit = 10

    let port: Int
    private let listener: Int32
    private let verdicts = Mutex<[Verdict]>([])

    init() throws {
        #if canImport(Glibc)
        let stream = Int32(SOCK_STREAM.rawValue)
        #else
        let stream = SOCK_STREAM
        #endif
        let descriptor = socket(AF_INET, stream, 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0, listen(descriptor, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        listener = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in
            while true {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { return }
                var timeout = timeval(tv_sec: Self.silenceLimit, tv_usec: 0)
                _ = setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                let verdict = Self.serve(connection)
                close(connection)
                verdicts.withLock { $0.append(verdict) }
            }
        }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    /// Connects a `PostgresClient` with `configuration`'s credentials and TLS settings to this
    /// server and returns what the first connection did.
    func firstVerdict(connectingWith configuration: PostgresClient.Configuration) async throws -> Verdict {
        let redirected = PostgresClient.Configuration(
            host: "127.0.0.1", port: port, username: configuration.username, password: configuration.password,
            database: configuration.database, tls: configuration.tls)
        let client = PostgresClient(configuration: redirected)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            group.addTask { _ = try? await client.query("SELECT 1") }
            defer { group.cancelAll() }
            // Generous: on a loaded machine the client's first connection can take seconds.
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                if let first = verdicts.withLock({ $0.first }) { return first }
                try await Task.sleep(for: .milliseconds(10))
            }
            return .other("no verdict within 60 s")
        }
    }

    private static func serve(_ connection: Int32) -> Verdict {
        var timedOut = false
        func read(_ count: Int) -> [UInt8]? {
            var bytes = [UInt8](repeating: 0, count: count)
            var got = 0
            while got < count {
                let n = bytes.withUnsafeMutableBytes { recv(connection, $0.baseAddress! + got, count - got, 0) }
                if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { timedOut = true }
                if n <= 0 { return nil }
                got += n
            }
            return bytes
        }
        func int32(_ bytes: ArraySlice<UInt8>) -> Int {
            bytes.reduce(0) { $0 << 8 | Int($1) }
        }
        func write(_ bytes: [UInt8]) { _ = bytes.withUnsafeBytes { send(connection, $0.baseAddress!, bytes.count, 0) } }

        guard let head = read(8) else { return .other("no startup") }
        var declinedTLS = false
        if int32(head[4..<8]) == 80_877_103 {  // SSLRequest
            write([UInt8(ascii: "N")])
            declinedTLS = true
            guard let length = read(4) else { return timedOut ? .silentAfterTLSRefusal : .hungUpAfterTLSRefusal }
            guard read(int32(length[...]) - 4) != nil else { return .other("startup cut short") }
        } else {
            guard read(int32(head[0..<4]) - 8) != nil else { return .other("startup cut short") }
        }
        write([UInt8(ascii: "R"), 0, 0, 0, 8, 0, 0, 0, 3])  // AuthenticationCleartextPassword
        guard let type = read(1), let length = read(4), let body = read(int32(length[...]) - 4) else {
            return .other(declinedTLS ? "closed after the password request" : "closed")
        }
        guard type == [UInt8(ascii: "p")] else { return .other("message \(type)") }
        return .password(String(decoding: body.prefix { $0 != 0 }, as: UTF8.self))
    }
}
