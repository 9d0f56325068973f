import ArgumentParser
import FakeGraphAPI

/// `capi fake-graph`: the loopback fake Graph API as a process, for scripts that test against
/// it (Scripts/check-console.sh). Hidden from help: it is a test tool, not an operator command.
struct FakeGraphCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fake-graph",
        abstract: "Run the loopback fake Graph API (POST /{version}/{pixel}/events) until SIGINT or SIGTERM.",
        discussion: "Prints its origin (for --graph-url) on the first line. It accepts any non-empty access token.",
        shouldDisplay: false
    )

    @Option(name: .long, help: "The port to listen on; 0 picks a free one.")
    var port = 0

    @Option(name: .long, help: ArgumentHelp("Require this app secret's appsecret_proof.", valueName: "secret"))
    var appSecret: String?

    func run() async throws {
        var configuration = FakeGraphAPI.Configuration()
        configuration.port = port
        configuration.appSecret = appSecret
        let server = try await FakeGraphAPI.start(configuration: configuration)
        Console.line(server.baseURL)
        await ServeCommand.waitForStopSignal()
        Console.line("accepted \(server.acceptedEventIDs.count) events")
        try await server.shutdown()
    }
}
