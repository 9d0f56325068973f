#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Business data about the conversion (`custom_data`).
///
/// Money is a `Decimal`, so `184.50` is written as `184.5` exactly. Keys of your own go in
/// ``customProperties``; they are written next to the standard keys, as Meta expects, and
/// can never overwrite one.
public struct CustomData: Hashable, Sendable {
    /// `value`: the monetary value of the conversion (or another metric).
    public var value: Decimal?
    /// `currency`: the ISO 4217 currency code of `value`, such as `EUR`.
    public var currency: String?
    /// `content_name`: the name of the page or product.
    public var contentName: String?
    /// `content_category`: the category of the page or product.
    public var contentCategory: String?
    /// `content_ids`: product ids or SKUs.
    public var contentIDs: [String]?
    /// `contents`: products with quantity and price.
    public var contents: [Content]?
    /// `content_type`: `product` or `product_group`.
    public var contentType: String?
    /// `order_id`: the order or transaction id.
    public var orderID: String?
    /// `predicted_ltv`: the predicted lifetime value of the customer.
    public var predictedLTV: Decimal?
    /// `num_items`: the number of items (for `InitiateCheckout`).
    public var numItems: Int?
    /// `status`: the registration status (for `CompleteRegistration`).
    public var status: String?
    /// `search_string`: the search query (for `Search`).
    public var searchString: String?
    /// `delivery_category`: how the purchase reaches the customer.
    public var deliveryCategory: DeliveryCategory?
    /// `net_revenue`: the margin of the purchase.
    public var netRevenue: Decimal?
    /// `item_number`: the item number.
    public var itemNumber: String?
    /// Your own keys, written at the top level of `custom_data`.
    public var customProperties: CustomProperties

    /// Creates custom data; every field may also be set afterwards.
    public init(
        value: Decimal? = nil, currency: String? = nil, contentName: String? = nil,
        contentCategory: String? = nil, contentIDs: [String]? = nil, contents: [Content]? = nil,
        contentType: String? = nil, orderID: String? = nil, predictedLTV: Decimal? = nil,
        numItems: Int? = nil, status: String? = nil, searchString: String? = nil,
        deliveryCategory: DeliveryCategory? = nil, netRevenue: Decimal? = nil, itemNumber: String? = nil,
        customProperties: CustomProperties = CustomProperties()
    ) {
        self.value = value
        self.currency = currency
        self.contentName = contentName
        self.contentCategory = contentCategory
        self.contentIDs = contentIDs
        self.contents = contents
        self.contentType = contentType
        self.orderID = orderID
        self.predictedLTV = predictedLTV
        self.numItems = numItems
        self.status = status
        self.searchString = searchString
        self.deliveryCategory = deliveryCategory
        self.netRevenue = netRevenue
        self.itemNumber = itemNumber
        self.customProperties = customProperties
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case value, currency
        case contentName = "content_name"
        case contentCategory = "content_category"
        case contentIDs = "content_ids"
        case contents
        case contentType = "content_type"
        case orderID = "order_id"
        case predictedLTV = "predicted_ltv"
        case numItems = "num_items"
        case status
        case searchString = "search_string"
        case deliveryCategory = "delivery_category"
        case netRevenue = "net_revenue"
        case itemNumber = "item_number"
    }

    /// The standard `custom_data` keys, which custom properties may not use.
    public static let standardKeys: Set<String> = Set(CodingKeys.allCases.map(\.rawValue))
}

