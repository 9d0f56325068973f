import CAPIModel
import Delivery
import DeliveryDashboard
import DeliveryTesting
import Testing

/// Suspended and paused pixels are shown with what is wrong and how to fix it.
@Suite("Pixel holds in the dashboards")
struct HoldsDashboardTests {
    static let t0 = Timestamp(milliseconds: 1_781_430_082_000)

    static func snapshot() async throws -> DashboardSnapshot {
        let store = InMemoryEventStore()
        func event(_ id: String, pixel: PixelID) -> PendingEvent {
            PendingEvent(
                key: EventKey(pixelID: pixel, eventName: .purchase, eventID: id), eventTime: t0.wholeSeconds,
                actionSource: .website, json: "{}", matchKeys: [UserDataKeySet(.email)])
        }
        _ = try await store.append([event("a", pixel: "111"), event("b", pixel: "222"), event("c", pixel: "333")], at: t0)
        let credentials = CredentialFingerprint(accessToken: AccessToken("t"), appSecret: nil)
        let wrongVersion = GraphError(message: "(#3) <Unknown> method", code: 3, fbtraceID: "Trace3")
        _ = await store.updatePixelHold("111", .suspend(wrongVersion, credentials: credentials), at: t0)
        _ = await store.updatePixelHold("222", .pause(until: t0 + .seconds(300)), at: t0)
        return try await DashboardSnapshot.load(from: store, title: "shop.sqlite", now: t0 + .seconds(1))
    }

    @Test func snapshotReadsTheHolds() async throws {
        let snapshot = try await Self.snapshot()
        #expect(snapshot.suspensions.map(\.pixelID) == ["111"])
        #expect(snapshot.suspensions.first?.suspension.reason == .unsupportedEndpoint)
        #expect(snapshot.pauses.map(\.pixelID) == ["222"])
        #expect(snapshot.pauses.first?.until == Self.t0 + .seconds(300))
    }

    @Test func textShowsReasonCodeAndFix() async throws {
        let text = TextDashboard.holds(try await Self.snapshot(), indent: 2)
        #expect(text.contains("Suspended pixels: workers sending with what Meta refused send nothing; events stay queued"))
        #expect(text.contains("  111  unsupported_endpoint since "))
        #expect(text.contains("(Graph 3, fbtrace_id Trace3)"))
        #expect(text.contains("the Graph API version or path is wrong"))
        #expect(text.contains("Paused pixels"))
        #expect(text.contains("  222  paused until "))
        #expect(!text.contains("333"))
        let none = TextDashboard.holds(
            DashboardSnapshot(title: "x", generatedAt: Self.t0, pixels: [], parked: [], recentFailures: []))
        #expect(none.isEmpty)
    }

    @Test func pageShowsHoldsEscaped() async throws {
        let html = HTMLDashboard.render(try await Self.snapshot())
        #expect(html.contains(#"<section id="holds""#))
        #expect(html.contains(#"<span class="badge parked">unsupported_endpoint</span>"#))
        #expect(html.contains(#"<span class="badge throttled">paused</span>"#))
        #expect(html.contains("(#3) &lt;Unknown&gt; method"))
        #expect(!html.contains("<Unknown>"))
        for needle in ["http://", "https://"] { #expect(!html.contains(needle)) }
    }
}
