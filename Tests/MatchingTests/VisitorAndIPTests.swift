import Foundation
import CAPIModel
import Matching
import DeliveryTesting
import Testing

@Suite struct VisitorIDTests {
    @Test func mintedIDsAreBase32AndDistinct() throws {
        var rng = SeededGenerator(seed: 7)
        var seen = Set<VisitorID>()
        for _ in 0..<1_000 {
            let id = VisitorID.mint(using: &rng)
            #expect(id.rawValue.utf8.count == 26)
            #expect(VisitorID(id.rawValue) == id)
            seen.insert(id)
        }
        #expect(seen.count == 1_000)
    }

    @Test func encodingIsExact() {
        var zero = FixedRandom(value: 0)
        #expect(VisitorID.mint(using: &zero).rawValue == String(repeating: "a", count: 26))
        var ones = FixedRandom(value: .max)
        // 128 one-bits: 25 full characters '7' and a last one carrying 3 bits (11100 = 28 = '4').
        #expect(VisitorID.mint(using: &ones).rawValue == String(repeating: "7", count: 25) + "4")
    }

    @Test(arguments: [
        "", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxy1", "abcdefghijklmnopqrstuvwxy",
        "abcdefghijklmnopqrstuvwxyz2",
    ])
    func rejectsMalformed(text: String) {
        #expect(VisitorID(text) == nil)
    }

    @Test func cookieIsHttpOnlyAndLongLived() throws {
        let id = try #require(VisitorID("abcdefghijklmnopqrstuvwxyz"))
        let cookie = id.cookie(on: CookieDomain(domain: "example.com", subdomainIndex: 1, isHostOnly: false))
        #expect(
            cookie.headerValue
                == "rp_vid=abcdefghijklmnopqrstuvwxyz; Domain=example.com; Path=/; Max-Age=34560000; Secure; HttpOnly; SameSite=Lax"
        )
        #expect(try CAPIJSON.decode(VisitorID.self, from: CAPIJSON.encode(id)) == id)
    }
}

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("198.51.100.7", "198.51.100.7", false),
        ("[198.51.100.7]", "198.51.100.7", false),
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1", true),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", true),
        ("2001:db8::0:1", "2001:db8::1", true),
        ("::1", "::1", true),
        ("::", "::", true),
        ("[2001:db8::7]", "2001:db8::7", true),
        ("fe80::1%eth0", "fe80::1", true),
        ("::ffff:198.51.100.7", "198.51.100.7", false),
        ("64:ff9b::198.51.100.7", "64:ff9b::c633:6407", true),
        ("2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:db8:85a3::8a2e:370:7334", true),
        ("1:0:0:2:0:0:0:3", "1:0:0:2::3", true),
    ])
    func canonicalForms(input: String, canonical: String, isIPv6: Bool) throws {
        let address = try #require(IPAddress(input))
        #expect(address.description == canonical)
        #expect(address.isIPv6 == isIPv6)
        #expect(IPAddress.isValid(input))
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4:80", "example.com", "1::2::3",
        ":1:2", "1:2:3:4:5:6:7:8:9", "12345::", "::g", "1.2.3.-4", "1:2:3:4:5:6:7:1.2.3.4",
    ])
    func rejects(input: String) {
        #expect(IPAddress(input) == nil)
        #expect(!IPAddress.isValid(input))
    }

    @Test(arguments: [
        ("8.8.8.8", true), ("203.0.113.9", true), ("10.1.2.3", false), ("172.16.0.1", false), ("172.32.0.1", true),
        ("192.168.1.1", false), ("127.0.0.1", false), ("169.254.1.1", false), ("100.64.0.1", false), ("0.0.0.0", false),
        ("224.0.0.1", false), ("2001:db8::1", true), ("2a03:2880::1", true), ("::1", false), ("fe80::1", false),
        ("fd00::1", false), ("ff02::1", false),
    ])
    func publicAddresses(input: String, isPublic: Bool) {
        #expect(IPAddress(input)?.isPublic == isPublic)
    }

    @Test func ranges() throws {
        let v4 = try #require(IPAddressRange("10.0.0.0/8"))
        #expect(v4.contains(IPAddress("10.255.1.2")!))
        #expect(!v4.contains(IPAddress("11.0.0.1")!))
        #expect(!v4.contains(IPAddress("2001:db8::1")!))
        let v6 = try #require(IPAddressRange("2001:db8::/32"))
        #expect(v6.contains(IPAddress("2001:db8:ffff::1")!))
        #expect(!v6.contains(IPAddress("2001:db9::1")!))
        #expect(IPAddressRange("10.0.0.0/33") == nil)
        #expect(IPAddressRange("198.51.100.7")?.prefixLength == 32)
        #expect(IPAddressRange("10.1.2.3/8")?.description == "10.0.0.0/8")
    }
}

