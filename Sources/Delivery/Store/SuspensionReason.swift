public import CAPIModel

/// Why Meta's answer stopped a pixel: what is wrong and what fixes it.
///
/// It is read from the Graph error that suspended the pixel (``PixelSuspension/error``), so
/// it needs no storage of its own and a suspension recorded by an older version still reads
/// right. Every suspension keeps the pixel's events queued (nothing is parked) and lasts until
/// the destination that was refused is replaced: new credentials
/// (``DeliveryWorker/replaceCredentials(for:accessToken:appSecret:)``, also with the same
/// token once its access is fixed), or a worker started with another Graph API version or
/// base URL (suspensions name what was refused by a ``CredentialFingerprint`` that covers the
/// token, the app secret and the endpoint).
public struct SuspensionReason: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String, Hashable, Sendable {
        case credentialsRejected = "credentials_rejected"
        case pixelNotAccessible = "pixel_not_accessible"
        case unsupportedEndpoint = "unsupported_endpoint"
    }
    private let base: Base

    /// Code 190 (token expired or invalid), 102, 104, 10, 200–299, or a wrong
    /// `appsecret_proof`: Meta refused the access token or its permissions.
    public static let credentialsRejected = SuspensionReason(base: .credentialsRejected)
    /// Code 100 with subcode 33 ("object does not exist, cannot be loaded due to missing
    /// permissions"): the pixel id is wrong, or the token has no access to the dataset.
    public static let pixelNotAccessible = SuspensionReason(base: .pixelNotAccessible)
    /// Code 3 (unsupported API method): the Graph API version or path is wrong, or the app
    /// lacks the capability to call the Conversions API. Resending the same request never helps.
    public static let unsupportedEndpoint = SuspensionReason(base: .unsupportedEndpoint)

    /// The reason `error` suspends a pixel.
    public init(_ error: GraphError) {
        if error.code == 3 {
            base = .unsupportedEndpoint
        } else if error.code == 100 && error.errorSubcode == 33 {
            base = .pixelNotAccessible
        } else {
            base = .credentialsRejected
        }
    }

    private init(base: Base) { self.base = base }

    /// A short, stable code, usable as a metric dimension and a log value.
    public var description: String { base.rawValue }

    /// The error code of the ``DeliveryError`` that reports the suspension.
    public var errorCode: DeliveryError.Code {
        switch base {
        case .credentialsRejected: .credentialsRejected
        case .pixelNotAccessible: .pixelNotAccessible
        case .unsupportedEndpoint: .unsupportedEndpoint
        }
    }

    /// What is wrong and how to fix it, for `capi status`, the dashboard, the log and
    /// ``DeliveryWorker/PixelStatus/error``. Holds ids, codes and Meta's message only.
    public func explanation(pixel: PixelID, error: GraphError) -> String {
        var detail = "\(error.code)"
        if let subcode = error.errorSubcode { detail += "/\(subcode)" }
        let queued = "Delivery to this pixel is suspended and its events stay queued (nothing is parked)."
        switch base {
        case .credentialsRejected:
            return "Meta rejected the access token for pixel \(pixel) (Graph error \(detail): \(error.message)). \(queued) "
                + "Create a new system-user token with access to the pixel and call "
                + "replaceCredentials(for:accessToken:appSecret:)."
        case .pixelNotAccessible:
            return "Meta cannot load pixel \(pixel) with this access token (Graph error \(detail): \(error.message)): "
                + "either the pixel (dataset) id is wrong, or the token has no access to the dataset. \(queued) "
                + "Check the id in Events Manager. If it is right, give the token's system user access to the dataset "
                + "(Business settings, Data sources, Datasets) and call replaceCredentials(for:accessToken:appSecret:) "
                + "(the same token is fine once it has access). If it is wrong, configure the right id: events queued for "
                + "the wrong one are not moved, enqueue them again for the right pixel."
        case .unsupportedEndpoint:
            return "Meta does not support the API method called for pixel \(pixel) (Graph error \(detail): "
                + "\(error.message)): the Graph API version or path is wrong (PixelDestination.graphVersion, baseURL), "
                + "or the app lacks the capability to call the Conversions API. \(queued) Set graphVersion to a version "
                + "Meta still serves (\(PixelDestination.defaultGraphVersion) by default) and leave baseURL at its default "
                + "(Meta's Graph API origin), then restart the worker; or fix the app and call "
                + "replaceCredentials(for:accessToken:appSecret:)."
        }
    }
}

extension PixelSuspension {
    /// Why the pixel is suspended, read from ``error``.
    public var reason: SuspensionReason { SuspensionReason(error) }
}
