import Delivery
import DeliverySQLite
import FakeGraphAPI
import Foundation
import SQLiteNIO
import Testing

/// `capi` never changes a file it did not create, and keeps its own files private.
@Suite("capi and files that are not its own")
struct ForeignFileTests {
    /// A shop's own database: a `customers` table with two rows, in SQLite's default journal mode.
    static func makeShopDatabase(at path: String) async throws {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        _ = try await connection.query("CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT)")
        _ = try await connection.query("INSERT INTO customers (email) VALUES ('a@example.com'), ('b@example.com')")
        try await connection.close()
    }

    static func mode(of path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) & 0o777
    }

    @Test func demoLeavesAShopsDatabaseAlone() async throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let shop = directory.file("shop.sqlite")
        try await Self.makeShopDatabase(at: shop)
        let before = try Data(contentsOf: URL(fileURLWithPath: shop))
        let result = try await CAPIBinary.launch(["demo", "--store", "shop.sqlite"], directory: directory.path)
        #expect(result.status != 0)
        #expect(result.stderr.contains("shop.sqlite exists and is not a RoasProof store"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: shop)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["shop.sqlite"])
    }

    @Test func demoReplacesOnlyStoresItCreated() async throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        // The app's own store, empty for now: it holds no other pixel's events, yet it is not the demo's.
        let appStore = directory.file("app.sqlite")
        try await withSQLiteEventStore(path: appStore) { _ in }
        let before = try Data(contentsOf: URL(fileURLWithPath: appStore))
        let result = try await CAPIBinary.launch(["demo", "--store", "app.sqlite"], directory: directory.path)
        #expect(result.status != 0)
        #expect(result.stderr.contains("is a RoasProof store that capi demo did not create"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: appStore)) == before)
    }

    @Test func theDemoStoreIsReadableByItsOwnerOnly() async throws {
        let store = try await DemoFixture.shared.store()
        #expect(try Self.mode(of: store) == 0o600)
    }

    @Test(arguments: [["status"], ["events"], ["show", "ord_1"], ["report", "--html", "report.html"]])
    func readOnlyCommandsLeaveAForeignDatabaseAlone(command: [String]) async throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let foreign = directory.file("foreign.sqlite")
        try await Self.makeShopDatabase(at: foreign)
        let before = try Data(contentsOf: URL(fileURLWithPath: foreign))
        let result = try await CAPIBinary.launch(command + ["--store", "foreign.sqlite"], directory: directory.path)
        #expect(result.status != 0)
        #expect(result.stderr.contains("is a SQLite database that is not a RoasProof store"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["foreign.sqlite"])
    }

    @Test func readOnlyCommandsLeaveAStoreByteForByteUnchanged() async throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let store = directory.file("store.sqlite")
        try FileManager.default.copyItem(atPath: try await DemoFixture.shared.store(), toPath: store)
        let before = try Data(contentsOf: URL(fileURLWithPath: store))
        let result = try await CAPIBinary.launch(["status", "--store", store])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("14 events: 14 delivered"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before)
    }

    /// `capi send-test` without `--store` keeps its queue in a temporary file, removed when the
    /// command is interrupted or terminated while waiting for Meta's answer.
    @Test(arguments: [SIGINT, SIGTERM])
    func sendTestRemovesItsTemporaryStoreWhenStopped(signal: Int32) async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try await withFakeGraphAPI(configuration: FakeGraphAPI.Configuration()) { server in
            server.inject(.delay(.seconds(30)))
            let process = Process()
            process.executableURL = CAPIBinary.url
            process.arguments = [
                "send-test", "--pixel-id", "1234567890", "--test-event-code", "TEST1", "--graph-url", server.baseURL,
                "--access-token", "token",
            ]
            var environment = ProcessInfo.processInfo.environment
            environment["TMPDIR"] = scratch.path
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Wait until the request is on the wire: the store exists and holds the event.
            let deadline = ContinuousClock.now + .seconds(30)
            while server.requests.isEmpty && ContinuousClock.now < deadline && process.isRunning {
                try await Task.sleep(for: .milliseconds(20))
            }
            let files = try FileManager.default.contentsOfDirectory(atPath: scratch.path)
            #expect(files.contains { $0.hasPrefix("capi-send-test-") && $0.hasSuffix(".sqlite") }, "\(files)")
            kill(process.processIdentifier, signal)
            while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
            #expect(process.terminationReason == .uncaughtSignal)
            #expect(process.terminationStatus == signal)
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == [])
        }
    }
}
