#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One line of line-oriented input (`capi hash --jsonl`, `capi click-ids`, `capi backfill`).
enum InputLine: Equatable {
    /// A line of valid UTF-8, without its line ending (`\n` or `\r\n`).
    case text(String)
    /// A line that cannot be read; it gets a per-line error.
    case unreadable(UnreadableLine)
}

/// Why a line cannot be read. Its code and message name no content of the line.
enum UnreadableLine: Equatable {
    /// Longer than ``LineReader/maximumLineBytes``: its bytes were counted and dropped, never
    /// held whole.
    case tooLong(byteCount: Int)
    /// Not valid UTF-8. It is not repaired (to U+FFFD): a repaired name or email would be
    /// hashed as a value the customer never had.
    case invalidUTF8

    /// The per-line error code.
    var code: String {
        switch self {
        case .tooLong: "line_too_long"
        case .invalidUTF8: "invalid_utf8"
        }
    }

    /// What is wrong and how to fix it.
    var message: String {
        switch self {
        case .tooLong(let count):
            "the line is \(count) bytes; lines are limited to \(LineReader.maximumLineBytes) bytes (1 MiB)"
        case .invalidUTF8: "the line is not valid UTF-8; convert the file to UTF-8 (for example with iconv)"
        }
    }
}

/// Splits a stream of bytes into ``InputLine``s with bounded memory.
///
/// It reads through a fixed 64 KiB buffer and holds at most ``maximumLineBytes`` (plus a
/// `\r`) of the current line, so a multi-gigabyte line costs no more memory than a short one:
/// its bytes are counted and discarded up to its newline, and it is reported as
/// ``UnreadableLine/tooLong(byteCount:)``. The last line counts even without a final newline.
final class LineReader {
    /// The longest line read, in bytes without the line ending: 1 MiB, far above any real
    /// JSON line of customer data or server event (the queue stores events up to 256 KiB).
    static let maximumLineBytes = 1 << 20

    /// Fills the buffer it is given and returns how many bytes it wrote; 0 at the end of the
    /// input (or on a read error).
    typealias ByteSource = (UnsafeMutableRawBufferPointer) -> Int

    private let source: ByteSource
    private let maximumBytes: Int
    private let chunk: UnsafeMutableRawBufferPointer
    private var position = 0
    private var filled = 0
    private var atEnd = false
    /// The current line's bytes, while it is within the bound.
    private var line: [UInt8] = []
    /// The current line's length in bytes, also past the bound.
    private var lineLength = 0
    private var lineStarted = false
    /// The current line's last byte so far, to recognize a `\r\n` ending.
    private var lastByte: UInt8 = 0
    private let closeSource: () -> Void

    /// Reads from `source` in chunks of `chunkSize` bytes; lines longer than `maximumBytes`
    /// are reported as too long. Tests and the fuzz target pass small values.
    init(
        chunkSize: Int = 1 << 16, maximumBytes: Int = LineReader.maximumLineBytes, source: @escaping ByteSource,
        closeSource: @escaping () -> Void = {}
    ) {
        self.source = source
        self.maximumBytes = maximumBytes
        self.chunk = .allocate(byteCount: max(1, chunkSize), alignment: 1)
        self.closeSource = closeSource
    }

    /// Reads the file at `path`, or standard input when `path` is `nil`.
    convenience init(path: String?) throws(LineReaderError) {
        let descriptor: Int32
        if let path {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw LineReaderError(path: path) }
        } else {
            descriptor = STDIN_FILENO
        }
        self.init(
            source: { buffer in
                while true {
                    let count = read(descriptor, buffer.baseAddress, buffer.count)
                    if count < 0 && errno == EINTR { continue }
                    return max(0, count)
                }
            },
            closeSource: { if path != nil { _ = close(descriptor) } })
    }

    deinit {
        chunk.deallocate()
        closeSource()
    }

    /// The next line, or `nil` at the end of the input.
    func next() -> InputLine? {
        while true {
            if position < filled {
                let start = chunk.baseAddress! + position
                let count = filled - position
                if let newline = memchr(start, 0x0A, count) {
                    let length = start.distance(to: newline)
                    take(UnsafeRawBufferPointer(start: start, count: length))
                    position += length + 1
                    return finishLine()
                }
                take(UnsafeRawBufferPointer(start: start, count: count))
                position = filled
            }
            if atEnd { return lineStarted ? finishLine() : nil }
            let count = source(chunk)
            if count <= 0 {
                atEnd = true
            } else {
                position = 0
                filled = min(count, chunk.count)
            }
        }
    }

    /// The most bytes ever held for one line (its buffer's capacity): about
    /// ``maximumLineBytes`` at most, whatever the input.
    private(set) var peakHeldBytes = 0

    /// How many lines the input has (a last line without a newline counts).
    func countRemaining() -> Int {
        var count = 0
        while next() != nil { count += 1 }
        return count
    }

    /// How many lines the file at `path` has.
    static func countLines(atPath path: String) throws(LineReaderError) -> Int {
        try LineReader(path: path).countRemaining()
    }

    private func take(_ bytes: UnsafeRawBufferPointer) {
        lineStarted = true
        lineLength += bytes.count
        if let last = bytes.last { lastByte = last }
        // One byte of room for a `\r` before the newline.
        if lineLength <= maximumBytes + 1 {
            line.append(contentsOf: bytes)
            peakHeldBytes = max(peakHeldBytes, line.capacity)
        } else if !line.isEmpty {
            line = []  // past the bound: free what was held, count the rest
        }
    }

    private func finishLine() -> InputLine {
        defer {
            line.removeAll(keepingCapacity: line.capacity <= 1 << 16)
            lineLength = 0
            lineStarted = false
            lastByte = 0
        }
        var length = lineLength
        if lastByte == 0x0D {  // `\r\n`: the `\r` is part of the line ending
            length -= 1
            if line.count > length { line.removeLast() }
        }
        guard length <= maximumBytes else { return .unreadable(.tooLong(byteCount: length)) }
        guard let text = String(validating: line, as: UTF8.self) else { return .unreadable(.invalidUTF8) }
        return .text(text)
    }
}

/// A file that could not be opened for reading.
struct LineReaderError: Error, CustomStringConvertible {
    let path: String
    var description: String { "cannot read \(path)" }
}
