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
    /// How an id is held. A derived id is kept as its 16 bytes and spelled out only when
    /// its text is asked for: deriving one then allocates nothing (a 36-character `String`
    /// does not fit a small string). Every other id is kept as text.
    ///
    /// Each id has exactly one representation: text of the derived form (`evt_` and 32
    /// lowercase hex digits) is always stored as `.derived`, whichever way it arrives (see
    /// ``init(from:)``), so the synthesized `==` and `hash(into:)` agree with comparing
    /// ``rawValue``.
    private enum Storage: Hashable, Sendable {
        case text(String)
        /// Bytes 0–7 and 8–15 of the digest, each read big-endian.
        case derived(UInt64, UInt64)
    }

    private let storage: Storage

    /// The id as sent in `event_id` and the pixel's `eventID`.
    public var rawValue: String {
        switch storage {
        case .text(let text): text
        case .derived(let high, let low): Self.hex(high, low)
        }
    }

    /// The prefix of order ids.
    public static let orderPrefix = "ord_"
    /// The prefix of derived ids.
    public static let derivedPrefix = "evt_"
    /// The namespace used when none is given.
    public static let defaultNamespace = "roasproof"
    /// The longest order id or key accepted, in bytes.
    public static let maximumKeyLength = 200

    /// Wraps text that is not of the derived form (order ids start with `ord_`).
    private init(text: String) { self.storage = .text(text) }

    private init(derivedHigh high: UInt64, low: UInt64) { self.storage = .derived(high, low) }

    /// `ord_<orderID>`: the id of an event about one order (`Purchase`, `InitiateCheckout`
    /// of that order, a refund).
    ///
    /// - Parameter orderID: the order id exactly as the shop shows it; kept byte for byte.
    /// - Throws: ``EventIDError`` when it is empty, longer than ``maximumKeyLength`` bytes,
    ///   or has control characters or leading or trailing whitespace.
    public static func forOrder(_ orderID: String) throws(EventIDError) -> EventID {
        try EventIDInputValidation.validate(orderID, field: .orderID)
        return EventID(text: orderPrefix + orderID)
    }

    /// `evt_<32 hex>`: a namespaced SHA-256-derived id for events that are not about an order.
    ///
    /// - Parameters:
    ///   - eventName: the event name, exactly as sent (case matters).
    ///   - key: what makes this event unique in your business: a lead id, a form
    ///     submission id, a subscription period. The same key always gives the same id.
    ///   - namespace: separates apps or pixels sharing keys; default `roasproof`.
    /// - Throws: ``EventIDError`` for an empty, too long or control-character key, event name or namespace.
    public static func derive(
        eventName: EventName, key: String, namespace: String = defaultNamespace
    )
        throws(EventIDError) -> EventID
    {
        try EventIDInputValidation.validate(key, field: .key)
        try EventIDInputValidation.validate(eventName.rawValue, field: .eventName)
        if namespace != defaultNamespace { try EventIDInputValidation.validate(namespace, field: .namespace) }
        let digest = derivedDigest(namespace: namespace, eventName: eventName.rawValue, key: key)
        return EventID(derivedHigh: digest.words.0, low: digest.words.1)
    }

    /// The id for `businessKey`: ``forOrder(_:)`` for orders, ``derive(eventName:key:namespace:)`` otherwise.
    public static func make(
        eventName: EventName, businessKey: BusinessKey, namespace: String = defaultNamespace
    )
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
        guard !text.isEmpty, text.utf8.count <= 256,
            !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "an event id is 1 to 256 bytes without control characters")
        }
        if let (high, low) = Self.parseDerived(text) {
            self.storage = .derived(high, low)
        } else {
            self.storage = .text(text)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    private static let domain: StaticString = "eid1"
    private static let hexDigits: StaticString = "0123456789abcdef"

    /// `SHA-256("eid1" ‖ 0x00 ‖ namespace ‖ 0x00 ‖ event_name ‖ 0x00 ‖ key)`.
    @inline(__always)  // its only caller is derive; the digest then stays in registers
    static func derivedDigest(namespace: String, eventName: String, key: String) -> SHA256Digest {
        withUTF8(of: namespace) { ns in
            withUTF8(of: eventName) { name in
                withUTF8(of: key) { key in
                    let count = domain.utf8CodeUnitCount &+ 3 &+ ns.count &+ name.count &+ key.count
                    // Room for the SHA-256 padding too (at least two blocks), so the message is
                    // hashed where it is assembled.
                    let capacity = max(count &+ 72, 128)
                    return withUnsafeTemporaryAllocation(byteCount: capacity, alignment: 8) { buffer -> SHA256Digest in
                        let base = buffer.baseAddress!
                        var offset = 0
                        @inline(__always) func put(_ bytes: UnsafeRawBufferPointer) {
                            guard let source = bytes.baseAddress, bytes.count > 0 else { return }
                            (base + offset).copyMemory(from: source, byteCount: bytes.count)
                            offset &+= bytes.count
                        }
                        @inline(__always) func separator() {
                            base.storeBytes(of: 0, toByteOffset: offset, as: UInt8.self)
                            offset &+= 1
                        }
                        put(UnsafeRawBufferPointer(start: domain.utf8Start, count: domain.utf8CodeUnitCount))
                        separator()
                        put(ns)
                        separator()
                        put(name)
                        separator()
                        put(key)
                        return SHA256.hash(paddingInPlace: buffer, count: count, zeroedFrom: 128)
                    }
                }
            }
        }
    }

    /// `evt_` and the 16 bytes `high`, `low` (big-endian) as lowercase hex.
    private static func hex(_ high: UInt64, _ low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 36) { out in
            out[0] = UInt8(ascii: "e")
            out[1] = UInt8(ascii: "v")
            out[2] = UInt8(ascii: "t")
            out[3] = UInt8(ascii: "_")
            let digits = hexDigits.utf8Start
            for i in 0..<16 {
                out[4 + i] = digits[Int((high >> UInt64(60 - 4 * i)) & 0xF)]
                out[20 + i] = digits[Int((low >> UInt64(60 - 4 * i)) & 0xF)]
            }
            return 36
        }
    }

    /// The 16 bytes of text of the derived form (`evt_` and exactly 32 lowercase hex
    /// digits), or nil for any other text, which stays text.
    private static func parseDerived(_ text: String) -> (UInt64, UInt64)? {
        guard text.utf8.count == 36 else { return nil }
        return withUTF8(of: text) { bytes -> (UInt64, UInt64)? in
            guard bytes[0] == UInt8(ascii: "e"), bytes[1] == UInt8(ascii: "v"), bytes[2] == UInt8(ascii: "t"),
                bytes[3] == UInt8(ascii: "_")
            else { return nil }
            var high: UInt64 = 0
            var low: UInt64 = 0
            for i in 0..<16 {
                guard let a = lowercaseHexValue(bytes[4 + i]), let b = lowercaseHexValue(bytes[20 + i]) else { return nil }
                high = high << 4 | UInt64(a)
                low = low << 4 | UInt64(b)
            }
            return (high, low)
        }
    }

    /// 0–15 for `0`–`9` and `a`–`f`; nil otherwise (uppercase hex is not the derived form).
    @inline(__always)
    private static func lowercaseHexValue(_ byte: UInt8) -> UInt8? {
        if (byte &- UInt8(ascii: "0")) < 10 { return byte &- UInt8(ascii: "0") }
        if (byte &- UInt8(ascii: "a")) < 6 { return byte &- UInt8(ascii: "a") &+ 10 }
        return nil
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
