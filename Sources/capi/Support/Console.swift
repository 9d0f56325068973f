#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes whole lines straight to the file descriptors, unbuffered, so a long command's output
/// shows up as it happens even through a pipe.
enum Console {
    /// Writes `text` and a newline to standard output.
    static func line(_ text: String = "") {
        writeAll(Array((text + "\n").utf8), to: STDOUT_FILENO)
    }

    /// Writes `text` as is (it should end in a newline) to standard output.
    static func text(_ text: String) {
        writeAll(Array(text.utf8), to: STDOUT_FILENO)
    }

    /// Writes `text` and a newline to standard error.
    static func error(_ text: String) {
        printToStandardError(text)
    }

    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}

/// Progress of a long operation on standard error: a line rewritten in place on a terminal, or
/// a line every `every` items (and at the end) when standard error is a file or pipe.
struct ProgressReporter {
    let label: String
    let total: Int
    let unit: String
    let every: Int
    private let interactive = Console.standardErrorIsTerminal
    private let started = ContinuousClock.now
    private var lastReported = -1

    init(label: String, total: Int, unit: String, every: Int = 1_000) {
        self.label = label
        self.total = total
        self.unit = unit
        self.every = max(1, every)
    }

    /// Reports `done` items, if enough changed since the last report.
    mutating func update(_ done: Int) {
        guard done != lastReported else { return }
        let crossed = lastReported < 0 || done / every != lastReported / every || done >= total
        guard interactive || crossed else { return }
        lastReported = done
        let line = Self.format(label: label, done: done, total: total, unit: unit, elapsed: ContinuousClock.now - started)
        if interactive {
            writeAll(Array(("\r" + line + "\u{1B}[K").utf8), to: STDERR_FILENO)
        } else {
            Console.error(line)
        }
    }

    /// Ends the progress line on a terminal.
    func finish() {
        if interactive && lastReported >= 0 { writeAll(Array("\n".utf8), to: STDERR_FILENO) }
    }

    /// `replay: 3,000/12,000 parked events (25%), 1.2 s`.
    static func format(label: String, done: Int, total: Int, unit: String, elapsed: Duration) -> String {
        let percent = total > 0 ? " (\(min(100, done * 100 / total))%)" : ""
        let tenths = elapsed.components.seconds * 10 + elapsed.components.attoseconds / 100_000_000_000_000_000
        return "\(label): \(grouped(done))/\(grouped(total)) \(unit)\(percent), \(tenths / 10).\(tenths % 10) s"
    }
}

/// `12345` → `12,345`.
func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (index, character) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
        out.append(character)
    }
    return (value < 0 ? "-" : "") + out
}

/// `text` as one shell word: unchanged when it is safe, else single-quoted.
func shellQuoted(_ text: String) -> String {
    let safe =
        !text.isEmpty
        && text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || "._/-+=:,@".unicodeScalars.contains($0)
        }
    return safe ? text : "'" + text.replacing("'", with: #"'\''"#) + "'"
}
