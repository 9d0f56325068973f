import Delivery
import DeliverySQLite
import DeliveryTesting
import FakeGraphAPI
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The crash test of the issue: a child process enqueues and delivers, is killed with SIGKILL
/// at random points several times and restarted; at the end every accepted event reached the
/// fake server at least once with its event_id, and none is left undelivered.
@Suite("Crash recovery (SIGKILL)", .serialized)
struct CrashRecoveryTests {
    static var childPath: String {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // On Linux the tests run from <build>/debug/RoasProofPackageTests.xctest.
        if directory.lastPathComponent.hasSuffix(".xctest") { directory.deleteLastPathComponent() }
        return directory.appendingPathComponent("DeliveryCrashChild").path
    }

    final class Child: @unchecked Sendable {  // Process is not Sendable; used from one task at a time.
        let process = Process()
        let output = Pipe()

        init(arguments: [String]) throws {
            process.executableURL = URL(fileURLWithPath: CrashRecoveryTests.childPath)
            process.arguments = arguments
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        func kill() {
            sendSIGKILL(process.processIdentifier)
            process.waitUntilExit()
        }

        /// Everything the child printed (call after it exited).
        func lines() -> [String] {
            let data = output.fileHandleForReading.readDataToEndOfFile()
            return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        }
    }

    @Test func everyAcknowledgedEventIsDeliveredAfterRepeatedSIGKILLs() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.childPath), "missing \(Self.childPath)")
        let directory = FileManager.default.temporaryDirectory.path + "/roasproof-crash-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = directory + "/capi.sqlite"

        try await withFakeGraphAPI { server in
            // Some weather on the way: slow answers and failures between the kills.
            var random = SeededGenerator(seed: 0xC0FFEE)
            for _ in 0..<400 {
                switch random.next() % 8 {
                case 0: server.inject(.serverError(status: 503))
                case 1: server.inject(.dropConnection)
                default: server.inject(.delay(.milliseconds(20 + Int64(random.next() % 60))))
                }
            }
            var acknowledged = Set<String>()
            var killedBySignal = 0
            let rounds = 5
            for round in 0..<rounds {
                let child = try Child(arguments: [database, server.baseURL, String(round * 3_000), "3000", "97"])
                let lifetime = 100 + Int(random.next() % 600)
                try await Task.sleep(for: .milliseconds(lifetime))
                child.kill()
                if child.process.terminationReason == .uncaughtSignal { killedBySignal += 1 }
                for line in child.lines() {
                    let parts = line.split(separator: " ")
                    if parts.count == 3, parts[0] == "ACK", let from = Int(parts[1]), let to = Int(parts[2]) {
                        for index in from...to { acknowledged.insert("crash-\(index)") }
                    }
                }
            }
            #expect(!acknowledged.isEmpty)
            // Most runs must really die mid-work (a fast one may finish first).
            #expect(killedBySignal >= rounds - 1)
            // Some acknowledged events were not yet delivered when their process died.
            #expect(!acknowledged.subtracting(server.acceptedEventIDs).isEmpty)

            // A last run with nothing new to enqueue: it must drain what the killed runs left.
            let drain = try Child(arguments: [database, server.baseURL, "0", "0", "1"])
            let deadline = ContinuousClock.now + .seconds(120)
            while drain.process.isRunning && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            if drain.process.isRunning { drain.kill() }
            #expect(drain.lines().contains("DRAINED"))

            let delivered = Set(server.acceptedEventIDs)
            let missing = acknowledged.subtracting(delivered)
            #expect(missing.isEmpty, "acknowledged but never delivered: \(missing.sorted().prefix(10))")
            try await withSQLiteEventStore(path: database) { store in
                let counts = try await store.counts(pixel: nil)
                #expect(counts.undelivered == 0)
                #expect(counts.parked == 0)
                #expect(counts.delivered >= acknowledged.count)
            }
        }
    }
}

/// `kill(2)` with SIGKILL (a free function, so it does not clash with `Child.kill()`).
func sendSIGKILL(_ pid: Int32) {
    _ = kill(pid, SIGKILL)
}
