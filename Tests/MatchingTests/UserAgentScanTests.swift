import Testing

@testable import Matching

/// The word-at-a-time ``Builder/scanUserAgent(_:)`` against ``Builder/scanUserAgentPlainly(_:)``.
@Suite struct UserAgentScanTests {
    static func agree(_ value: String) -> Bool {
        let fast = Builder.scanUserAgent(value)
        let plain = Builder.scanUserAgentPlainly(value)
        return fast.length == plain.length && fast.blank == plain.blank && fast.control == plain.control
    }

    @Test func everyByteKindAtEveryPositionOfEveryWordLength() {
        let agent = Array("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)".utf8)
        var controls = 0
        for length in 0...40 {
            for position in 0..<max(length, 1) {
                for byte in [0x00, 0x09, 0x0A, 0x1F, 0x20, 0x21, 0x7E, 0x7F, 0x80, 0xC3, 0xFF] as [UInt8] {
                    var bytes = Array(agent.prefix(length))
                    if length > 0 { bytes[position] = byte }
                    let value = String(decoding: bytes, as: UTF8.self)
                    #expect(Self.agree(value), "\(value.debugDescription)")
                    if Builder.scanUserAgent(value).control { controls += 1 }
                }
            }
        }
        #expect(controls > 500)
    }

    @Test func blankValuesOfEveryLength() {
        for length in 0...24 {
            for filler in [" ", "\t", " \t", "\t "] {
                let blank = String(String(repeating: filler, count: length).prefix(length))
                #expect(Self.agree(blank), "\(blank.debugDescription)")
                #expect(Builder.scanUserAgent(blank).blank)
                for tail in ["x", "\u{7F}", "é", "\n"] {
                    #expect(Self.agree(blank + tail), "\((blank + tail).debugDescription)")
                    #expect(Self.agree(tail + blank), "\((tail + blank).debugDescription)")
                }
            }
        }
    }

    @Test func realAgentsPass() {
        let agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
        #expect(Self.agree(agent))
        let scan = Builder.scanUserAgent(agent)
        #expect(scan.length == agent.utf8.count && !scan.blank && !scan.control)
    }
}
