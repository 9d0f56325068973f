import CAPIModel
import Delivery
import DeliverySQLite
import Foundation
import Testing

@Suite("capi status, events, show, replay, report")
struct OperatorCommandTests {
    @Test func statusCountsByStateAndDrawsCoverage() async throws {
        let store = try await DemoFixture.shared.store()
        let result = try await CAPIBinary.launch(["status", "--store", store, "--bar-width", "10"])
        #expect(result.status == 0, "\(result.stderr)")
        let out = result.stdout
        #expect(out.contains("14 events: 14 delivered, 0 pending, 0 in flight, 0 parked"))
        #expect(out.range(of: #"1234567890\s+14\s+0\s+0\s+0\s+14"#, options: .regularExpression) != nil)
        #expect(out.contains("Coverage for pixel 1234567890"))
        #expect(out.contains("CompleteRegistration · 2 events"))
        #expect(
            out.range(of: #"fbc\s+██▉░░░░░░░\s+28%\s+2/7\s+bad_creation_time ×1"#, options: .regularExpression) != nil, "\(out)")
        #expect(out.contains("Latest failed requests"))
        #expect(out.contains("HTTP 503 transient (Graph 2)"))
    }

    @Test func eventsListsEveryEventWithItsLatestAnswer() async throws {
        let store = try await DemoFixture.shared.store()
        let table = try await CAPIBinary.launch(["events", "--store", store])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.lines.first?.hasPrefix("  ID  PIXEL") == true)
        #expect(table.lines.count == 15)
        #expect(table.stdout.contains("ord_84213"))

        let purchases = try await CAPIBinary.launch(["events", "--store", store, "--event-name", "Purchase", "--jsonl"])
        #expect(purchases.status == 0)
        let objects = try purchases.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        #expect(objects.count == 7)
        #expect(
            objects.map { $0["event_id"] as? String } == [
                "ord_84213", "ord_84214", "ord_84215", "ord_84216", "ord_84230", "ord_84231", "ord_84232",
            ])
        for object in objects {
            #expect(object["state"] as? String == "delivered")
            let last = object["last_attempt"] as? [String: Any]
            #expect(last?["http_status"] as? Int == 200)
            #expect((last?["fbtrace_id"] as? String)?.count == 11)
        }

        let parked = try await CAPIBinary.launch(["events", "--store", store, "--state", "parked"])
        #expect(parked.status == 0)
        #expect(parked.stdout.isEmpty)
        #expect(parked.stderr.contains("no events match"))

        let limited = try await CAPIBinary.launch(["events", "--store", store, "--limit", "3", "--jsonl"])
        #expect(limited.lines.count == 3)

        let bad = try await CAPIBinary.launch(["events", "--store", store, "--state", "lost"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--state must be"))
    }

    @Test func showPrintsThePayloadAndEveryAttempt() async throws {
        let store = try await DemoFixture.shared.store()
        let result = try await CAPIBinary.launch(["show", "--store", store, "ord_84213", "--bodies"])
        #expect(result.status == 0, "\(result.stderr)")
        let out = result.stdout
        #expect(out.hasPrefix("Purchase ord_84213  (id 1, pixel 1234567890)"))
        #expect(out.contains("state          delivered at "))
        #expect(out.contains(#""currency": "EUR""#))
        #expect(out.range(of: #""em": \[\s*"[0-9a-f]{64}""#, options: .regularExpression) != nil)
        #expect(out.range(of: #"HTTP 200 delivered\s+\d+ ms\s+\d events? in the request"#, options: .regularExpression) != nil)
        #expect(out.range(of: #"fbtrace_id [A-Za-z0-9]{11}"#, options: .regularExpression) != nil)
        #expect(out.contains("request body"))
        #expect(out.contains(#""test_event_code": "TEST61045""#))

        // The late Lead has its three 503s and the delivery after the replay.
        let events = try await CAPIBinary.launch(["events", "--store", store, "--event-name", "Lead", "--jsonl"])
        let lead = try #require(
            try events.lines.compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.last)
        let id = try #require(lead["id"] as? Int)
        let byID = try await CAPIBinary.launch(["show", "--store", store, String(id)])
        #expect(byID.status == 0)
        #expect(byID.stdout.components(separatedBy: "HTTP 503 transient (Graph 2)").count - 1 == 3)
        #expect(byID.stdout.contains("4 requests carried it"))

        let missing = try await CAPIBinary.launch(["show", "--store", store, "ord_00000"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no event has event_id or id ord_00000"))
    }

    @Test func reportWritesASelfContainedPage() async throws {
        let store = try await DemoFixture.shared.store()
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let html = directory.file("report.html")
        let result = try await CAPIBinary.launch(["report", "--store", store, "--html", html])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("wrote \(html)"))
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("<section id=\"coverage\""))
        #expect(page.contains("Purchase <span class=\"muted\">7 events</span>"))
        #expect(page.contains("<section id=\"quality\""))
        #expect(page.contains("<strong>EMQ dip</strong> Purchase EMQ 7.4 → 5.1"))
        #expect(page.contains(">80004<"))
        #expect(page.range(of: #"<td class="mono">[A-Za-z0-9]{11}</td>"#, options: .regularExpression) != nil)
        for needle in ["<script", "<link", " src=", " href=", "url(", "http://", "https://"] {
            #expect(!page.contains(needle), "found \(needle)")
        }
    }

