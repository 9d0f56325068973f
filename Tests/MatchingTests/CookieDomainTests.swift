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
        ("jane.github.io", "jane.github.io", 2, false),          // PRIVATE section: github.io is public
        ("x.jane.github.io", "jane.github.io", 2, false),
        ("github.io", "github.io", 1, true),                     // a public suffix itself: host-only
        ("www.ck", "www.ck", 1, false),                          // exception rule !www.ck
        ("a.b.c.ck", "b.c.ck", 2, false),                        // wildcard *.ck
        ("a.b.kawasaki.jp", "a.b.kawasaki.jp", 3, false),        // wildcard *.kawasaki.jp
        ("www.city.kawasaki.jp", "city.kawasaki.jp", 2, false),  // exception !city.kawasaki.jp
        ("shop.example.xn--p1ai", "example.xn--p1ai", 1, false), // .рф in Punycode
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

    @Test func shippedListIsLoaded() {
        #expect(PublicSuffixList.shipped.ruleCount > 9_000)
        #expect(PublicSuffixList.shippedSource.contains("sha256:"))
        #expect(PublicSuffixList.shipped.isPublicSuffix("co.uk"))
        #expect(!PublicSuffixList.shipped.isPublicSuffix("example.co.uk"))
        #expect(PublicSuffixList.shipped.publicSuffix(of: "a.example.co.uk") == "co.uk")
    }

    @Test func customRules() {
        let list = PublicSuffixList(rules: """
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
