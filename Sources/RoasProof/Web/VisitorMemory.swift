public import Matching

/// What the server keeps per visitor between requests, so that a conversion still sends fbc
/// and fbp when the browser has dropped its `_fbc` and `_fbp` cookies (Safari caps cookies set
/// by scripts at 7 days; blockers purge them) but kept the server's HttpOnly visitor cookie.
public struct RememberedVisit: Hashable, Sendable, Codable {
    /// The visitor's latest Meta ad click.
    public var click: ClickRecord?
    /// The visitor's fbp.
    public var fbp: String?

    /// Creates a record.
    public init(click: ClickRecord? = nil, fbp: String? = nil) {
        self.click = click
        self.fbp = fbp
    }
}

/// Where ``VisitTracker`` keeps a ``RememberedVisit`` per visitor: the app's session store,
/// cache or database (the record is small and `Codable`), or ``InMemoryVisitorMemory``.
///
/// A page must render when the memory is unavailable, so its methods do not throw:
/// implementations log their own failures and answer `nil`.
public protocol VisitorMemory: Sendable {
    /// What was remembered for `visitor`, or `nil`.
    func recall(_ visitor: VisitorID) async -> RememberedVisit?
    /// Remembers `visit` for `visitor`, replacing what was there.
    func remember(_ visit: RememberedVisit, for visitor: VisitorID) async
}

/// A ``VisitorMemory`` in this process, for one instance: it holds at most `capacity`
/// visitors and forgets the longest-remembered first. Apps with several instances keep the
/// record in a shared store instead.
public actor InMemoryVisitorMemory: VisitorMemory {
    /// The most visitors kept.
    public let capacity: Int
    private var visits: [VisitorID: RememberedVisit] = [:]
    /// Visitors in the order they were first remembered; `oldest` indexes the next to forget.
    private var order: [VisitorID] = []
    private var oldest = 0

    /// Creates an empty memory that keeps at most `capacity` visitors (at least one).
    public init(capacity: Int = 100_000) { self.capacity = max(1, capacity) }

    /// The number of visitors remembered.
    public var count: Int { visits.count }

    public func recall(_ visitor: VisitorID) -> RememberedVisit? { visits[visitor] }

    public func remember(_ visit: RememberedVisit, for visitor: VisitorID) {
        if visits.updateValue(visit, forKey: visitor) != nil { return }
        order.append(visitor)
        if visits.count > capacity {
            visits[order[oldest]] = nil
            oldest += 1
            // Drop the forgotten prefix now and then, so `order` stays about `capacity` long.
            if oldest > capacity {
                order.removeFirst(oldest)
                oldest = 0
            }
        }
    }
}
