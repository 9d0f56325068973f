import Delivery

/// Which page or action a request asks for, read from its method and path (the mount prefix
/// already removed).
enum ConsoleRoute: Equatable {
    case overview
    case eventList
    case event(EventRecordID)
    case eventState(EventRecordID)
    case replayEvent(EventRecordID)
    case replayParked
    case login
    case signIn
    case stylesheet
    case script
    case icon
    case notFound
    /// A known path with the wrong method (a GET to an action, say).
    case methodNotAllowed(allowed: String)

    /// The route of `method` on `path`.
    static func match(method: String, path: String) -> ConsoleRoute {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let isGet = method == "GET" || method == "HEAD"
        let isPost = method == "POST"
        func only(get route: ConsoleRoute) -> ConsoleRoute { isGet ? route : .methodNotAllowed(allowed: "GET, HEAD") }
        func only(post route: ConsoleRoute) -> ConsoleRoute { isPost ? route : .methodNotAllowed(allowed: "POST") }
        switch segments.count {
        case 0: return only(get: .overview)
        case 1:
            switch segments[0] {
            case "events": return only(get: .eventList)
            case "console.css": return only(get: .stylesheet)
            case "console.js": return only(get: .script)
            case "favicon.svg": return only(get: .icon)
            case "replay-parked": return only(post: .replayParked)
            case "login": return isPost ? .signIn : only(get: .login)
            default: return .notFound
            }
        case 2, 3:
            guard segments[0] == "events", let number = Int64(segments[1]), number > 0 else { return .notFound }
            let id = EventRecordID(number)
            if segments.count == 2 { return only(get: .event(id)) }
            switch segments[2] {
            case "state": return only(get: .eventState(id))
            case "replay": return only(post: .replayEvent(id))
            default: return .notFound
            }
        default: return .notFound
        }
    }

    /// True for routes that change the store: they need a valid CSRF token.
    var changesState: Bool {
        switch self {
        case .replayEvent, .replayParked: true
        default: false
        }
    }

    /// True for routes anyone may load, signed in or not.
    var isPublic: Bool {
        switch self {
        case .login, .signIn, .stylesheet, .script, .icon: true
        default: false
        }
    }
}
