import ArgumentParser

/// `capi`: the RoasProof command-line tool.
@main
struct CAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capi",
        abstract: "Build, hash, deliver and inspect Meta Conversions API events.",
        version: RoasProofVersion.current,
        subcommands: [HashCommand.self, ClickIDsCommand.self]
    )
}

enum RoasProofVersion {
    static let current = "0.1.0"
}
