import CAPIModel
import Matching
import Testing

@Suite struct CookieDomainTests {
    @Test(arguments: [
        ("shop.example.com", "example.com", 1, false),
        ("example.com", "example.com", 1, false),
        ("a.builder.example.com:8080", "example.com", 1, false),
        ("https://user:pw@Shop.Example.COM:8443/cart?x=1#top", "example.com", 1, false),
        ("www.example.com.", "example.com", 1, false),
        ("shop.example.co.uk", "example.co.uk", 2, false),
        ("a.b.example.co.uk", "example.co.uk", 2, false),
        ("jane.github.io", "jane.github.io", 2, false),  // PRIVATE section: github.io is public
        ("x.jane.github.io", "jane.github.io", 2, false),
        ("github.io", "github.io", 1, true),  // a public suffix itself: host-only
        ("www.ck", "www.ck", 1, false),  // exception rule !www.ck
        ("a.b.c.ck", "b.c.ck", 2, false),  // wildcard *.ck
        ("a.b.kawasaki.jp", "a.b.kawasaki.jp", 3, false),  // wildcard *.kawasaki.jp
        ("www.city.kawasaki.jp", "city.kawasaki.jp", 2, false),  // exception !city.kawasaki.jp
        ("shop.example.xn--p1ai", "example.xn--p1ai", 1, false),  // .рф in Punycode
        ("shop.example.рф", "example.рф", 1, false),
        ("shop.example.unknowntld", "example.unknowntld", 1, false),  // implicit rule *
        ("localhost", "localhost", 0, true),
        ("localhost:3000", "localhost", 0, true),
        ("127.0.0.1:8080", "127.0.0.1", 0, true),
        ("[::1]:8080", "[::1]", 0, true),
        ("http://[2001:DB8::1]/", "[2001:db8::1]", 0, true),
        ("intranet", "intranet", 0, true),
    ])
    func domains(host: String, domain: String, index: Int, hostOnly: Bool) throws {
        let resolved = try #require(CookieDomain(host: host))
        #expect(resolved.domain == domain)
        #expect(resolved.subdomainIndex == index)
        #expect(resolved.isHostOnly == hostOnly)
    }

    @Test(arguments: ["", "   ", "https://", "https:///path", "[::1"])
    func unusableHosts(host: String) {
        #expect(CookieDomain(host: host) == nil)
    }

    /// A request path has no host: a URL in its query (an open redirect's `next=`) must never
    /// decide the cookie domain, or the browser drops the cookies and fbp is minted anew.
    @Test(arguments: [
        "/landing?next=https://evil.example.net/x&fbclid=abc",
        "/r/https://evil.example.net/",
        "/?u=//evil.example.net",
        "?next=https://evil.example.net",
        "#https://evil.example.net",
    ])
    func noHostFromAPathOrQuery(target: String) {
        #expect(CookieDomain(host: target) == nil)
    }

    @Test(arguments: [
        ("https://shop.example.com/landing?next=https://evil.example.net/x", "example.com"),
        ("//shop.example.com/landing?next=https://evil.example.net", "example.com"),
        ("shop.example.com/landing?next=https://evil.example.net", "example.com"),
        ("HTTPS://shop.example.com?next=http://evil.example.net", "example.com"),
        ("android-app://shop.example.com/x", "example.com"),
    ])
    func theHostComesFromTheAuthority(url: String, domain: String) throws {
        #expect(try #require(CookieDomain(host: url)).domain == domain)
    }

    @Test func theHostHeaderServesARequestPath() throws {
        var rng = SystemRandomNumberGenerator()
        let resolver = ClickIDResolver()
        let path = BrowserRequest(url: "/landing?next=https://evil.example.net/x&fbclid=abc")
        let noHost = resolver.resolve(path, at: Timestamp(milliseconds: 1_780_000_000_000), using: &rng)
        #expect(noHost.cookieDomain == nil)
        #expect(noHost.cookiesToSet.allSatisfy { !$0.headerValue.contains("example.net") })
        let withHost = BrowserRequest(url: "/landing?next=https://evil.example.net/x&fbclid=abc", host: "shop.example.com")
        let resolved = resolver.resolve(withHost, at: Timestamp(milliseconds: 1_780_000_000_000), using: &rng)
        #expect(resolved.cookieDomain?.domain == "example.com")
        #expect(!resolved.cookiesToSet.isEmpty)
        #expect(
            resolved.cookiesToSet.allSatisfy {
                $0.headerValue.contains("Domain=example.com") || $0.headerValue.contains("Domain=.example.com")
            })
    }

    @Test func shippedListIsLoaded() {
        #expect(PublicSuffixList.shipped.ruleCount > 9_000)
        #expect(PublicSuffixList.shippedSource.contains("sha256:"))
        #expect(PublicSuffixList.shipped.isPublicSuffix("co.uk"))
        #expect(!PublicSuffixList.shipped.isPublicSuffix("example.co.uk"))
        #expect(PublicSuffixList.shipped.publicSuffix(of: "a.example.co.uk") == "co.uk")
    }

    @Test func customRules() {
        let list = PublicSuffixList(
            rules: """
                // a comment
                com
                *.platform.test
                !www.platform.test
                """)
        #expect(list.ruleCount == 3)
        #expect(list.registrableDomain(of: "a.example.com") == "example.com")
        #expect(list.registrableDomain(of: "a.b.platform.test") == "a.b.platform.test")
        #expect(list.registrableDomain(of: "x.www.platform.test") == "www.platform.test")
        #expect(list.registrableDomain(of: "com") == nil)
    }
}
