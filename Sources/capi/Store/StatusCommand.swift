import ArgumentParser
import Delivery
import DeliverySQLite
import DeliveryDashboard

/// `capi status --store FILE`: counts by state per pixel and the coverage table.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a store at a glance: events by state per pixel, match-key coverage per event type, recent failures.",
        discussion: """
            Example:
              capi status --store capi-demo.sqlite
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
            Console.text(Self.render(snapshot, store: storeOptions.store, barWidth: barWidth))
        }
    }

    static func render(_ snapshot: DashboardSnapshot, store: String, barWidth: Int) -> String {
        let totals = snapshot.totals
        var text = "store \(store)\n"
        text += "      \(grouped(totals.total)) events: \(grouped(totals.delivered)) delivered, \(grouped(totals.pending)) pending, "
        text += "\(grouped(totals.inFlight)) in flight, \(grouped(totals.parked)) parked\n\n"
        guard !snapshot.pixels.isEmpty else { return text + "The store has no events yet.\n" }
        text += "Events by state\n"
        text += TextDashboard.counts(snapshot.pixels, indent: 2)
        let holds = TextDashboard.holds(snapshot, indent: 2)
        if !holds.isEmpty { text += "\n" + holds }
        for pixel in snapshot.pixels {
            text += "\nCoverage for pixel \(pixel.pixelID): share of events carrying each key\n"
            text += TextDashboard.coverage(pixel.coverage, barWidth: max(4, min(80, barWidth)), indent: 2)
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
}
