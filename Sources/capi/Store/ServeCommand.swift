import ArgumentParser
import Delivery
import DeliveryConsole
import DeliveryHTTP
import DeliverySQLite
import Dispatch
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `capi serve --store FILE`: the live console in a browser, until SIGINT or SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a live console of a store: states, events, payloads, attempts, and one-click replay.",
        discussion: """
            The console listens on 127.0.0.1 only, unless an access token is given (--token-file or CAPI_CONSOLE_TOKEN): then it may listen on any address, and every page asks for the token (as Authorization: Bearer, or once through its sign-in form). Replay is a POST with a CSRF token and goes through the same code as capi replay; the app's DeliveryWorker sends the replayed events within its poll interval. With --deliver this process runs a worker too (for a store no app delivers from).

            Examples:
              capi serve --store capi-demo.sqlite
              capi serve --store "postgres://capi@db.internal/shop?sslmode=require" --token-file /run/secrets/console-token --host 0.0.0.0
              capi serve --store shop.sqlite --host 0.0.0.0 --port 9090 --token-file /run/secrets/console-token
              CAPI_ACCESS_TOKEN=… capi serve --store shop.sqlite --deliver --pixel-id 1234567890
            """
    )

    static let tokenVariable = "CAPI_CONSOLE_TOKEN"

    @OptionGroup var storeOptions: StoreOptions

    @Option(
        name: .long,
        help: ArgumentHelp("The address to listen on; another than loopback needs an access token.", valueName: "address"))
    var host = "127.0.0.1"

    @Option(name: .long, help: "The port to listen on; 0 picks a free one (printed).")
    var port = 8080

    @Option(
        name: .long,
        help: ArgumentHelp("A file holding the console's access token (or set CAPI_CONSOLE_TOKEN).", valueName: "file"))
    var tokenFile: String?

    @Option(name: .long, help: "Events per page of the event list.")
    var pageSize = 50

    @Flag(name: .long, help: "Also deliver: run a DeliveryWorker for --pixel-id with CAPI_ACCESS_TOKEN (and CAPI_APP_SECRET).")
    var deliver = false

    @Option(
        name: .long,
        help: ArgumentHelp("With --deliver: the pixel to deliver; the first of CAPI_PIXELS when not given.", valueName: "id"))
    var pixelID: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "With --deliver: the Graph API origin (a loopback fake in tests); or set CAPI_GRAPH_URL.", valueName: "url"))
    var graphURL: String?

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard (1...1_000).contains(pageSize) else { throw ValidationError("--page-size must be between 1 and 1000") }
    }

    /// The access token from --token-file, else CAPI_CONSOLE_TOKEN, else none.
    func accessToken() throws -> ConsoleAccessToken? {
        let text: String
        if let tokenFile {
            guard let data = FileManager.default.contents(atPath: tokenFile) else {
                throw ValidationError("--token-file \(tokenFile) cannot be read; pass a readable file holding the token")
            }
            text = String(decoding: data, as: UTF8.self)
        } else if let value = ProcessInfo.processInfo.environment[Self.tokenVariable], !value.isEmpty {
            text = value
        } else {
            return nil
        }
        do {
            return try ConsoleAccessToken(text)
        } catch {
            throw ValidationError(error.message)
        }
    }

    func run() async throws {
        var consoleConfiguration = DeliveryConsole.Configuration()
        consoleConfiguration.title = storeOptions.displayName
        consoleConfiguration.pageSize = pageSize
        consoleConfiguration.accessToken = try accessToken()
        var serverConfiguration = ConsoleServer.Configuration()
        serverConfiguration.host = host
        serverConfiguration.port = port
        let destination = deliver ? try deliveryDestination() : nil
        try await storeOptions.withInspectableStore { store in
            let clock = SystemDeliveryClock()
            let queue = DeliveryQueue(store: store, clock: clock)
            let console = DeliveryConsole(store: store, queue: queue, configuration: consoleConfiguration, clock: clock)
            let server: ConsoleServer
            do {
                server = try await ConsoleServer.start(console: console, configuration: serverConfiguration)
            } catch let error as ConsoleSetupError {
                throw ValidationError(error.message)
            }
            Console.line("RoasProof console for \(storeOptions.displayName) on \(server.url)")
            Console.line(
                consoleConfiguration.accessToken == nil
                    ? "  loopback only, no access token; stop with Ctrl-C"
                    : "  access token required (Authorization: Bearer, or the sign-in form); stop with Ctrl-C")
            if let destination { Console.line("  delivering pixel \(destination.pixelID) to \(destination.baseURL)") }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                if let destination {
                    var configuration = DeliveryWorker.Configuration()
                    configuration.idlePollInterval = .milliseconds(500)
                    let worker = DeliveryWorker(
                        queue: queue, transport: AsyncHTTPClientTransport(), destinations: [destination],
                        configuration: configuration, clock: clock)
                    group.addTask { try await worker.run() }
                }
                group.addTask { await Self.waitForStopSignal() }
                // The first task to end (the stop signal, or a failure) ends the others.
                _ = try await group.next()
                group.cancelAll()
            }
            Console.line("console stopped")
        }
    }

    func deliveryDestination() throws -> PixelDestination {
        let pixel = pixelID ?? CapiSettings.pixelList().first ?? ""
        guard !pixel.isEmpty, pixel.allSatisfy(\.isNumber) else {
            throw ValidationError("--deliver needs --pixel-id (or CAPI_PIXELS): the numeric id of the pixel to deliver")
        }
        let origin = graphURL ?? CapiSettings.string("capi.graphURL") ?? PixelDestination.defaultBaseURL
        do {
            try PixelDestination.checkBaseURL(origin)
        } catch {
            throw ValidationError("--graph-url: \(error.message)")
        }
        guard let token = ProcessInfo.processInfo.environment[SendTestCommand.tokenVariable], !token.isEmpty else {
            throw ValidationError("--deliver sends with the access token in \(SendTestCommand.tokenVariable); set it")
        }
        var destination = PixelDestination(pixelID: PixelID(pixel), accessToken: AccessToken(token))
        if let secret = ProcessInfo.processInfo.environment[SendTestCommand.secretVariable], !secret.isEmpty {
            destination.appSecret = AppSecret(secret)
        }
        destination.baseURL = origin.hasSuffix("/") ? String(origin.dropLast()) : origin
        return destination
    }

    /// Returns on the first SIGINT or SIGTERM (or when the task is cancelled), so that the
    /// store is closed cleanly.
    static func waitForStopSignal() async {
        let (signals, continuation) = AsyncStream<Void>.makeStream()
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            #if canImport(Darwin)
            // Dispatch's kqueue source sees the signal only once its default action is off;
            // on Linux Dispatch installs a handler of its own.
            signal(signalNumber, SIG_IGN)
            #endif
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { continuation.yield() }
            source.resume()
            sources.append(source)
        }
        for await _ in signals { break }
        for source in sources { source.cancel() }
    }
}