@Suite struct ClientIPResolverTests {
    let resolver = ClientIPResolver(trustedProxies: IPAddressRange.privateNetworks + [IPAddressRange("2001:db8:ffff::/48")!])

    @Test(arguments: [
        // (peer, Forwarded, X-Forwarded-For, expected, source)
        ("203.0.113.9", [], [], "203.0.113.9", ClientIPResolver.Source.peer),
        ("203.0.113.9", [], ["198.51.100.1"], "203.0.113.9", .peer),  // an untrusted peer's headers are ignored
        ("10.0.0.7", [], ["198.51.100.1"], "198.51.100.1", .xForwardedFor),
        ("10.0.0.7", [], ["6.6.6.6, 198.51.100.1, 10.0.0.3"], "198.51.100.1", .xForwardedFor),  // first untrusted hop
        ("10.0.0.7", [], ["6.6.6.6", "198.51.100.1:4711"], "198.51.100.1", .xForwardedFor),
        (
            "10.0.0.7", [#"for=192.0.2.60;proto=http;by=10.0.0.7, for="[2001:db8:cafe::17]:4711""#], ["9.9.9.9"],
            "2001:db8:cafe::17", .forwarded
        ),
        ("10.0.0.7", ["For=192.0.2.60"], [], "192.0.2.60", .forwarded),
        ("10.0.0.7", [], ["10.0.0.1"], "10.0.0.1", .xForwardedFor),  // every hop trusted: the leftmost
        ("2001:db8:ffff::1", [], ["2001:db8:1::5"], "2001:db8:1::5", .xForwardedFor),
    ])
    func resolves(peer: String, forwarded: [String], xff: [String], expected: String, source: ClientIPResolver.Source) {
        let result = resolver.resolve(peerAddress: peer, forwarded: forwarded, xForwardedFor: xff)
        #expect(result.address?.description == expected)
        #expect(result.source == source)
    }

    @Test func unreadableHopsAreNotGuessedPast() {
        let result = resolver.resolve(peerAddress: "10.0.0.7", forwarded: ["for=unknown"])
        #expect(result.address == nil)
        #expect(result.problem == .unreadableHop)
    }

    @Test func noTrustedProxiesMeansThePeer() {
        let result = ClientIPResolver().resolve(peerAddress: "10.0.0.7", xForwardedFor: ["198.51.100.1"])
        #expect(result.address?.description == "10.0.0.7")
    }

    @Test func withoutPeerTheHeaderIsUsed() {
        let result = resolver.resolve(peerAddress: nil, xForwardedFor: ["198.51.100.1, 10.0.0.2"])
        #expect(result.address?.description == "198.51.100.1")
        #expect(resolver.resolve(peerAddress: nil).problem == .noAddress)
    }

    /// The problem codes are stable identifiers for logs; renaming one breaks what is keyed on it.
    @Test func problemCodesAreStable() throws {
        let pinned: [(ClientIPResolver.Problem, String)] = [(.noAddress, "no_address"), (.unreadableHop, "unreadable_hop")]
        #expect(Set(pinned.map(\.0)).count == pinned.count)
        for (problem, raw) in pinned {
            #expect(problem.rawValue == raw)
            #expect("\(problem)" == raw)
            #expect(ClientIPResolver.Problem(rawValue: raw) == problem)
            #expect(String(decoding: try JSONEncoder().encode(problem), as: UTF8.self) == "\"\(raw)\"")
            #expect(try JSONDecoder().decode(ClientIPResolver.Problem.self, from: Data("\"\(raw)\"".utf8)) == problem)
        }
        #expect(ClientIPResolver.Problem(rawValue: "unreadable_hops") == nil)
    }
}
