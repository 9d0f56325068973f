import AsyncHTTPClient
import FakeGraphAPI
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The built `capi serve` on a store `capi demo --leave-parked` made.
@Suite struct ServeCommandTests {
    /// A running `capi serve`, its output in a file, stopped with SIGTERM.
    struct Served {
        let process: Process
        let output: String
        let url: String

        static func start(
            _ arguments: [String], environment: [String: String] = [:], in directory: ScratchDirectory
        ) async throws -> Served {
            let output = directory.file("serve-\(UInt32.random(in: 0...UInt32.max)).out")
            _ = FileManager.default.createFile(atPath: output, contents: nil)
            let process = Process()
            process.executableURL = CAPIBinary.url
            process.arguments = ["serve", "--port", "0"] + arguments
            var merged = ProcessInfo.processInfo.environment
            for name in merged.keys where name.hasPrefix("CAPI_") { merged.removeValue(forKey: name) }
            for (name, value) in environment { merged[name] = value }
            process.environment = merged
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            process.standardError = process.standardOutput
            try process.run()
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline && process.isRunning {
                let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
                if let range = text.range(of: " on http://"), let end = text[range.upperBound...].firstIndex(of: "\n") {
                    return Served(process: process, output: output, url: "http://" + text[range.upperBound..<end])
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            process.terminate()
            throw ServeFailure(output: (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
        }

        func stop() async throws -> String {
            kill(process.processIdentifier, SIGTERM)
            while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
            return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        }
    }

    struct ServeFailure: Error, CustomStringConvertible {
        var output: String
        var description: String { "capi serve did not print its URL: \(output)" }
    }

    static func get(_ url: String) async throws -> (status: Int, body: String) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 8 << 20)))
    }

    static func parkedEventID(in store: String) async throws -> Int {
        let parked = try await CAPIBinary.launch(["events", "--store", store, "--state", "parked", "--jsonl"])
        let line = try #require(parked.lines.first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        return try #require(object["id"] as? Int)
    }

    @Test func servesTheOverviewAndAnEventPageOfADemoStore() async throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let demo = try await CAPIBinary.launch(["demo", "--leave-parked"], directory: directory.path)
        #expect(demo.status == 0, "\(demo.stderr)")
        let store = directory.file("capi-demo.sqlite")
        let id = try await Self.parkedEventID(in: store)
        let served = try await Served.start(["--store", store], in: directory)
        #expect(served.url.hasPrefix("http://127.0.0.1:"))
        let overview = try await Self.get(served.url)
        #expect(overview.status == 200)
        #expect(overview.body.contains("<section id=\"states\"") && overview.body.contains("capi-demo.sqlite"))
        let event = try await Self.get(served.url + "events/\(id)")
        #expect(event.status == 200)
        #expect(event.body.contains("retries_exhausted") && event.body.contains("id=\"replay\""))
        let output = try await served.stop()
        #expect(served.process.terminationStatus == 0, "\(output)")
        #expect(output.contains("console stopped"))
    }

    @Test func deliversAReplayedEventToTheFakeGraphAPI() async throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let demo = try await CAPIBinary.launch(["demo", "--leave-parked"], directory: directory.path)
        #expect(demo.status == 0, "\(demo.stderr)")
        let store = directory.file("capi-demo.sqlite")
        let id = try await Self.parkedEventID(in: store)
        try await withFakeGraphAPI { graph in
            let served = try await Served.start(
                ["--store", store, "--deliver", "--pixel-id", "1234567890", "--graph-url", graph.baseURL],
                environment: ["CAPI_ACCESS_TOKEN": "console-test-token"], in: directory)
            let page = try await Self.get(served.url + "events/\(id)").body
            let marker = try #require(page.range(of: #"name="csrf" value=""#))
            let csrf = String(page[marker.upperBound...].prefix { $0 != "\"" })
            var post = HTTPClientRequest(url: served.url + "events/\(id)/replay")
            post.method = .POST
            post.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            post.body = .bytes(ByteBuffer(string: "csrf=\(csrf)"))
            _ = try await HTTPClient.shared.execute(post, timeout: .seconds(30))
            var state = ""
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                state = try await Self.get(served.url + "events/\(id)/state").body
                if state.contains("delivered") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(state.contains("\"state\":\"delivered\""))
            #expect(!graph.acceptedEventIDs.isEmpty)
            _ = try await served.stop()
        }
    }

    @Test func refusesToListenBeyondLoopbackWithoutAToken() async throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let demo = try await CAPIBinary.launch(["demo"], directory: directory.path)
        #expect(demo.status == 0, "\(demo.stderr)")
        let refused = try await CAPIBinary.launch(["serve", "--store", directory.file("capi-demo.sqlite"), "--host", "0.0.0.0"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("without an access token"))
        let short = try await CAPIBinary.launch(
            ["serve", "--store", directory.file("capi-demo.sqlite")], environment: ["CAPI_CONSOLE_TOKEN": "short"])
        #expect(short.status != 0)
        #expect(short.stderr.contains("at least 16"))
    }
}
