/// A Graph API access token.
///
/// The token never appears in `description`, `debugDescription`, logs, stored receipts or
/// errors: printing one shows `AccessToken(<redacted>)`. Only a ``Transport`` reads
/// ``unredactedValue``, to put it into the request URL.
public struct AccessToken: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The token itself. Read it only to build the HTTP request.
    public let unredactedValue: String

    public init(_ value: String) { self.unredactedValue = value }

    public var description: String { "AccessToken(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// A Meta app secret, used only to compute `appsecret_proof`.
///
/// Like ``AccessToken`` it is redacted everywhere it could be printed or reflected.
public struct AppSecret: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The secret itself. Read it only to compute `appsecret_proof`.
    public let unredactedValue: String

    public init(_ value: String) { self.unredactedValue = value }

    public var description: String { "AppSecret(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
