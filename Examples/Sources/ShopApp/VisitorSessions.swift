import RoasProof

/// What the shop remembers per visitor between requests: the latest ad click and the fbp.
///
/// A real shop keeps this in its session store or next to the cart in its database; it is
/// small and `Codable` (`ClickRecord`). In memory here, to keep the example short.
actor VisitorSessions {
    struct Session: Sendable {
        var click: ClickRecord?
        var fbp: String?
    }

    private var sessions: [VisitorID: Session] = [:]

    func session(for visitor: VisitorID) -> Session { sessions[visitor] ?? Session() }

    func update(_ visitor: VisitorID, click: ClickRecord?, fbp: String?) {
        var session = sessions[visitor] ?? Session()
        if let click { session.click = click }
        if let fbp { session.fbp = fbp }
        sessions[visitor] = session
    }
}

/// Orders placed, with the pixel hand-off each thank-you page renders.
actor OrderBook {
    struct Order: Sendable {
        /// `nil` when no event was sent (the visitor declined measurement).
        var handoff: PixelHandoff?
    }

    private var nextNumber = 10_001
    private var orders: [String: Order] = [:]

    /// A new order id.
    func open() -> String {
        defer { nextNumber += 1 }
        return String(nextNumber)
    }

    func record(_ id: String, handoff: PixelHandoff?) { orders[id] = Order(handoff: handoff) }

    func order(_ id: String) -> Order? { orders[id] }
}