extension CustomData: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            value: try c.decodeIfPresent(Decimal.self, forKey: .value),
            currency: try c.decodeIfPresent(String.self, forKey: .currency),
            contentName: try c.decodeIfPresent(String.self, forKey: .contentName),
            contentCategory: try c.decodeIfPresent(String.self, forKey: .contentCategory),
            contentIDs: try c.decodeIfPresent([String].self, forKey: .contentIDs),
            contents: try c.decodeIfPresent([Content].self, forKey: .contents),
            contentType: try c.decodeIfPresent(String.self, forKey: .contentType),
            orderID: try c.decodeIfPresent(String.self, forKey: .orderID),
            predictedLTV: try c.decodeIfPresent(Decimal.self, forKey: .predictedLTV),
            numItems: try c.decodeIfPresent(Int.self, forKey: .numItems),
            status: try c.decodeIfPresent(String.self, forKey: .status),
            searchString: try c.decodeIfPresent(String.self, forKey: .searchString),
            deliveryCategory: try c.decodeIfPresent(DeliveryCategory.self, forKey: .deliveryCategory),
            netRevenue: try c.decodeIfPresent(Decimal.self, forKey: .netRevenue),
            itemNumber: try c.decodeIfPresent(String.self, forKey: .itemNumber))
        // Every other key is a custom property.
        let open = try decoder.container(keyedBy: AnyCodingKey.self)
        var properties: [String: JSONValue] = [:]
        for key in open.allKeys where !Self.standardKeys.contains(key.stringValue) {
            properties[key.stringValue] = try open.decode(JSONValue.self, forKey: key)
        }
        self.customProperties = CustomProperties(uncheckedStorage: properties)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(value, forKey: .value)
        try c.encodeIfPresent(currency, forKey: .currency)
        try c.encodeIfPresent(contentName, forKey: .contentName)
        try c.encodeIfPresent(contentCategory, forKey: .contentCategory)
        try c.encodeIfPresent(contentIDs, forKey: .contentIDs)
        try c.encodeIfPresent(contents, forKey: .contents)
        try c.encodeIfPresent(contentType, forKey: .contentType)
        try c.encodeIfPresent(orderID, forKey: .orderID)
        try c.encodeIfPresent(predictedLTV, forKey: .predictedLTV)
        try c.encodeIfPresent(numItems, forKey: .numItems)
        try c.encodeIfPresent(status, forKey: .status)
        try c.encodeIfPresent(searchString, forKey: .searchString)
        try c.encodeIfPresent(deliveryCategory, forKey: .deliveryCategory)
        try c.encodeIfPresent(netRevenue, forKey: .netRevenue)
        try c.encodeIfPresent(itemNumber, forKey: .itemNumber)
        var open = encoder.container(keyedBy: AnyCodingKey.self)
        for (key, value) in customProperties.storage {
            try open.encode(value, forKey: AnyCodingKey(key))
        }
    }
}

/// One product in `custom_data.contents`.
public struct Content: Hashable, Sendable, Codable {
    /// `id`: the product id or SKU.
    public var id: String
    /// `quantity`: how many were bought.
    public var quantity: Int?
    /// `item_price`: the price of one item.
    public var itemPrice: Decimal?
    /// `title`: the product title.
    public var title: String?
    /// `description`: the product description.
    public var description: String?
    /// `brand`: the product brand.
    public var brand: String?
    /// `category`: the product category.
    public var category: String?
    /// `delivery_category`: how this item reaches the customer.
    public var deliveryCategory: DeliveryCategory?

    /// Creates a product line.
    public init(
        id: String, quantity: Int? = nil, itemPrice: Decimal? = nil, title: String? = nil,
        description: String? = nil, brand: String? = nil, category: String? = nil,
        deliveryCategory: DeliveryCategory? = nil
    ) {
        self.id = id
        self.quantity = quantity
        self.itemPrice = itemPrice
        self.title = title
        self.description = description
        self.brand = brand
        self.category = category
        self.deliveryCategory = deliveryCategory
    }

    enum CodingKeys: String, CodingKey {
        case id, quantity
        case itemPrice = "item_price"
        case title, description, brand, category
        case deliveryCategory = "delivery_category"
    }
}

/// Custom `custom_data` keys. A key that is one of Meta's standard `custom_data` keys is
/// refused, so a custom property can never silently replace `value` or `currency`.
public struct CustomProperties: Hashable, Sendable, Sequence {
    private(set) var storage: [String: JSONValue]

    /// An empty set of properties.
    public init() { self.storage = [:] }

    /// Creates properties from a dictionary.
    ///
    /// - Throws: ``CustomPropertyError`` if a key is a standard `custom_data` key or empty.
    public init(_ properties: [String: JSONValue]) throws(CustomPropertyError) {
        self.storage = [:]
        for (key, value) in properties { try set(value, forKey: key) }
    }

    init(uncheckedStorage: [String: JSONValue]) { self.storage = uncheckedStorage }

    /// The value stored under `key`, if any.
    public subscript(key: String) -> JSONValue? { storage[key] }

    /// Stores `value` under `key`.
    ///
    /// - Throws: ``CustomPropertyError`` if `key` is a standard `custom_data` key or empty.
    public mutating func set(_ value: JSONValue, forKey key: String) throws(CustomPropertyError) {
        guard !key.isEmpty else { throw CustomPropertyError(key: key, reason: .emptyKey) }
        guard !CustomData.standardKeys.contains(key) else {
            throw CustomPropertyError(key: key, reason: .collidesWithStandardKey)
        }
        storage[key] = value
    }

