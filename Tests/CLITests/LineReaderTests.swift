@testable import capi
import Testing

@Suite("Line reader")
struct LineReaderTests {
    /// A reader over `bytes`, handed out `chunk` bytes at a time.
    static func reader(_ bytes: [UInt8], chunk: Int = 3, maximum: Int = 8) -> LineReader {
        var offset = 0
        return LineReader(chunkSize: chunk, maximumBytes: maximum) { buffer in
            let count = min(buffer.count, bytes.count - offset)
            buffer.copyBytes(from: bytes[offset..<(offset + count)])
            offset += count
            return count
        }
    }

    static func lines(_ bytes: [UInt8], chunk: Int = 3, maximum: Int = 8) -> [InputLine] {
        let reader = reader(bytes, chunk: chunk, maximum: maximum)
        var lines: [InputLine] = []
        while let line = reader.next() { lines.append(line) }
        return lines
    }

    @Test("lines and line endings, for every chunk size", arguments: 1...9)
    func splitsLines(_ chunk: Int) {
        #expect(Self.lines(Array("a\nbc\r\n\nd".utf8), chunk: chunk) == [.text("a"), .text("bc"), .text(""), .text("d")])
        #expect(Self.lines(Array("a\n".utf8), chunk: chunk) == [.text("a")])
        #expect(Self.lines([], chunk: chunk) == [])
        #expect(Self.lines(Array("\n".utf8), chunk: chunk) == [.text("")])
    }

    @Test("the bound, for every chunk size", arguments: 1...10)
    func boundsLines(_ chunk: Int) {
        let eight = "12345678"
        let nine = "123456789"
        #expect(
            Self.lines(Array("\(eight)\n\(nine)\nok".utf8), chunk: chunk)
                == [.text(eight), .unreadable(.tooLong(byteCount: 9)), .text("ok")])
        #expect(
            Self.lines(Array("\(eight)\r\n\(nine)\r\n".utf8), chunk: chunk)
                == [.text(eight), .unreadable(.tooLong(byteCount: 9))])
        #expect(
            Self.lines(Array(String(repeating: "x", count: 100).utf8), chunk: chunk)
                == [.unreadable(.tooLong(byteCount: 100))])
        #expect(
            Self.lines(Array((String(repeating: "x", count: 100) + "\r\n\r").utf8), chunk: chunk)
                == [.unreadable(.tooLong(byteCount: 100)), .text("")])
    }

    @Test func invalidUTF8IsReportedNotRepaired() {
        let cases: [[UInt8]] = [
            [0x4D, 0xFC, 0x6C], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82],
        ]
        for bytes in cases {
            #expect(Self.lines(bytes + [0x0A, 0x6F, 0x6B]) == [.unreadable(.invalidUTF8), .text("ok")], "\(bytes)")
        }
        #expect(Self.lines(Array("Müller\n".utf8)) == [.text("Müller")])
    }

    @Test func aHugeLineIsCountedWithoutBeingHeld() {
        let total = 200 << 20  // 200 MiB of one line, generated as it is read
        var produced = 0
        let reader = LineReader { buffer in
            let count = min(buffer.count, total + 3 - produced)
            for index in 0..<count {
                let position = produced + index
                buffer[index] = position == total ? 0x0A : position > total ? 0x7A : 0x61
            }
            produced += count
            return count
        }
        #expect(reader.next() == .unreadable(.tooLong(byteCount: total)))
        #expect(reader.next() == .text("zz"))
        #expect(reader.next() == nil)
        #expect(reader.peakHeldBytes > 0)
        #expect(reader.peakHeldBytes <= LineReader.maximumLineBytes * 2)
    }
}
