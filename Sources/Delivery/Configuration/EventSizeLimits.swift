/// Bounds on the size of one event, checked at enqueue before anything is encoded or stored.
///
/// Meta publishes no per-event size limit; these are far above real events and keep hostile
/// or buggy input (a megabyte string, ten thousand content ids, custom data nested a thousand
/// levels deep) from costing unbounded time, memory or disk. An event over a limit is refused
/// with ``DeliveryError/Code/invalidEvent`` and nothing of its batch is stored.
public struct EventSizeLimits: Sendable, Hashable {
    /// `event_id`, in UTF-8 bytes.
    public var eventIDBytes = 256
    /// Entries of `custom_data.content_ids`, and of `custom_data.contents`.
    public var contentItems = 1_000
    /// How deeply a custom property of `custom_data` may nest arrays and objects (a scalar is
    /// 0, a flat array 1). Checked before encoding, so encoding never recurses deeper.
    public var customDataDepth = 16
    /// The encoded event (one element of the request's `data`), in UTF-8 bytes.
    public var encodedEventBytes = 256 * 1_024

    public init() {}
}
