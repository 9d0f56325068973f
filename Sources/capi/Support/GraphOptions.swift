import ArgumentParser
import Delivery

/// The options of the commands that talk to the Graph API: the pixel, the Graph URL and the
/// version. Each falls back to the setting `CAPIClient` reads (see `CapiSettings`), so an
/// operator's shell with the app's `CAPI_*` variables needs no flags.
struct GraphOptions: ParsableArguments {
    @Option(
        name: .customLong("pixel-id"),
        help: ArgumentHelp("The pixel (dataset) id; the first of CAPI_PIXELS when not given.", valueName: "id"))
    var pixelIDOption: String?

    @Option(
        name: .customLong("graph-url"),
        help: ArgumentHelp(
            "The Graph API origin (a fake server in tests); https://, or http:// only for a loopback host; or set CAPI_GRAPH_URL.",
            valueName: "url"))
    var graphURLOption: String?

    @Option(
        name: .customLong("graph-version"),
        help: ArgumentHelp("The Graph API version; or set CAPI_GRAPH_VERSION.", valueName: "version"))
    var graphVersionOption: String?

    var pixelID: String { pixelIDOption ?? CapiSettings.pixelList().first ?? "" }
    var graphURL: String { graphURLOption ?? CapiSettings.string("capi.graphURL") ?? PixelDestination.defaultBaseURL }
    var graphVersion: String {
        graphVersionOption ?? CapiSettings.string("capi.graphVersion") ?? PixelDestination.defaultGraphVersion
    }

    func validate() throws {
        guard !pixelID.isEmpty, pixelID.allSatisfy(\.isNumber) else {
            throw ValidationError("--pixel-id (or CAPI_PIXELS) is the numeric id of the pixel (dataset)")
        }
        do {
            try PixelDestination.checkBaseURL(graphURL)
        } catch {
            throw ValidationError("--graph-url: \(error.message)")
        }
    }

    /// The pixel's destination with `accessToken` and, when given, `appSecret`, on the Graph
    /// URL and version chosen.
    func destination(accessToken: AccessToken, appSecret: String?) -> PixelDestination {
        var destination = PixelDestination(pixelID: PixelID(pixelID), accessToken: accessToken)
        if let appSecret, !appSecret.isEmpty { destination.appSecret = AppSecret(appSecret) }
        destination.baseURL = graphURL.hasSuffix("/") ? String(graphURL.dropLast()) : graphURL
        destination.graphVersion = graphVersion
        return destination
    }
}
