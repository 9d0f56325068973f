import CAPIModel
import Identity
import Testing

@Suite struct HashingTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("john_smith@gmail.com", "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"),
        ("정", "8fa8cd9c440be61d0151429310034083132b35975c4bea67fdd74158eb51db14"),
        ("valéry", "08e1996b5dd49e62a4b4c010d44e4345592a863bb9f8e3976219bac29417149c"),
        (String(repeating: "a", count: 1000), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"),
    ])
    func sha256MatchesKnownDigests(input: String, expected: String) {
        #expect(SHA256.hash(input).hexString == expected)
    }

    @Test func appSecretProofMatchesThePythonSDK() {
        // HMAC-SHA256 of the token keyed by the app secret, as Meta's Python SDK computes it
        // (secret appsecret-123, token access-token-234).
        let proof = AppSecretProof(accessToken: "access-token-234", appSecret: "appsecret-123")
        #expect(proof.hexString == "cdfcbc87edc90f8123cd3797a0d6f6f7eedf63d97038a15d1693d297f653d7f2")
    }

    @Test func hmacMatchesRFC4231TestCase2() {
        let mac = HMACSHA256.authenticationCode(
            for: Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8))
        #expect(mac.hexString == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func digestParsesHexInEitherCase() throws {
        let hex = "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"
        let digest = try #require(SHA256Digest(hexString: hex))
        #expect(digest == SHA256.hash("abc"))
        #expect(SHA256Digest(hexString: "xyz") == nil)
        #expect(SHA256Digest(hexString: String(hex.dropLast()) + "G") == nil)
    }
}

@Suite struct SHA256ShortPathTests {
    /// The one- and two-block path pads by hand; it must agree with Update/Final at every
    /// length around the block boundaries, for any content.
    @Test func agreesWithUpdateFinalAtEveryLength() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...300 {
            for _ in 0..<3 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                bytes.withUnsafeBytes { raw in
                    #expect(SHA256.hash(raw) == SHA256.hashWithoutShortPath(raw), "length \(length)")
                }
            }
        }
    }
}
