import Foundation

extension CAPIBinary {
    /// Runs `capi` on a thread of its own (not the test's cooperative thread) with extra
    /// environment variables and a working directory.
    static func launch(
        _ arguments: [String], environment: [String: String] = [:], directory: String? = nil, input: Data = Data()
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do {
                    continuation.resume(
                        returning: try runBlocking(arguments, environment: environment, directory: directory, input: input))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }

    private static func runBlocking(
        _ arguments: [String], environment: [String: String], directory: String?, input: Data
    ) throws -> Result {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "CAPI_ACCESS_TOKEN")
        merged.removeValue(forKey: "CAPI_APP_SECRET")
        // The settings capi shares with CAPIClient: only what a test gives.
        for name in merged.keys where name.hasPrefix("CAPI_") { merged.removeValue(forKey: name) }
        for (name, value) in environment { merged[name] = value }
        process.environment = merged
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let (stdin, stdout, stderr) = attachPipes(to: process)
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try? stdin.fileHandleForWriting.close()
        // Read standard error on another thread so neither pipe can fill up and block the child.
        let errorData = LockedData()
        let reader = Thread { errorData.set(stderr.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let err = errorData.wait()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self))
    }
}

/// Data handed from a reader thread, waited for with a condition.
final class LockedData: @unchecked Sendable {  // @unchecked: every access goes through `condition`
    private let condition = NSCondition()
    private var data: Data?

    func set(_ value: Data) {
        condition.lock()
        data = value
        condition.signal()
        condition.unlock()
    }

    func wait() -> Data {
        condition.lock()
        defer { condition.unlock() }
        while data == nil { condition.wait() }
        return data!
    }
}

/// A fresh temporary directory per test, removed at the end.
struct ScratchDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.path + "/roasproof-cli-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
