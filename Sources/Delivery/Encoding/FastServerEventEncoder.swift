public import CAPIModel
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A hand-written JSON writer for `ServerEvent`, byte-for-byte the same output as
/// ``FoundationServerEventEncoder`` (compact, sorted keys, unescaped slashes).
///
/// The common fields (`user_data`, `custom_data` without custom properties, `contents`) are
/// written directly into one byte buffer. Rare nested objects (`app_data`,
/// `attribution_data`, `original_event_data`, and `custom_data` with custom properties) are
/// encoded with Foundation and spliced in. The equivalence is checked by tests over many
/// varied events; the speed-up is measured in `Benchmarks/`.
public struct FastServerEventEncoder: ServerEventEncoder {
    public init() {}

    public func encode(_ event: ServerEvent) throws -> String {
        var writer = JSONBytes()
        try writer.serverEvent(event)
        return writer.text
    }
}

/// The bytes of one JSON document being written.
///
/// Each write (a key, a string, a digest) checks for room once and then copies, rather than
/// appending to a `[UInt8]` byte by byte with a uniqueness and capacity check per byte, which
/// took about half of the encoding time.
struct JSONBytes: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    private var needsComma = false

    init(capacity: Int = 1_024) {  // a typical purchase is 800–900 bytes: no regrowth
        base = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    deinit { base.deallocate() }

    /// What was written, as a string.
    var text: String {
        String(unsafeUninitializedCapacity: count) { buffer in
            buffer.baseAddress!.initialize(from: base, count: count)
            return count
        }
    }

    // MARK: Bytes

    /// Where the next `extra` bytes go, after making room for them; ``advance(_:)`` then
    /// counts what was written.
    @inline(__always)
    private mutating func room(_ extra: Int) -> UnsafeMutablePointer<UInt8> {
        if capacity &- count < extra { grow(toHold: count + extra) }
        return base + count
    }

    @inline(__always)
    private mutating func advance(_ written: Int) { count &+= written }

    @inline(never)
    private mutating func grow(toHold needed: Int) {
        let newCapacity = Swift.max(capacity * 2, needed)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.initialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    private mutating func byte(_ value: UInt8) {
        room(1).pointee = value
        advance(1)
    }

    private mutating func raw(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        UnsafeMutableRawPointer(room(bytes.count)).copyMemory(from: source, byteCount: bytes.count)
        advance(bytes.count)
    }

    private mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { raw(UnsafeRawBufferPointer($0)) }
    }

    // MARK: Structure

    mutating func open() {
        byte(UInt8(ascii: "{"))
        needsComma = false
    }

    mutating func close() {
        byte(UInt8(ascii: "}"))
        needsComma = true
    }

    /// `,"name":` (the comma when a value came before).
    mutating func key(_ name: StaticString) {
        // withUTF8Buffer rather than utf8Start: a one-character literal is stored as a scalar.
        name.withUTF8Buffer { name in
            let out = room(name.count &+ 4)
            var at = 0
            if needsComma {
                out[0] = UInt8(ascii: ",")
                at = 1
            }
            out[at] = UInt8(ascii: "\"")
            if let source = name.baseAddress { (out + at + 1).initialize(from: source, count: name.count) }
            out[at &+ 1 &+ name.count] = UInt8(ascii: "\"")
            out[at &+ 2 &+ name.count] = UInt8(ascii: ":")
            advance(at &+ 3 &+ name.count)
        }
        needsComma = false
    }

    mutating func field(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    mutating func field(_ name: StaticString, _ value: Int?) {
        guard let value else { return }
        key(name)
        integer(Int64(value))
    }

    mutating func field(_ name: StaticString, _ value: Decimal?) {
        guard let value else { return }
        key(name)
        // Byte-identical to value.description, much faster.
        let out = room(DecimalText.maximumPlainLength)
        if let written = DecimalText.write(
            value, into: UnsafeMutableRawBufferPointer(start: out, count: DecimalText.maximumPlainLength))
        {
            advance(written)
        } else {
            var text = value.description
            text.withUTF8 { raw(UnsafeRawBufferPointer($0)) }
        }
        needsComma = true
    }

    mutating func field(_ name: StaticString, _ value: Bool?) {
        guard let value else { return }
        key(name)
        raw(value ? "true" : "false")
        needsComma = true
    }

    mutating func field(_ name: StaticString, _ values: [String]?) {
        guard let values else { return }
        key(name)
        stringArray(values)
    }

    mutating func field(_ name: StaticString, foundation value: (some Encodable)?) throws {
        guard let value else { return }
        key(name)
        try CAPIJSON.encode(value).withUnsafeBytes { raw($0) }
        needsComma = true
    }

    mutating func stringArray(_ values: [String]) {
        byte(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { byte(UInt8(ascii: ",")) }
            string(value)
        }
        byte(UInt8(ascii: "]"))
        needsComma = true
    }

    mutating func integer(_ value: Int64) {
        let out = room(20)  // "-9223372036854775808"
        var magnitude = value.magnitude
        var digits = 0
        repeat {
            digits &+= 1
            magnitude /= 10
        } while magnitude > 0
        let sign = value < 0 ? 1 : 0
        if sign == 1 { out[0] = UInt8(ascii: "-") }
        magnitude = value.magnitude
        var position = sign &+ digits
        repeat {
            position &-= 1
            out[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        advance(sign &+ digits)
        needsComma = true
    }

    /// A JSON string literal, escaped exactly as `JSONEncoder` escapes (see `JSONString`).
    mutating func string(_ value: String) {
        let copied: Bool? = value.utf8.withContiguousStorageIfAvailable { utf8 in
            guard JSONString.isPlain(utf8) else { return false }
            let out = room(utf8.count &+ 2)
            out[0] = UInt8(ascii: "\"")
            if let source = utf8.baseAddress { (out + 1).initialize(from: source, count: utf8.count) }
            out[utf8.count &+ 1] = UInt8(ascii: "\"")
            advance(utf8.count &+ 2)
            return true
        }
        if copied != true {  // something to escape (rare), or a string without contiguous UTF-8
            var escaped: [UInt8] = []
            JSONString.append(value, to: &escaped)
            escaped.withUnsafeBytes { raw($0) }
        }
        needsComma = true
    }

    /// `"name":["<64 hex>[.appendix]",…]` for the values of one hashed key, if it has any.
    mutating func hashes(_ name: StaticString, _ key: HashedUserDataKey, of data: borrowing UserData) {
        let indices = data.hashedIndices(of: key)
        guard !indices.isEmpty else { return }
        self.key(name)
        byte(UInt8(ascii: "["))
        for index in indices {
            if index != indices.lowerBound { byte(UInt8(ascii: ",")) }
            hashedString(data.hashedValue(at: index))
        }
        byte(UInt8(ascii: "]"))
        needsComma = true
    }

    /// `"name":"<64 hex>[.appendix]"` for a single-valued key (`f5first`, `dobd`, …), if set.
    mutating func hash(_ name: StaticString, _ key: HashedUserDataKey, of data: borrowing UserData) {
        let indices = data.hashedIndices(of: key)
        guard !indices.isEmpty else { return }
        self.key(name)
        hashedString(data.hashedValue(at: indices.lowerBound))
        needsComma = true
    }

    /// `"<64 hex>[.appendix]"`.
    private mutating func hashedString(_ value: HashedIdentifier) {
        let out = room(65)
        out[0] = UInt8(ascii: "\"")
        value.digest.writeHex(into: UnsafeMutableRawBufferPointer(start: out + 1, count: 64))
        advance(65)
        if let appendix = value.appendix {
            byte(UInt8(ascii: "."))
            var text = appendix.text
            text.withUTF8 { raw(UnsafeRawBufferPointer($0)) }
        }
        byte(UInt8(ascii: "\""))
    }

    // MARK: Types (keys in sorted order, as JSONEncoder's .sortedKeys writes them)

    mutating func serverEvent(_ event: ServerEvent) throws {
        open()
        field("action_source", event.actionSource.rawValue)
        field("advanced_measurement_table", event.advancedMeasurementTable)
        try field("app_data", foundation: event.appData)
        try field("attribution_data", foundation: event.attributionData)
        if let custom = event.customData {
            if custom.customProperties.isEmpty {
                key("custom_data")
                customData(custom)
            } else {
                try field("custom_data", foundation: custom)
            }
        }
        field("data_processing_options", event.dataProcessingOptions)
        field("data_processing_options_country", event.dataProcessingOptionsCountry)
        field("data_processing_options_state", event.dataProcessingOptionsState)
        field("event_id", event.eventID)
        field("event_name", event.eventName.rawValue)
        field("event_source_url", event.eventSourceURL)
        key("event_time")
        integer(event.eventTime.seconds)  // Meta reads seconds; a Timestamp's own Codable form is milliseconds
        field("messaging_channel", event.messagingChannel?.rawValue)
        field("opt_out", event.optOut)
        try field("original_event_data", foundation: event.originalEventData)
        field("referrer_url", event.referrerURL)
        key("user_data")
        userData(event.userData)
        close()
    }

    mutating func userData(_ data: UserData) {
        open()
        field("anon_id", data.anonID)
        field("client_ip_address", data.clientIPAddress)
        field("client_user_agent", data.clientUserAgent)
        hashes("country", .country, of: data)
        hashes("ct", .city, of: data)
        field("ctwa_clid", data.ctwaClid)
        hashes("db", .dateOfBirth, of: data)
        hash("dobd", .dayOfBirth, of: data)
        hash("dobm", .monthOfBirth, of: data)
        hash("doby", .yearOfBirth, of: data)
        hashes("em", .email, of: data)
        hashes("external_id", .externalID, of: data)
        hash("f5first", .firstNamePrefix, of: data)
        hash("f5last", .lastNamePrefix, of: data)
        field("fb_login_id", data.fbLoginID)
        field("fbc", data.fbc)
        field("fbp", data.fbp)
        hash("fi", .firstInitial, of: data)
        hashes("fn", .firstName, of: data)
        hashes("ge", .gender, of: data)
        field("ig_account_id", data.igAccountID)
        field("ig_sid", data.igSID)
        field("lead_id", data.leadID)
        hashes("ln", .lastName, of: data)
        field("madid", data.madid)
        field("page_id", data.pageID)
        field("page_scoped_user_id", data.pageScopedUserID)
        hashes("ph", .phone, of: data)
        hashes("st", .state, of: data)
        field("subscription_id", data.subscriptionID)
        hashes("zp", .zipCode, of: data)
        close()
    }

    mutating func customData(_ data: CustomData) {
        open()
        field("content_category", data.contentCategory)
        field("content_ids", data.contentIDs)
        field("content_name", data.contentName)
        field("content_type", data.contentType)
        if let contents = data.contents {
            key("contents")
            byte(UInt8(ascii: "["))
            for (index, content) in contents.enumerated() {
                if index > 0 { byte(UInt8(ascii: ",")) }
                open()
                field("brand", content.brand)
                field("category", content.category)
                field("delivery_category", content.deliveryCategory?.rawValue)
                field("description", content.description)
                field("id", content.id)
                field("item_price", content.itemPrice)
                field("quantity", content.quantity)
                field("title", content.title)
                close()
            }
            byte(UInt8(ascii: "]"))
            needsComma = true
        }
        field("currency", data.currency)
        field("delivery_category", data.deliveryCategory?.rawValue)
        field("item_number", data.itemNumber)
        field("net_revenue", data.netRevenue)
        field("num_items", data.numItems)
        field("order_id", data.orderID)
        field("predicted_ltv", data.predictedLTV)
        field("search_string", data.searchString)
        field("status", data.status)
        field("value", data.value)
        close()
    }
}