    @Test func reportReplacesOnlyAnEarlierReportNeverAnotherFile() async throws {
        let store = try await DemoFixture.shared.store()
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        // Someone else's file at the path: left byte for byte as it was.
        let notes = directory.file("notes.html")
        let original = "<html><body>my notes</body></html>\n"
        try original.write(toFile: notes, atomically: true, encoding: .utf8)
        let refused = try await CAPIBinary.launch(["report", "--store", store, "--html", notes])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("not a report capi wrote"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == original)
        // A directory is not replaced either.
        let folder = directory.file("folder.html")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        #expect(try await CAPIBinary.launch(["report", "--store", store, "--html", folder]).status != 0)
        // capi's own earlier report is replaced.
        let report = directory.file("report.html")
        #expect(try await CAPIBinary.launch(["report", "--store", store, "--html", report]).status == 0)
        let again = try await CAPIBinary.launch(["report", "--store", store, "--html", report])
        #expect(again.status == 0, "\(again.stderr)")
    }

    @Test func replayQueuesAParkedEventAgain() async throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let demo = try await CAPIBinary.launch(["demo", "--leave-parked"], directory: directory.path)
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.contains("Left parked (--leave-parked)"))
        let store = directory.file("capi-demo.sqlite")

        let parked = try await CAPIBinary.launch(["events", "--store", store, "--state", "parked", "--jsonl"])
        let line = try #require(parked.lines.first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let eventID = try #require(object["event_id"] as? String)
        #expect((object["park_reason"] as? [String: Any])?["code"] as? String == "retries_exhausted")

        let status = try await CAPIBinary.launch(["status", "--store", store])
        #expect(status.stdout.contains("1 parked: capi events --store"))

        let replay = try await CAPIBinary.launch(["replay", "--store", store, eventID])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.contains("replayed Lead \(eventID)"))
        let shown = try await CAPIBinary.launch(["show", "--store", store, eventID])
        #expect(shown.stdout.contains("state          pending"))
        #expect(shown.stdout.contains("0 counted against the retry budget, 3 requests carried it"))

        let again = try await CAPIBinary.launch(["replay", "--store", store, eventID])
        #expect(again.status != 0)
        #expect(again.stderr.contains("nothing to replay: Lead \(eventID) is pending"))

        let usage = try await CAPIBinary.launch(["replay", "--store", store])
        #expect(usage.status != 0)
        #expect(usage.stderr.contains("--all-parked"))
    }

    @Test func replayingThousandsReportsProgressAndWhatStaysParked() async throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let path = directory.file("backlog.sqlite")
        let now = SystemDeliveryClock().now
        try await withSQLiteEventStore(path: path) { store in
            try await ParkedBacklog.make(in: store, fresh: 2_995, expired: 5, now: now)
        }
        let result = try await CAPIBinary.launch(["replay", "--store", path, "--all-parked"])
        #expect(result.status == 0, "\(result.stderr)")
        let progress = result.stderr.split(separator: "\n").map(String.init)
        #expect(progress.first?.hasPrefix("replay: 0/3,000 parked events (0%)") == true)
        #expect(progress.contains { $0.hasPrefix("replay: 1,000/3,000 parked events (33%)") })
        #expect(progress.contains { $0.hasPrefix("replay: 2,000/3,000 parked events (66%)") })
        #expect(progress.last?.hasPrefix("replay: 3,000/3,000 parked events (100%)") == true)
        #expect(result.stdout.contains("replayed 2,995 of 3,000 parked events"))
        #expect(result.stdout.contains("5 stay parked because they no longer pass validation:"))
        #expect(result.stdout.contains("old-0: event_too_old"))
        let counts = try await withSQLiteEventStore(path: path) { store in try await store.counts(pixel: nil) }
        #expect(counts == EventCounts(pending: 2_995, parked: 5))
    }

    @Test func statusReadsTheStoreFromTheEnvironmentAndNamesPixelsWithoutADestination() async throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let path = directory.file("shop.sqlite")
        let now = SystemDeliveryClock().now
        try await withSQLiteEventStore(path: path) { store in
            // Three events queued for a mistyped pixel that no destination sends to.
            let events = try (0..<3).map { try StoredLeads.pending("lead-\($0)", pixel: "123456789", time: now.wholeSeconds) }
            _ = try await store.append(events, at: now)
        }
        let configured = try await CAPIBinary.launch(
            ["status"], environment: ["CAPI_STORE": path, "CAPI_PIXELS": "1234567890,2234567890"])
        #expect(configured.status == 0, "\(configured.stderr)")
        #expect(configured.stdout.contains("store \(path)"))
        #expect(configured.stdout.contains("Queued for a pixel without a destination (CAPI_PIXELS is 1234567890,2234567890)"))
        #expect(configured.stdout.contains("123456789: 3 events wait and nothing delivers them"))

        // The pixel is configured: nothing to warn about.
        let fine = try await CAPIBinary.launch(["status", "--store", path], environment: ["CAPI_PIXELS": "123456789"])
        #expect(fine.status == 0, "\(fine.stderr)")
        #expect(!fine.stdout.contains("without a destination"))

        // A database URL is not a file capi can read, and no store at all is an error that says what to set.
        let url = try await CAPIBinary.launch(["status"], environment: ["CAPI_STORE": "postgres://shop:hunter2@db/shop"])
        #expect(url.status != 0)
        #expect(url.stderr.contains("SQLite files only"))
        #expect(!url.stderr.contains("hunter2"))
        let none = try await CAPIBinary.launch(["status"])
        #expect(none.status != 0)
        #expect(none.stderr.contains("CAPI_STORE"))
    }

    @Test func missingStoresAreAnErrorNotAnEmptyQueue() async throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let path = directory.file("typo.sqlite")
        for command in [
            ["status"], ["events"], ["show", "x"], ["replay", "--all-parked"], ["report", "--html", directory.file("r.html")],
        ] {
            let result = try await CAPIBinary.launch(command + ["--store", path])
            #expect(result.status != 0)
            #expect(result.stderr.contains("no store at \(path)"), "\(command)")
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}

