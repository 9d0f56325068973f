/// An error from the delivery engine or a store.
///
/// Compare ``code`` to the static members (`error.code == .invalidEvent`); new codes can be
/// added without breaking callers. ``message`` says what was wrong and how to fix it and
/// never contains raw customer data, access tokens or app secrets.
public struct DeliveryError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// An opaque error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidEvent = "invalid_event"
            case emptyBatch = "empty_batch"
            case credentialsRejected = "credentials_rejected"
            case pixelNotAccessible = "pixel_not_accessible"
            case unsupportedEndpoint = "unsupported_endpoint"
            case unknownPixel = "unknown_pixel"
            case eventNotFound = "event_not_found"
            case replayRejected = "replay_rejected"
            case storeFailure = "store_failure"
            case storeFull = "store_full"
            case storeBusy = "store_busy"
            case storeReadOnly = "store_read_only"
            case schemaTooNew = "schema_too_new"
            case foreignDatabase = "foreign_database"
            case storeCorrupt = "store_corrupt"
            case encodingFailed = "encoding_failed"
            case invalidConfiguration = "invalid_configuration"
            case clockSkew = "clock_skew"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// An event failed validation (missing `event_id`, too old, `website` without
        /// `event_source_url` or `client_user_agent`, ...). Nothing was stored.
        public static let invalidEvent = Code(.invalidEvent)
        /// `enqueue(contentsOf:)` got no events.
        public static let emptyBatch = Code(.emptyBatch)
        /// Meta rejected the pixel's access token (code 190) or its permissions; the pixel is
        /// suspended until ``DeliveryWorker/replaceCredentials(for:accessToken:appSecret:)``.
        public static let credentialsRejected = Code(.credentialsRejected)
        /// Meta cannot load the pixel with the token (code 100, subcode 33): the pixel id is
        /// wrong or the token has no access to the dataset. The pixel is suspended, its events
        /// stay queued; see ``SuspensionReason/pixelNotAccessible``.
        public static let pixelNotAccessible = Code(.pixelNotAccessible)
        /// Meta does not support the API method called (code 3): a wrong Graph API version or
        /// path. The pixel is suspended, its events stay queued; see
        /// ``SuspensionReason/unsupportedEndpoint``.
        public static let unsupportedEndpoint = Code(.unsupportedEndpoint)
        /// No destination is configured for the pixel.
        public static let unknownPixel = Code(.unknownPixel)
        /// No stored event has that id or key.
        public static let eventNotFound = Code(.eventNotFound)
        /// A replay was refused because the event no longer passes validation.
        public static let replayRejected = Code(.replayRejected)
        /// The store failed to read or write, for a reason other than those below.
        public static let storeFailure = Code(.storeFailure)
        /// The store could not write because its disk is full or it reached its configured size
        /// limit. Nothing of the failed call was stored; what was stored before is kept.
        public static let storeFull = Code(.storeFull)
        /// Another connection held the database lock longer than the store waits for it. The
        /// call changed nothing and may be retried.
        public static let storeBusy = Code(.storeBusy)
        /// The database is read-only (file permissions, a read-only file system, or opened
        /// read-only). The call changed nothing.
        public static let storeReadOnly = Code(.storeReadOnly)
        /// The database was written by a newer version of this library.
        public static let schemaTooNew = Code(.schemaTooNew)
        /// The file is a database this library did not create (it has tables but not the
        /// store's stamp). It was refused without being changed; pass the path of a store or
        /// of a new file.
        public static let foreignDatabase = Code(.foreignDatabase)
        /// The database file is damaged, or is not a database at all; the message carries the
        /// database's own reason and the file. Restore it from a backup.
        public static let storeCorrupt = Code(.storeCorrupt)
        /// An event could not be encoded as JSON.
        public static let encodingFailed = Code(.encodingFailed)
        /// A setting is unusable (for example a malformed database URL or schema name).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// This instance's clock differs from the shared store's (the database server's) by
        /// more than the store tolerates, so its leases, due times and pauses would disagree
        /// with other instances'. Synchronize the host's clock (NTP); the store accepts the
        /// instance again once the difference is back within bounds.
        public static let clockSkew = Code(.clockSkew)

        /// The code as a short string, usable as a metric label.
        public var description: String { base.rawValue }
    }

    /// The error code.
    public var code: Code
    /// What went wrong and how to fix it.
    public var message: String
    /// The error that caused this one, if any.
    public var underlying: (any Error)?
    /// Per-event problems, for validation errors: the index in the submitted batch and the issue.
    public var issues: [EventValidationIssue]
    /// Where the error was raised.
    public var file: String
    public var line: Int

    public init(
        code: Code, message: String, underlying: (any Error)? = nil, issues: [EventValidationIssue] = [],
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.issues = issues
        self.file = file
        self.line = line
    }

    /// A bounded label without associated values, for metrics.
    public var shortDescription: String { code.description }

    public var description: String { "DeliveryError.\(code): \(message)" }

    /// The description plus issues, cause and source location.
    public var debugDescription: String {
        var text = description
        for issue in issues.prefix(20) { text += "\n  - \(issue)" }
        if issues.count > 20 { text += "\n  - … \(issues.count - 20) more" }
        if let underlying { text += "\n  caused by: \(String(describing: underlying))" }
        text += "\n  at \(file):\(line)"
        return text
    }
}
