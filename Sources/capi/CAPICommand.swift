import ArgumentParser

/// `capi`: the RoasProof command-line tool.
@main
struct CAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capi",
        abstract: "Build, hash, deliver and inspect Meta Conversions API events.",
        version: RoasProofVersion.current,
        subcommands: [
            DemoCommand.self, StatusCommand.self, EventsCommand.self, ShowCommand.self, ReplayCommand.self, ServeCommand.self,
            ReportCommand.self, QualityCommand.self, BackfillCommand.self, SendTestCommand.self, HashCommand.self,
            ClickIDsCommand.self, FakeGraphCommand.self,
        ]
    )
}

enum RoasProofVersion {
    static let current = "0.1.0"
}
