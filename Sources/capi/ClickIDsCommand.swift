import ArgumentParser
import CAPIModel
import RoasProof

/// `capi click-ids --jsonl`: explains which fbc and fbp RoasProof would send for recorded requests.
///
/// Reads one JSON object per line from standard input and writes one per line to standard
/// output; see `ClickIDDiagnosis` for the format. Like `capi hash --jsonl`, every input line
/// gets exactly one output line (an `{"error": ...}` line when it cannot be read) and the exit
/// status stays 0, so the output can be joined with the input line by line.
struct ClickIDsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "click-ids",
        abstract: "Explain the fbc and fbp RoasProof would send for recorded requests.",
        discussion: """
            Input lines (every key optional but url; host is the Host header for a url that is a path):
              {"url": "...", "host": "...", "referer": "...", "cookies": {"_fbc": "...", "_fbp": "..."},
               "click": {"fbclid": "...", "landing_ms": 0}, "now_ms": 0}
            Output lines:
              {"fbc": "..." or null, "fbp": "...", "set_cookies": [{"name", "value", "domain", "max_age"}],
               "notes": ["why each value was kept, synthesized or dropped"]}
            A line that is not valid UTF-8 (invalid_utf8) or is longer than 1 MiB (line_too_long)
            gets an {"error": ...} line.
            """
    )

    @Flag(name: .long, help: "Read and write JSON Lines (the only format).")
    var jsonl = false

    func run() throws {
        var output = BufferedOutput()
        let reader = try LineReader(path: nil)
        while let line = reader.next() {
            switch line {
            case .text(let text):
                output.buffer.append(contentsOf: ClickIDDiagnosis.run(line: text).utf8)
            case .unreadable(let problem):
                // The shape of ClickIDDiagnosis's own error lines.
                output.buffer.append(contentsOf: #"{"error":{"code":"#.utf8)
                JSONString.append(problem.code, to: &output.buffer)
                output.buffer.append(contentsOf: #","message":"#.utf8)
                JSONString.append(problem.message, to: &output.buffer)
                output.buffer.append(contentsOf: "}}".utf8)
            }
            output.buffer.append(UInt8(ascii: "\n"))
            output.flushIfLarge()
        }
        output.flush()
    }
}
