/// An error from ``CAPIClient``: a setting that is missing or malformed, or a conversion sent
/// to a pixel the client has no destination for.
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

        /// The code as a short string, usable as a metric label.
        public var description: String { base.rawValue }
    }

    /// The error code.
    public var code: Code
    /// The configuration key of the setting at fault (`capi.accessToken`), if any.
    public var key: String?
    /// What went wrong and how to fix it.
    public var message: String

    public init(code: Code, key: String? = nil, message: String) {
        self.code = code
        self.key = key
        self.message = message
    }

    public var description: String { "CAPIClientError.\(code): \(message)" }
}
