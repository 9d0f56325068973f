public import RoasProof

/// Orders placed, with the pixel hand-off each thank-you page renders. In memory here; a real
/// shop keeps the hand-off (or the event id) with the order in its database.
public actor OrderBook {
    public struct Order: Sendable {
        /// `nil` when no event was sent (the visitor declined measurement).
        public var handoff: PixelHandoff?
    }

    private var nextNumber = 10_001
    private var orders: [String: Order] = [:]

    public init() {}

    /// A new order id.
    public func open() -> String {
        defer { nextNumber += 1 }
        return String(nextNumber)
    }

    public func record(_ id: String, handoff: PixelHandoff?) { orders[id] = Order(handoff: handoff) }

    public func order(_ id: String) -> Order? { orders[id] }
}
