import ArgumentParser
import CAPIModel
import DatasetQuality
import Delivery
import DeliveryDashboard
import DeliveryHTTP
import DeliverySQLite
import Foundation
import Logging

/// `capi quality`: Meta's Event Match Quality and per-key coverage (Dataset Quality API) from
/// the store's latest snapshot, or fetched now with `--fetch` (and kept as a snapshot), beside
/// the coverage and rejection reasons the store counted in the same window.
struct QualityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality",
        abstract: "Show Meta's Event Match Quality and key coverage beside the store's own, per event name.",
        discussion: """
            Prints, per event name, Meta's EMQ score and the share of events Meta saw carrying each
            key beside the share of the store's events that carried it, with the reasons the store's
            values of that key were rejected, and Meta's diagnostics with its suggested fixes. When
            the score fell since the snapshot before, a DIP line names the keys whose coverage fell
            and the rejection reasons that rose.

            Without --fetch it reads the latest snapshot in the store (DatasetQualityMonitor takes
            them on an interval; capi demo takes two). With --fetch it asks Meta now, keeps the answer
            as a snapshot in the store and prints it; the token (CAPI_ACCESS_TOKEN) needs ads_read and
            ads_management (or business_management). The store's side counts the events stored in the --window-days before the
            snapshot (every stored event when the store has no snapshot that old).

            Examples:
              capi quality --store capi-demo.sqlite --pixel-id 1234567890
              CAPI_ACCESS_TOKEN=… capi quality --fetch --store shop-capi.sqlite --pixel-id 1234567890
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var graph: GraphOptions

    @Flag(name: .long, help: "Ask Meta now and keep the answer as a snapshot in the store.")
    var fetch = false

    @Option(
        name: .long,
        help: ArgumentHelp("Only events sent with this partner agent (its lowercase partner name).", valueName: "name"))
    var agent: String?

    @Option(name: .long, help: "Give up waiting for Meta's answer after this many seconds.")
    var timeout: Double = 30

    @Option(name: .long, help: "The store's side counts the events stored in this many days before the snapshot.")
    var windowDays: Double = 7

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        guard windowDays > 0, windowDays <= 3_650 else { throw ValidationError("--window-days must be between 0 and 3650") }
    }

    func run() async throws {
        let pixel = PixelID(graph.pixelID)
        let window = Duration.seconds(Int64(windowDays * 86_400))
        let history: QualityHistory
        var fetchedNow = false
        if fetch {
            let environment = ProcessInfo.processInfo.environment
            guard let token = environment[SendTestCommand.tokenVariable], !token.isEmpty else {
                throw ValidationError("set \(SendTestCommand.tokenVariable) to a token that may read the dataset's quality")
            }
            let destination = graph.destination(
                accessToken: AccessToken(token), appSecret: environment[SendTestCommand.secretVariable])
            history = try await storeOptions.withStore(access: .readWrite) { store in
                var configuration = DatasetQualityMonitor.Configuration()
                configuration.agentName = agent
                let monitor = DatasetQualityMonitor(
                    destinations: [destination], store: store,
                    client: DatasetQualityClient(timeout: .milliseconds(Int64(timeout * 1_000))),
                    configuration: configuration,
                    logger: Logger(label: "capi.quality", factory: { _ in SwiftLogNoOpLogHandler() }))
                do {
                    try await monitor.takeSnapshot(of: destination)
                } catch let error as DatasetQualityError {
                    Console.error("quality: \(TerminalText.escape(error.description))")
                    throw ExitCode(error.isRetryable ? 75 : 69)
                }
                return try await Self.history(of: pixel, in: store, window: window)
            }
            fetchedNow = true
        } else {
            history = try await storeOptions.withStore(access: .readOnly) { store in
                try await Self.history(of: pixel, in: store, window: window)
            }
        }
        guard history.snapshots.last != nil else {
            throw ValidationError(
                "the store has no Dataset Quality snapshot of pixel \(pixel); take one with --fetch (CAPI_ACCESS_TOKEN needs ads_read and ads_management or business_management)"
            )
        }
        Console.text(Self.render(history, store: storeOptions.displayName, window: window, fetchedNow: fetchedNow))
    }

    /// The latest snapshots of `pixel`: enough to reach one `window` back at the monitor's
    /// shortest interval, at most 500 (four months at the default interval).
    static func history(of pixel: PixelID, in store: SQLiteEventStore, window: Duration) async throws -> QualityHistory {
        let perWindow = Int(window / DatasetQualityMonitor.Configuration.minimumInterval) + 2
        return QualityHistory(
            pixelID: pixel, snapshots: try await store.qualitySnapshots(pixel: pixel, since: nil, limit: min(500, perWindow)))
    }

    /// The header, the side-by-side table of the latest snapshot, and its dips.
    static func render(_ history: QualityHistory, store: String, window: Duration, fetchedNow: Bool) -> String {
        guard let latest = history.snapshots.last, let (comparison, since) = history.latestComparison(window: window) else {
            return "dataset \(history.pixelID): no snapshot\n"
        }
        var text =
            "dataset \(history.pixelID): Meta's Dataset Quality \(fetchedNow ? "fetched now" : "of \(UTCTime.dateTime(latest.takenAt)) UTC")"
        text += " beside \(TerminalText.escape(store)) ("
        text += since.map { "events stored since \(UTCTime.dateTime($0)) UTC" } ?? "every stored event"
        text += ")\n\n"
        text += TextDashboard.quality(comparison)
        let dips = history.latestDips()
        if !dips.isEmpty {
            text += "\n"
            for dip in dips { text += "DIP " + TerminalText.escape(dip.description) + "\n" }
        }
        return text
    }
}