/// Lead events written straight into a store, as an older version or another writer could.
enum StoredLeads {
    static func pending(_ id: String, pixel: PixelID = "1234567890", time: Timestamp) throws -> PendingEvent {
        var user = UserData()
        user.clientIPAddress = "203.0.113.9"
        user.clientUserAgent = "Mozilla/5.0"
        let event = ServerEvent(
            eventName: .lead, eventTime: time, actionSource: .website, userData: user, eventID: id,
            eventSourceURL: "https://shop.example/contact")
        return PendingEvent(
            key: EventKey(pixelID: pixel, eventName: .lead, eventID: id), eventTime: time, actionSource: .website,
            json: String(decoding: try CAPIJSON.encode(event), as: UTF8.self), matchKeys: UserDataKeySet(user))
    }
}

/// Parked events made directly in a store, as a long outage would leave them.
enum ParkedBacklog {
    static func make(in store: SQLiteEventStore, fresh: Int, expired: Int, now: Timestamp) async throws {
        let old = (now - .seconds(8 * 86_400)).wholeSeconds
        let events =
            try (0..<expired).map { try StoredLeads.pending("old-\($0)", time: old) }
            + (0..<fresh).map { try StoredLeads.pending("lead-\($0)", time: now.wholeSeconds) }
        _ = try await store.append(events, at: now)
        while true {
            let leased = try await store.lease(pixel: "1234567890", now: now, limit: 1_000, leaseDuration: .seconds(60))
            guard !leased.isEmpty else { break }
            try await store.park(
                leased.map(\.id), reason: ParkReason(code: .retriesExhausted, message: "gave up after 12 attempts"),
                attempt: nil, at: now)
        }
    }
}
