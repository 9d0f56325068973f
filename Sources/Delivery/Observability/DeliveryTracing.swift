package import Tracing

/// The span attribute names RoasProof sets (swift-distributed-tracing).
///
/// Spans carry event names, event ids, pixel ids, counts, outcomes, HTTP and Graph codes and
/// Meta's `fbtrace_id`: never hashed or raw customer data, tokens or request bodies.
///
/// | span | kind | attributes |
/// |---|---|---|
/// | `capi.send` (`CAPIClient.send`) | internal | event name, event id, pixel count, stored count |
/// | `capi.enqueue` (``DeliveryQueue``) | internal | pixel, event count, inserted, duplicates; event name and id for one event |
/// | `capi.delivery.attempt` (``DeliveryWorker``, one per request) | client | pixel, batch size, outcome, HTTP status, Graph code and subcode, `fbtrace_id` |
public enum DeliverySpanAttribute {
    /// The pixel (dataset) id.
    public static let pixelID = "capi.pixel_id"
    /// `event_name`, when the span is about one event.
    public static let eventName = "capi.event_name"
    /// `event_id`, when the span is about one event.
    public static let eventID = "capi.event_id"
    /// How many events an enqueue carried.
    public static let eventCount = "capi.event_count"
    /// How many of them were new (the rest were duplicates).
    public static let insertedCount = "capi.inserted_count"
    /// How many of them were already stored.
    public static let duplicateCount = "capi.duplicate_count"
    /// How many pixels a conversion was sent to.
    public static let pixelCount = "capi.pixel_count"
    /// How many events one request carried.
    public static let batchSize = "capi.batch_size"
    /// The attempt's ``AttemptOutcome`` (`delivered`, `rate_limited`, ...).
    public static let outcome = "capi.outcome"
    /// Meta's `fbtrace_id` of the answer, for support tickets.
    public static let fbtraceID = "capi.fbtrace_id"
    /// The Graph error code of a refused request.
    public static let graphErrorCode = "capi.graph.error_code"
    /// The Graph error subcode of a refused request.
    public static let graphErrorSubcode = "capi.graph.error_subcode"
    /// The HTTP status of the answer (OpenTelemetry's name).
    public static let httpStatus = "http.response.status_code"
}

/// Runs `operation` in a span of `tracer`, or of the bootstrapped `InstrumentationSystem.tracer`
/// when `tracer` is `nil` (a no-op tracer unless the app bootstrapped one).
package func withDeliverySpan<T>(
    _ name: String, tracer: (any Tracer)?, ofKind kind: SpanKind = .internal,
    _ operation: (any Span) async throws -> T
) async rethrows -> T {
    let chosen: any Tracer = tracer ?? InstrumentationSystem.tracer
    return try await openedSpan(chosen, name, kind, operation)
}

private func openedSpan<Traced: Tracer, T>(
    _ tracer: Traced, _ name: String, _ kind: SpanKind, _ operation: (any Span) async throws -> T
) async rethrows -> T {
    try await tracer.withSpan(name, ofKind: kind) { span in try await operation(span) }
}
