import CAPIModel
import Delivery
import DeliveryConsole
import DeliveryTesting
import Testing

@Suite("Console core: pages, filters, replay")
struct ConsoleCoreTests {
    @Test func everyPageRenders() async throws {
        let fixture = try await ConsoleFixture()
        let overview = await fixture.get("/")
        #expect(overview.status == 200)
        #expect(overview.header("Content-Type") == "text/html; charset=utf-8")
        for id in ["states", "holds", "throughput", "coverage", "failures"] {
            #expect(overview.text.contains("<section id=\"\(id)\""))
        }
        #expect(overview.text.contains("Replay all 1 parked…"))
        let list = await fixture.get("/events")
        #expect(list.status == 200)
        #expect(list.text.contains("ord_1001") && list.text.contains("ord_1002"))
        let event = await fixture.get("/events/\(fixture.parkedID.rawValue)")
        #expect(event.status == 200)
        #expect(event.text.contains("<pre id=\"payload\">"))
        #expect(event.text.contains("TraceFor503") && event.text.contains("Service unavailable") && event.text.contains(">503<"))
        #expect(event.text.contains("id=\"replay\""))
        #expect(event.text.contains("hashed (SHA-256 of the normalized value)"))
        #expect(event.text.contains("passed through unhashed"))
        let css = await fixture.get("/console.css")
        #expect(
            css.status == 200 && css.header("Content-Type") == "text/css; charset=utf-8" && css.text.contains(".w100{width:100%}")
        )
        let script = await fixture.get("/console.js")
        #expect(script.status == 200 && script.text.contains("data-state-url"))
        let icon = await fixture.get("/favicon.svg")
        #expect(icon.status == 200 && icon.header("Content-Type") == "image/svg+xml" && icon.text.hasPrefix("<svg"))
        #expect(overview.text.contains(#"<link rel="icon" href="/favicon.svg""#))
        #expect(await fixture.get("/events/999999").status == 404)
        #expect(await fixture.get("/nowhere").status == 404)
        let state = await fixture.get("/events/\(fixture.parkedID.rawValue)/state")
        #expect(state.text == #"{"id":\#(fixture.parkedID.rawValue),"state":"parked"}"#)
    }

    @Test func rawIPAndUserAgentOnlyOnTheEventPage() async throws {
        let fixture = try await ConsoleFixture()
        #expect(!(await fixture.get("/")).text.contains(ConsoleFixture.rawIP))
        #expect(!(await fixture.get("/events")).text.contains(ConsoleFixture.rawIP))
        #expect(!(await fixture.get("/events?state=parked")).text.contains("Console test"))
        #expect((await fixture.get("/events/\(fixture.parkedID.rawValue)")).text.contains(ConsoleFixture.rawIP))
    }

    @Test func filtersAndKeysetPagination() async throws {
        var configuration = DeliveryConsole.Configuration()
        configuration.pageSize = 3
        let fixture = try await ConsoleFixture(configuration: configuration, extraEvents: 5)
        // Pixel 999 has 5 pending events: pages of 3 and 2, linked by the last id of the page.
        let first = await fixture.get("/events?pixel=999")
        #expect(first.text.split(separator: "<tr><td class=\"num\">", omittingEmptySubsequences: false).count - 1 == 3)
        #expect(first.text.contains("ord_x0") && first.text.contains("ord_x2") && !first.text.contains("ord_x3"))
        let next = try #require(Self.nextLink(first.text))
        #expect(next.contains("after="))
        let second = await fixture.get(next)
        #expect(second.text.contains("ord_x3") && second.text.contains("ord_x4") && !second.text.contains("ord_x2"))
        #expect(Self.nextLink(second.text) == nil)
        // State and name filters.
        let parked = await fixture.get("/events?state=parked")
        #expect(parked.text.contains("ord_1002") && !parked.text.contains("ord_1001") && !parked.text.contains("ord_x0"))
        #expect(!(await fixture.get("/events?name=Lead")).text.contains("ord_1001"))
        #expect((await fixture.get("/events?name=Purchase&pixel=1234567890")).text.contains("ord_1001"))
        // Search: event_id exact, an order id (its events are ord_<order id>), a store id.
        let byEventID = await fixture.get("/events?q=ord_1001")
        #expect(byEventID.text.contains("ord_1001") && !byEventID.text.contains("ord_1002"))
        let byOrder = await fixture.get("/events?q=1002")
        #expect(byOrder.text.contains("ord_1002") && byOrder.text.contains("Searched by order id 1002"))
        let byStoreID = await fixture.get("/events?q=\(fixture.parkedID.rawValue)&pixel=1234567890")
        #expect(byStoreID.text.contains("ord_1002"))
        // Time window on the enqueue time: everything was enqueued at `now`.
        #expect((await fixture.get("/events?since=2000-01-01T00:00")).text.contains("ord_1001"))
        #expect((await fixture.get("/events?until=2000-01-01")).text.contains("No events match."))
    }

    /// A search by event_id looks the key up per pixel and event name (no scan): it finds the
    /// id under every pixel and name that has it, and keeps the other filters.
    @Test func searchFindsAnEventIDUnderEveryPixelAndName() async throws {
        let fixture = try await ConsoleFixture()
        var lead = ConsoleFixture.purchase("ord_shared")
        lead.eventName = .lead
        lead.customData = nil
        _ = try await fixture.queue.enqueue(ConsoleFixture.purchase("ord_shared"), pixel: ConsoleFixture.pixel)
        _ = try await fixture.queue.enqueue(ConsoleFixture.purchase("ord_shared"), pixel: "999")
        _ = try await fixture.queue.enqueue(lead, pixel: "999")
        let all = await fixture.get("/events?q=ord_shared")
        #expect(all.text.split(separator: "<tr><td class=\"num\">", omittingEmptySubsequences: false).count - 1 == 3)
        #expect(all.text.contains("Lead") && all.text.contains("999") && all.text.contains("1234567890"))
        let leads = await fixture.get("/events?q=ord_shared&name=Lead")
        #expect(leads.text.split(separator: "<tr><td class=\"num\">", omittingEmptySubsequences: false).count - 1 == 1)
        #expect((await fixture.get("/events?q=ord_shared&state=parked")).text.contains("No events match."))
        #expect((await fixture.get("/events?q=ord_nothing")).text.contains("No events match."))
    }

    static func nextLink(_ page: String) -> String? {
        guard let range = page.firstRange(of: #"<a rel="next" href=""#) else { return nil }
        return String(page[range.upperBound...].prefix { $0 != "\"" }).replacing("&amp;", with: "&")
    }

    @Test func replayThroughTheConsoleQueuesTheEventAgain() async throws {
        let fixture = try await ConsoleFixture()
        let page = await fixture.get("/events/\(fixture.parkedID.rawValue)")
        let token = try #require(ConsoleFixture.csrfToken(in: page.text))
        let response = await fixture.post("/events/\(fixture.parkedID.rawValue)/replay", [("csrf", token)])
        #expect(response.status == 303)
        #expect(response.header("Location") == "/events/\(fixture.parkedID.rawValue)?replayed=1")
        #expect(await fixture.state(of: fixture.parkedID) == .pending)
        let after = await fixture.get("/events/\(fixture.parkedID.rawValue)?replayed=1")
        #expect(after.text.contains("data-state-url=\"/events/\(fixture.parkedID.rawValue)/state\""))
        #expect(after.text.contains("Replayed:"))
        #expect(!after.text.contains("id=\"replay\""))
    }

    @Test func postWithoutOrWithWrongCSRFTokenChangesNothing() async throws {
        let fixture = try await ConsoleFixture()
        let target = "/events/\(fixture.parkedID.rawValue)/replay"
        #expect(await fixture.post(target, []).status == 403)
        #expect(await fixture.post(target, [("csrf", String(repeating: "0", count: 64))]).status == 403)
        // A token from another console (another secret) is wrong here too.
        let other = try await ConsoleFixture()
        let foreign = try #require(ConsoleFixture.csrfToken(in: (await other.get("/events/\(other.parkedID.rawValue)")).text))
        #expect(await fixture.post(target, [("csrf", foreign)]).status == 403)
        #expect(
            await fixture.post("/replay-parked", [("pixel", "1234567890"), ("confirm", "yes"), ("count", "1")]).status == 403)
        // A browser-marked cross-site request is refused even with the right token.
        let token = try #require(ConsoleFixture.csrfToken(in: (await fixture.get("/")).text))
        #expect(await fixture.post(target, [("csrf", token)], headers: [("Sec-Fetch-Site", "cross-site")]).status == 403)
        #expect(await fixture.state(of: fixture.parkedID) == .parked)
        #expect(await fixture.store.counts(pixel: nil) == EventCounts(delivered: 1, parked: 1))
    }

    @Test func getCannotReplay() async throws {
        let fixture = try await ConsoleFixture()
        let token = try #require(ConsoleFixture.csrfToken(in: (await fixture.get("/")).text))
        let response = await fixture.get("/events/\(fixture.parkedID.rawValue)/replay?csrf=\(token)")
        #expect(response.status == 405)
        #expect(response.header("Allow") == "POST")
        #expect(await fixture.get("/replay-parked?pixel=1234567890&confirm=yes&count=1&csrf=\(token)").status == 405)
        #expect(await fixture.state(of: fixture.parkedID) == .parked)
    }

    @Test func replayAllParkedNeedsTheConfirmationWithTheCount() async throws {
        let fixture = try await ConsoleFixture()
        let token = try #require(ConsoleFixture.csrfToken(in: (await fixture.get("/")).text))
        let confirmation = await fixture.post("/replay-parked", [("csrf", token), ("pixel", "1234567890")])
        #expect(confirmation.status == 200)
        #expect(confirmation.text.contains("Replay 1 parked events"))
        #expect(confirmation.text.contains(#"name="count" value="1""#))
        #expect(await fixture.state(of: fixture.parkedID) == .parked)
        // A stale count (the number changed since the page was shown) asks again.
        let stale = await fixture.post(
            "/replay-parked", [("csrf", token), ("pixel", "1234567890"), ("confirm", "yes"), ("count", "7")])
        #expect(stale.status == 200 && stale.text.contains("changed"))
        #expect(await fixture.state(of: fixture.parkedID) == .parked)
        let done = await fixture.post(
            "/replay-parked", [("csrf", token), ("pixel", "1234567890"), ("confirm", "yes"), ("count", "1")])
        #expect(done.status == 303)
        #expect(done.header("Location") == "/?replayed=1&rejected=0&pixel=1234567890")
        #expect(await fixture.state(of: fixture.parkedID) == .pending)
        #expect((await fixture.get("/?replayed=1&rejected=0&pixel=1234567890")).text.contains("Replayed 1 parked events"))
    }

    @Test func routesUnderAMountPath() async throws {
        var configuration = DeliveryConsole.Configuration()
        configuration.mountPath = "/admin/capi/"
        let fixture = try await ConsoleFixture(configuration: configuration)
        let overview = await fixture.get("/admin/capi")
        #expect(overview.status == 200)
        #expect(overview.text.contains(#"href="/admin/capi/console.css""#))
        #expect(overview.text.contains(#"action="/admin/capi/replay-parked""#))
        #expect(await fixture.get("/events").status == 404)
        #expect(await fixture.get("/admin/capi/events/\(fixture.parkedID.rawValue)").status == 200)
    }

    @Test func storeFailureIsAnErrorPageWithHeaders() async throws {
        let fixture = try await ConsoleFixture()
        await fixture.store.failNextOperations(5)
        let response = await fixture.get("/")
        #expect(response.status == 500)
        #expect(response.header("Content-Security-Policy") != nil)
    }
}