    /// Removes the value stored under `key`.
    public mutating func removeValue(forKey key: String) { storage.removeValue(forKey: key) }

    /// The number of properties.
    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    public func makeIterator() -> Dictionary<String, JSONValue>.Iterator { storage.makeIterator() }
}

/// A custom property that cannot be stored.
public struct CustomPropertyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Why the key was refused.
    public enum Reason: String, Hashable, Sendable {
        /// The key is one of Meta's standard `custom_data` keys.
        case collidesWithStandardKey
        /// The key is the empty string.
        case emptyKey
    }

    /// The refused key (a key name chosen by the developer, never customer data).
    public let key: String
    /// Why it was refused.
    public let reason: Reason

    /// Creates an error for `key`.
    public init(key: String, reason: Reason) {
        self.key = key
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .collidesWithStandardKey:
            "custom property '\(key)' is a standard custom_data key; set the typed CustomData field instead"
        case .emptyKey:
            "custom property keys must not be empty"
        }
    }
}

extension CustomData {
    /// The custom data as the JSON object its encoding writes, built directly: the same
    /// value as encoding it and decoding the text as a ``JSONValue``, without the text (the
    /// round trip through Foundation's coders cost a conversion more than hashing its
    /// customer did).
    ///
    /// - Throws: `EncodingError.invalidValue` when a number is not a number (`Decimal.nan`),
    ///   which JSON cannot hold.
    package func jsonObject() throws -> JSONValue {
        var object: [String: JSONValue] = [:]
        object.reserveCapacity(customProperties.count + 4)
        func number(_ value: Decimal?, _ key: CodingKeys) throws {
            guard let value else { return }
            object[key.rawValue] = try JSONValue.checkedNumber(value, key: key.rawValue)
        }
        func string(_ value: String?, _ key: CodingKeys) {
            if let value { object[key.rawValue] = .string(value) }
        }
        try number(value, .value)
        string(currency, .currency)
        string(contentName, .contentName)
        string(contentCategory, .contentCategory)
        if let contentIDs { object[CodingKeys.contentIDs.rawValue] = .array(contentIDs.map(JSONValue.string)) }
        if let contents {
            object[CodingKeys.contents.rawValue] = .array(try contents.map { try $0.jsonObject() })
        }
        string(contentType, .contentType)
        string(orderID, .orderID)
        try number(predictedLTV, .predictedLTV)
        if let numItems { object[CodingKeys.numItems.rawValue] = .number(Decimal(numItems)) }
        string(status, .status)
        string(searchString, .searchString)
        string(deliveryCategory?.rawValue, .deliveryCategory)
        try number(netRevenue, .netRevenue)
        string(itemNumber, .itemNumber)
        for (key, value) in customProperties.storage {
            try value.checkNumbers(key: key)
            object[key] = value
        }
        return .object(object)
    }
}

extension Content {
    /// The product line as the JSON object its encoding writes (see `CustomData.jsonObject()`).
    func jsonObject() throws -> JSONValue {
        var object: [String: JSONValue] = ["id": .string(id)]
        if let quantity { object[CodingKeys.quantity.rawValue] = .number(Decimal(quantity)) }
        if let itemPrice {
            object[CodingKeys.itemPrice.rawValue] = try JSONValue.checkedNumber(itemPrice, key: CodingKeys.itemPrice.rawValue)
        }
        if let title { object[CodingKeys.title.rawValue] = .string(title) }
        if let description { object[CodingKeys.description.rawValue] = .string(description) }
        if let brand { object[CodingKeys.brand.rawValue] = .string(brand) }
        if let category { object[CodingKeys.category.rawValue] = .string(category) }
        if let deliveryCategory { object[CodingKeys.deliveryCategory.rawValue] = .string(deliveryCategory.rawValue) }
        return .object(object)
    }
}

extension JSONValue {
    /// `.number(value)`, or the error an encoder gives for a number JSON cannot hold.
    static func checkedNumber(_ value: Decimal, key: String) throws -> JSONValue {
        guard !value.isNaN else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "\(key) is not a number (NaN); JSON cannot hold it"))
        }
        return .number(value)
    }

    /// Throws when a number inside is not a number (see `checkedNumber(_:key:)`).
    func checkNumbers(key: String) throws {
        switch self {
        case .null, .bool, .string: return
        case .number(let value): _ = try Self.checkedNumber(value, key: key)
        case .array(let values): for value in values { try value.checkNumbers(key: key) }
        case .object(let values): for (_, value) in values { try value.checkNumbers(key: key) }
        }
    }
}
