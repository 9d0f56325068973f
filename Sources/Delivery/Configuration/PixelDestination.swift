internal import Identity

/// Where one pixel's events go, and with which credentials.
///
/// ```swift
/// var destination = PixelDestination(pixelID: "1234567890", accessToken: AccessToken(token))
/// destination.appSecret = AppSecret(secret)      // then appsecret_proof is sent
/// destination.testEventCode = "TEST12345"         // while testing in Events Manager
/// ```
///
/// The description redacts the token and secret.
public struct PixelDestination: Sendable, Hashable, CustomStringConvertible {
    /// The pixel (dataset) id.
    public var pixelID: PixelID
    /// The access token sent as the `access_token` query parameter.
    public var accessToken: AccessToken
    /// The app secret; when set, every request carries `appsecret_proof`.
    public var appSecret: AppSecret?
    /// `test_event_code`, added to every request body for this pixel.
    public var testEventCode: String?
    /// `partner_agent`, added to every request body when set.
    public var partnerAgent: String?
    /// The Graph API version, such as `v24.0`.
    public var graphVersion: String
    /// The Graph API origin, without a trailing slash. Override it for a fake server.
    public var baseURL: String

    /// The Graph API version used unless configured otherwise.
    public static let defaultGraphVersion = "v24.0"
    /// The Graph API origin used unless configured otherwise.
    public static let defaultBaseURL = "https://graph.facebook.com"

    public init(
        pixelID: PixelID, accessToken: AccessToken, appSecret: AppSecret? = nil, testEventCode: String? = nil,
        graphVersion: String = PixelDestination.defaultGraphVersion, baseURL: String = PixelDestination.defaultBaseURL
    ) {
        self.pixelID = pixelID
        self.accessToken = accessToken
        self.appSecret = appSecret
        self.testEventCode = testEventCode
        self.graphVersion = graphVersion
        self.baseURL = baseURL
    }

    /// `appsecret_proof`: HMAC-SHA256 of the token keyed with the app secret, when one is set.
    public var appSecretProof: String? {
        guard let appSecret else { return nil }
        return AppSecretProof(accessToken: accessToken.unredactedValue, appSecret: appSecret.unredactedValue).hexString
    }

    public var description: String {
        var text = "PixelDestination(pixel: \(pixelID), \(baseURL)/\(graphVersion), access_token: <redacted>"
        if appSecret != nil { text += ", app_secret: <redacted>" }
        if let testEventCode { text += ", test_event_code: \(testEventCode)" }
        return text + ")"
    }
}
