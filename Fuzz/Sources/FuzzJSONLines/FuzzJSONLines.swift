// Fuzzes the line reading of `capi hash --jsonl`, `capi click-ids` and `capi backfill`
// (capi's LineReader, compiled here from the same file), then the backfill's decoding of
// each line as a server event.
//
// The first input byte picks the read size (1–64 bytes), the second the line bound (1–64
// bytes, standing in for 1 MiB); the rest is the input.
//
// Invariants: no crash; the lines are exactly those of a plain split on `\n` (one `\r` before
// it removed), each line longer than the bound reported as too long with its length, each
// line that is not UTF-8 reported as such and never repaired, and everything else returned
// byte for byte; the read size changes nothing; a line that decodes as a server event
// encodes again.
import CAPIModel
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let all = Array(UnsafeRawBufferPointer(start: start, count: count))
    guard all.count >= 2 else { return 0 }
    let chunk = 1 + Int(all[0]) % 64
    let maximum = 1 + Int(all[1]) % 64
    let input = Array(all.dropFirst(2))

    let read = lines(of: input, chunk: chunk, maximum: maximum)
    precondition(read == expectedLines(of: input, maximum: maximum), "the reader disagrees with a plain split")
    precondition(read == lines(of: input, chunk: 65_536, maximum: maximum), "the read size changed the lines")

    let decoder = CAPIJSON.makeDecoder()
    for case .text(let text) in read {
        if let event = try? decoder.decode(ServerEvent.self, from: Data(text.utf8)) {
            precondition((try? CAPIJSON.encode(event)) != nil, "a decoded event does not encode")
        }
    }
    return 0
}

func lines(of input: [UInt8], chunk: Int, maximum: Int) -> [InputLine] {
    var offset = 0
    let reader = LineReader(chunkSize: chunk, maximumBytes: maximum) { buffer in
        let count = min(buffer.count, input.count - offset)
        buffer.copyBytes(from: input[offset..<(offset + count)])
        offset += count
        return count
    }
    var lines: [InputLine] = []
    while let line = reader.next() { lines.append(line) }
    return lines
}

/// The lines by a plain split, as the reader documents them.
func expectedLines(of input: [UInt8], maximum: Int) -> [InputLine] {
    var segments = input.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    if input.isEmpty || input.last == 0x0A { segments.removeLast() }
    return segments.map { segment in
        var line = segment
        if line.last == 0x0D { line.removeLast() }
        guard line.count <= maximum else { return .unreadable(.tooLong(byteCount: line.count)) }
        guard let text = String(validating: line, as: UTF8.self) else { return .unreadable(.invalidUTF8) }
        return .text(text)
    }
}
