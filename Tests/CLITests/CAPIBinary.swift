import Foundation
import Testing

/// Runs the real `capi` binary as a child process, the way people use it.
enum CAPIBinary {
    /// The `capi` executable next to this test bundle (SwiftPM builds it because the test
    /// target depends on it).
    static var url: URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // On Linux the test runner is `<products>/RoasProofPackageTests.xctest`; on macOS it
        // sits inside a bundle three levels down.
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: directory.appendingPathComponent("capi").path) {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("capi")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
    }

    static func run(_ arguments: [String], input: Data = Data()) throws -> Result {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        let (stdin, stdout, stderr) = attachPipes(to: process)
        try process.run()
        // Feed input from another thread so a large input cannot deadlock against output.
        let writer = Thread {
            stdin.fileHandleForWriting.write(input)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self))
    }

    /// Gives `process` a pipe for each of its standard streams, to be read and written by the test.
    static func attachPipes(to process: Process) -> (stdin: Pipe, stdout: Pipe, stderr: Pipe) {
        let pipes = (stdin: Pipe(), stdout: Pipe(), stderr: Pipe())
        process.standardInput = pipes.stdin
        process.standardOutput = pipes.stdout
        process.standardError = pipes.stderr
        return pipes
    }
}
