import Foundation
import Testing

/// Line-oriented input (`capi hash --jsonl`, `capi click-ids`): a line that is not UTF-8 or
/// is longer than 1 MiB gets its own error line, never a repaired hash, never unbounded memory.
@Suite("capi line-oriented input")
struct LineInputTests {
    @Test func hashGivesAnErrorForALineThatIsNotUTF8() throws {
        var input = Data(#"{"field":"ln","value":"M"#.utf8)
        input.append(0xFC)  // ü in Latin-1
        input.append(contentsOf: Array("ller\"}\n{\"field\":\"ln\",\"value\":\"Müller\"}\r\n".utf8))
        let result = try CAPIBinary.run(["hash", "--jsonl"], input: input)
        #expect(result.status == 0)
        #expect(result.lines.count == 2)
        #expect(result.lines.first?.contains(#""error":"invalid_utf8""#) == true, "\(result.stdout)")
        #expect(result.lines.first?.contains("hash") == false)
        #expect(result.lines.last?.contains(#""normalized":"müller""#) == true, "\(result.stdout)")
    }

    @Test func hashReportsALineLongerThanOneMebibyteAndGoesOn() throws {
        let long = #"{"field":"em","value":""# + String(repeating: "a", count: 3 << 20) + #""}"#
        let input = Data((long + "\n" + #"{"field":"em","value":"x@example.com"}"# + "\n").utf8)
        let result = try CAPIBinary.run(["hash", "--jsonl"], input: input)
        #expect(result.status == 0)
        #expect(result.lines.count == 2)
        #expect(result.lines.first?.contains(#""error":"line_too_long""#) == true)
        #expect(result.lines.first?.contains("\(long.utf8.count) bytes") == true)
        #expect(result.lines.last?.contains(#""normalized":"x@example.com""#) == true)
    }

    @Test func clickIDsGivesAnErrorForALineThatIsNotUTF8() throws {
        var input = Data(#"{"url":"https://shop.example/?fbclid=a"#.utf8)
        input.append(0xFF)
        input.append(contentsOf: Array("\"}\n".utf8))
        let result = try CAPIBinary.run(["click-ids", "--jsonl"], input: input)
        #expect(
            result.lines == [
                #"{"error":{"code":"invalid_utf8","message":"the line is not valid UTF-8; convert the file to UTF-8 (for example with iconv)"}}"#
            ])
    }
}
