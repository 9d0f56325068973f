/// An error from ``CAPIClient``: a setting that is missing or malformed, a conversion sent
/// to a pixel the client has no destination for, or a route without the middleware.
///
/// Compare ``code`` to the static members (`error.code == .missingSetting`). ``message`` names
/// the setting (its configuration key and environment variable) and how to fix it; it never
/// contains a setting's value, so tokens, secrets and database passwords stay out of logs.
public struct CAPIClientError: Error, Sendable, CustomStringConvertible {
    /// An opaque error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case missingSetting = "missing_setting"
            case malformedSetting = "malformed_setting"
            case unknownPixel = "unknown_pixel"
            case visitNotTracked = "visit_not_tracked"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A required setting is not set (``CAPIClientError/key`` names it).
        public static let missingSetting = Code(.missingSetting)
        /// A setting is set to something unusable (``CAPIClientError/key`` names it).
        public static let malformedSetting = Code(.malformedSetting)
        /// ``CAPIClient/send(_:customer:session:to:)`` named a pixel the client has no
        /// destination for. Nothing was stored.
        public static let unknownPixel = Code(.unknownPixel)
        /// A route asked for the request's ``CAPIVisit`` but the Hummingbird or Vapor
        /// middleware did not run for it: add the middleware to the router or route group.
        public static let visitNotTracked = Code(.visitNotTracked)

        /// The code as a short string, usable as a metric label.
        public var description: String { base.rawValue }
    }

    /// The error code.
    public var code: Code
    /// The configuration key of the setting at fault (`capi.accessToken`), if any.
    public var key: String?
    /// What went wrong and how to fix it.
    public var message: String

    /// Creates an error.
    public init(code: Code, key: String? = nil, message: String) {
        self.code = code
        self.key = key
        self.message = message
    }

    /// The code and the message.
    public var description: String { "CAPIClientError.\(code): \(message)" }
}

extension CAPIClientError {
    /// The error a framework adapter throws when a route asks for the request's
    /// ``CAPIVisit`` but its middleware did not run; `framework` names it in the fix.
    public static func visitNotTracked(framework: String, fix: String) -> CAPIClientError {
        CAPIClientError(
            code: .visitNotTracked,
            message: "this \(framework) route has no CAPIVisit: the RoasProof middleware did not run for it; \(fix)")
    }
}
