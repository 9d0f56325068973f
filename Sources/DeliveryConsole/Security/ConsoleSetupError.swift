/// A console that cannot start as configured: what is wrong and how to fix it.
///
/// Messages never contain the access token.
public struct ConsoleSetupError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The access token is shorter than ``ConsoleAccessToken/minimumLength``.
        public static let accessTokenTooShort = Code(rawValue: "access_token_too_short")
        /// The server was asked to listen on an address other than loopback without an access token.
        public static let exposedWithoutToken = Code(rawValue: "exposed_without_token")
        /// The address could not be bound (in use, not an address of this host).
        public static let bindFailed = Code(rawValue: "bind_failed")
        /// The mount path is not empty and does not start with `/`, or ends with `/`.
        public static let invalidMountPath = Code(rawValue: "invalid_mount_path")
    }

    /// What kind of problem it is.
    public var code: Code
    /// What is wrong and how to fix it, in words.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: what kind of problem it is.
    ///   - message: what is wrong and how to fix it.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
