public import FoundationEssentials

/// One thing to buy, to keep the example short.
public struct Product: Sendable {
    public var sku: String
    public var name: String
    public var price: Decimal
    public var currency: String

    /// The shop's only product.
    public static let trailShoe = Product(
        sku: "SKU-2481", name: "Trail running shoe", price: Decimal(string: "89.90") ?? 89, currency: "EUR")
}
