import ArgumentParser
import DatasetQuality
import Delivery
import DeliverySQLite
import DeliveryDashboard

/// `capi status --store FILE`: counts by state per pixel and the coverage table.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract:
            "Show a store at a glance: events by state per pixel, match-key coverage per event type, Meta's EMQ, recent failures.",
        discussion: """
            Example:
              capi status --store capi-demo.sqlite

            When the store keeps Dataset Quality snapshots, status shows the latest EMQ per event
            name and explains a dip since the snapshot before (DIP lines).

            With CAPI_PIXELS set (the pixels your app sends to, as CAPIClient reads them), status
            also names every pixel with queued events but no destination: nothing delivers them.
            The store is CAPI_STORE when --store is not given.
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(name: .long, help: ArgumentHelp("Only this pixel.", valueName: "id"))
    var pixelID: String?

    @Option(name: .long, help: "The width of the coverage bars, in characters.")
    var barWidth: Int = 20

    func run() async throws {
        try await storeOptions.withStore(access: .readOnly) { store in
            var snapshot = try await DashboardSnapshot.load(
                from: store, title: storeOptions.displayName, now: SystemDeliveryClock().now, parkedLimit: 0,
                failureLimit: 3)
            if let pixelID {
                snapshot.pixels = snapshot.pixels.filter { $0.pixelID.rawValue == pixelID }
                guard !snapshot.pixels.isEmpty else {
                    throw ValidationError("the store has no events for pixel \(pixelID)")
                }
            }
            Console.text(
                Self.render(
                    snapshot, store: try storeOptions.store, barWidth: barWidth, configuredPixels: CapiSettings.pixels()))
        }
    }

    static func render(
        _ snapshot: DashboardSnapshot, store: String, barWidth: Int, configuredPixels: Set<PixelID>? = nil
    ) -> String {
        let totals = snapshot.totals
        var text = "store \(store)\n"
        text +=
            "      \(grouped(totals.total)) events: \(grouped(totals.delivered)) delivered, \(grouped(totals.pending)) pending, "
        text += "\(grouped(totals.inFlight)) in flight, \(grouped(totals.parked)) parked\n\n"
        guard !snapshot.pixels.isEmpty else { return text + "The store has no events yet.\n" }
        text += "Events by state\n"
        text += TextDashboard.counts(snapshot.pixels, indent: 2)
        let holds = TextDashboard.holds(snapshot, indent: 2)
        if !holds.isEmpty { text += "\n" + holds }
        if let configuredPixels {
            text += Self.withoutDestination(snapshot, configuredPixels: configuredPixels)
        }
        for pixel in snapshot.pixels {
            text += "\nCoverage for pixel \(pixel.pixelID): share of events carrying each key\n"
            text += TextDashboard.coverage(pixel.coverage, barWidth: max(4, min(80, barWidth)), indent: 2)
        }
        for history in snapshot.qualityHistories {
            text += "\n" + TextDashboard.qualitySummary(history, indent: 2)
            text += "  each key beside ours: capi quality --store \(shellQuoted(store)) --pixel-id \(history.pixelID)\n"
        }
        if totals.parked > 0 {
            text += "\n\(grouped(totals.parked)) parked: capi events --store \(shellQuoted(store)) --state parked\n"
            text += "  replay them with: capi replay --store \(shellQuoted(store)) --all-parked\n"
        }
        if !snapshot.recentFailures.isEmpty {
            text += "\nLatest failed requests\n"
            text += TextDashboard.attempts(snapshot.recentFailures, indent: 2)
        }
        return text
    }

    /// The pixels with undelivered events that no configured destination sends: a mistyped
    /// or removed pixel id, whose events would otherwise wait forever without a word.
    static func withoutDestination(_ snapshot: DashboardSnapshot, configuredPixels: Set<PixelID>) -> String {
        let orphans = snapshot.pixels.filter {
            !configuredPixels.contains($0.pixelID) && $0.counts.pending + $0.counts.inFlight > 0
        }
        guard !orphans.isEmpty else { return "" }
        var text =
            "\nQueued for a pixel without a destination (CAPI_PIXELS is \(configuredPixels.sorted().map(\.rawValue).joined(separator: ",")))\n"
        for pixel in orphans {
            text +=
                "  \(pixel.pixelID): \(grouped(pixel.counts.pending + pixel.counts.inFlight)) events wait and nothing delivers them; "
                + "add the pixel to CAPI_PIXELS if it is yours, or fix the id the app enqueues with\n"
        }
        return text
    }
}
