import ArgumentParser
import Delivery
import DeliverySQLite
import DeliveryDashboard
import Foundation

/// `capi report --store FILE --html out.html`: the self-contained HTML dashboard.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML dashboard of a store: delivery states, coverage bars, parked events, failures.",
        discussion: """
            The page has no scripts and loads nothing from outside (a Content-Security-Policy forbids it), so it can be opened from disk, mailed or archived.

            An existing file is replaced only when it is a report capi wrote before; any other file is left as it is.

            Example:
              capi report --store capi-demo.sqlite --html report.html
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(name: .long, help: ArgumentHelp("Where to write the HTML page.", valueName: "file"))
    var html: String

    @Option(name: .long, help: "How many parked events to list (the counts cover all).")
    var parkedLimit: Int = 100

    @Option(name: .long, help: "How many failed requests to list, newest first.")
    var failureLimit: Int = 50

    func validate() throws {
        guard parkedLimit >= 0, failureLimit >= 0 else { throw ValidationError("limits must not be negative") }
    }

    func run() async throws {
        let snapshot = try await storeOptions.withStore(access: .readOnly) { store in
            try await DashboardSnapshot.load(
                from: store, title: storeOptions.displayName, now: SystemDeliveryClock().now, parkedLimit: parkedLimit,
                failureLimit: failureLimit)
        }
        let page = HTMLDashboard.render(snapshot)
        try Self.checkReplaceable(html)
        do {
            try Data(page.utf8).write(to: URL(fileURLWithPath: html), options: .atomic)
        } catch {
            throw ValidationError("could not write \(html): \(error)")
        }
        let totals = snapshot.totals
        Console.line(
            "wrote \(html) (\(grouped(page.utf8.count / 1_024 + 1)) KiB): \(snapshot.pixels.count) pixel"
                + "\(snapshot.pixels.count == 1 ? "" : "s"), \(grouped(totals.total)) events, \(grouped(totals.parked)) parked, "
                + "\(snapshot.recentFailures.count) recent failures")
    }

    /// Refuses to replace anything but an earlier report: a file that does not carry the
    /// dashboard's generator tag near its start, a directory, or anything unreadable.
    static func checkReplaceable(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        let refusal =
            "--html \(path): a file is already there and it is not a report capi wrote; it is left as it is. "
            + "Choose another path, or move the file away yourself"
        guard !isDirectory.boolValue, let handle = FileHandle(forReadingAtPath: path) else { throw ValidationError(refusal) }
        defer { try? handle.close() }
        let start = (try? handle.read(upToCount: 4_096)) ?? Data()
        guard String(decoding: start, as: UTF8.self).contains(HTMLDashboard.generatorTag) else { throw ValidationError(refusal) }
    }
}
