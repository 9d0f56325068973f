import ArgumentParser
import CAPIModel
import DatasetQuality
import Delivery
import DeliveryDashboard
import DeliveryHTTP
import DeliverySQLite
import Foundation

/// `capi quality`: Meta's Event Match Quality and per-key coverage (Dataset Quality API),
/// fetched now, beside the coverage and rejection reasons counted in the store.
struct QualityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality",
        abstract: "Show Meta's Event Match Quality and key coverage beside the store's own, per event name.",
        discussion: """
            Fetches the dataset's metrics from Meta's Dataset Quality API now and prints, per event
            name, Meta's EMQ score and the share of events Meta saw carrying each key beside the
            share of the store's events that carried it, with the reasons the store's values of
            that key were rejected, and Meta's diagnostics with its suggested fixes.

            The token needs ads_read and ads_management (or business_management) on the dataset.
            The store's figures count every event it has stored; Meta's are its recent window.

            Example:
              CAPI_ACCESS_TOKEN=… capi quality --store shop-capi.sqlite --pixel-id 1234567890
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var graph: GraphOptions

    @Option(name: .long, help: ArgumentHelp("Only events sent with this partner agent (its lowercase partner name).", valueName: "name"))
    var agent: String?

    @Option(name: .long, help: "Give up waiting for Meta's answer after this many seconds.")
    var timeout: Double = 30

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let token = environment[SendTestCommand.tokenVariable], !token.isEmpty else {
            throw ValidationError("set \(SendTestCommand.tokenVariable) to a token that may read the dataset's quality")
        }
        let destination = graph.destination(accessToken: AccessToken(token), appSecret: environment[SendTestCommand.secretVariable])
        let pixel = destination.pixelID

        let local = try await storeOptions.withStore(access: .readOnly) { store in try await store.coverage(pixel: pixel) }
        let report: DatasetQualityReport
        do {
            report = try await DatasetQualityClient(timeout: .milliseconds(Int64(timeout * 1_000)))
                .fetch(DatasetQualityQuery(destination: destination, agentName: agent))
        } catch {
            Console.error("quality: \(TerminalText.escape(error.description))")
            throw ExitCode(error.isRetryable ? 75 : 69)
        }
        Console.text(Self.render(QualityComparison(meta: report, local: local), pixel: pixel, store: storeOptions.displayName))
    }

    /// The side-by-side table; every string from Meta is escaped for the terminal.
    static func render(_ comparison: QualityComparison, pixel: PixelID, store: String) -> String {
        func percent(_ value: Double?) -> String {
            guard let value else { return "—" }
            return String(format: "%.1f%%", value)
        }
        var text = "dataset \(pixel): Meta's Dataset Quality (fetched now) beside \(TerminalText.escape(store)) (every stored event)\n"
        guard !comparison.events.isEmpty else { return text + "\nNeither Meta nor the store has events for this dataset yet.\n" }
        for event in comparison.events {
            text += "\n\(TerminalText.escape(event.eventName))  EMQ \(event.eventMatchQuality.map { String(format: "%.1f/10", $0) } ?? "—")"
            text += "  \(event.localEvents) stored event\(event.localEvents == 1 ? "" : "s")\n"
            if event.keys.isEmpty {
                text += "  no key coverage reported\n"
                continue
            }
            let width = max(3, event.keys.map { TerminalText.escape($0.label).count }.max() ?? 3)
            text += "  " + "key".padding(toLength: width, withPad: " ", startingAt: 0) + "     Meta     ours  our rejections\n"
            for key in event.keys {
                let label = TerminalText.escape(key.label)
                var line = "  " + label.padding(toLength: width, withPad: " ", startingAt: 0)
                line += percent(key.metaCoverage).leftPadded(9) + percent(key.localCoverage).leftPadded(9)
                if !key.rejections.isEmpty {
                    line += "  " + key.rejections.map { "\(TerminalText.escape($0.reason)) \(percent($0.share))" }.joined(separator: ", ")
                }
                text += line + "\n"
            }
            for diagnostic in event.diagnostics {
                text += "  Meta: \(TerminalText.escape(diagnostic.name ?? "diagnostic"))"
                if let share = diagnostic.percentage { text += " (\(percent(share)) of events)" }
                if let solution = diagnostic.solution { text += ": \(TerminalText.escape(solution))" }
                text += "\n"
            }
        }
        return text
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
