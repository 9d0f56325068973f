public import CAPIModel
internal import Identity

/// The deduplication id of a conversion: the same for the server event, its retries and
/// replays, and the browser pixel's copy, so Meta counts the conversion once.
///
/// It is a pure function of the event name and a business key; no randomness, no clock.
///
/// - Order-based events: `ord_<order id>`, readable in Events Manager
///   (order `84213` → `ord_84213`). See ``forOrder(_:)``.
/// - Everything else: `evt_` followed by 32 lowercase hex characters, the first 16 bytes of
///   `SHA-256("eid1" ‖ 0x00 ‖ namespace ‖ 0x00 ‖ event_name ‖ 0x00 ‖ key)`
///   over UTF-8. See ``derive(eventName:key:namespace:)``. Any language can recompute it.
///
/// Meta deduplicates on the pair (event_name, event_id), so the same order may carry
/// `ord_84213` on both its `InitiateCheckout` and its `Purchase` events.
///
/// ```swift
/// let id = try EventID.forOrder("84213")                                        // ord_84213
/// let lead = try EventID.derive(eventName: .lead, key: "form-7/submission-991")  // evt_…
/// ```
public struct EventID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The id as sent in `event_id` and the pixel's `eventID`.
    public let rawValue: String

    /// The prefix of order ids.
    public static let orderPrefix = "ord_"
    /// The prefix of derived ids.
    public static let derivedPrefix = "evt_"
    /// The namespace used when none is given.
    public static let defaultNamespace = "roasproof"
    /// The longest order id or key accepted, in bytes.
    public static let maximumKeyLength = 200

    private init(unchecked rawValue: String) { self.rawValue = rawValue }

    /// `ord_<orderID>`: the id of an event about one order (`Purchase`, `InitiateCheckout`
    /// of that order, a refund).
    ///
    /// - Parameter orderID: the order id exactly as the shop shows it; kept byte for byte.
    /// - Throws: ``EventIDError`` when it is empty, longer than ``maximumKeyLength`` bytes,
    ///   or has control characters or leading or trailing whitespace.
    public static func forOrder(_ orderID: String) throws(EventIDError) -> EventID {
        try EventIDError.check(orderID, field: .orderID)
        return EventID(unchecked: orderPrefix + orderID)
    }

    /// `evt_<32 hex>`: a namespaced SHA-256-derived id for events that are not about an order.
    ///
    /// - Parameters:
    ///   - eventName: the event name, exactly as sent (case matters).
    ///   - key: what makes this event unique in your business: a lead id, a form
    ///     submission id, a subscription period. The same key always gives the same id.
    ///   - namespace: separates apps or pixels sharing keys; default `roasproof`.
    /// - Throws: ``EventIDError`` for an empty, too long or control-character key, event name or namespace.
    public static func derive(eventName: EventName, key: String, namespace: String = defaultNamespace)
        throws(EventIDError) -> EventID
    {
        try EventIDError.check(key, field: .key)
        try EventIDError.check(eventName.rawValue, field: .eventName)
        if namespace != defaultNamespace { try EventIDError.check(namespace, field: .namespace) }
        return EventID(unchecked: derivedHash(namespace: namespace, eventName: eventName.rawValue, key: key))
    }

    /// The id for `businessKey`: ``forOrder(_:)`` for orders, ``derive(eventName:key:namespace:)`` otherwise.
    public static func make(eventName: EventName, businessKey: BusinessKey, namespace: String = defaultNamespace)
        throws(EventIDError) -> EventID
    {
        switch businessKey.storage {
        case .order(let id): try forOrder(id)
        case .key(let key): try derive(eventName: eventName, key: key, namespace: namespace)
        }
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard !text.isEmpty, text.utf8.count <= 256, !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "an event id is 1 to 256 bytes without control characters")
        }
        self.rawValue = text
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    private static let domain: StaticString = "eid1"
    private static let hexDigits: StaticString = "0123456789abcdef"

    static func derivedHash(namespace: String, eventName: String, key: String) -> String {
        var namespace = namespace
        var eventName = eventName
        var key = key
        return namespace.withUTF8 { ns in
            eventName.withUTF8 { name in
                key.withUTF8 { key in
                    let count = domain.utf8CodeUnitCount + 3 + ns.count + name.count + key.count
                    let digest = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { buffer -> SHA256Digest in
                        var offset = 0
                        func put(_ bytes: UnsafeBufferPointer<UInt8>) {
                            for byte in bytes {
                                buffer[offset] = byte
                                offset &+= 1
                            }
                        }
                        put(UnsafeBufferPointer(start: domain.utf8Start, count: domain.utf8CodeUnitCount))
                        buffer[offset] = 0
                        offset &+= 1
                        put(ns)
                        buffer[offset] = 0
                        offset &+= 1
                        put(name)
                        buffer[offset] = 0
                        offset &+= 1
                        put(key)
                        return SHA256.hash(UnsafeRawBufferPointer(buffer))
                    }
                    return hex(digest)
                }
            }
        }
    }

    /// `evt_` and the first 16 bytes of `digest` as lowercase hex.
    private static func hex(_ digest: SHA256Digest) -> String {
        String(unsafeUninitializedCapacity: 36) { out in
            out[0] = UInt8(ascii: "e")
            out[1] = UInt8(ascii: "v")
            out[2] = UInt8(ascii: "t")
            out[3] = UInt8(ascii: "_")
            let digits = hexDigits.utf8Start
            let high = digest.words.0
            let low = digest.words.1
            for i in 0..<16 {
                out[4 + i] = digits[Int((high >> UInt64(60 - 4 * i)) & 0xF)]
                out[20 + i] = digits[Int((low >> UInt64(60 - 4 * i)) & 0xF)]
            }
            return 36
        }
    }
}

/// What an event is about, for ``EventID/make(eventName:businessKey:namespace:)``.
public struct BusinessKey: Hashable, Sendable {
    enum Storage: Hashable, Sendable {
        case order(String)
        case key(String)
    }

    let storage: Storage

    /// An order: the id becomes `ord_<id>`.
    public static func order(_ id: String) -> BusinessKey { BusinessKey(storage: .order(id)) }
    /// Any other unique business key: the id is derived with SHA-256.
    public static func key(_ key: String) -> BusinessKey { BusinessKey(storage: .key(key)) }
}
