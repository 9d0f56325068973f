public import Matching

/// One page request as the framework middlewares hand it to a route: what ``VisitTracker``
/// learned from it, and the client to send its conversions with.
///
/// Hummingbird routes reach it as `context.capi`, Vapor routes as `request.capi`.
public struct CAPIVisit: Sendable {
    /// The visitor, click ids, address and user agent of the request.
    public let visit: BrowserVisit
    /// The client conversions from this request are sent with.
    public let client: CAPIClient

    /// Pairs a visit with the client that sends its conversions.
    public init(visit: BrowserVisit, client: CAPIClient) {
        self.visit = visit
        self.client = client
    }

    /// Sends a conversion that happened in this request: builds `user_data` from `customer`
    /// and the request (fbc, fbp, visitor id, address and user agent), stores the event
    /// durably for every configured pixel (or `pixels`) before returning, and returns the
    /// hand-off the page renders so the browser pixel fires with the same `event_id`.
    ///
    /// A conversion without a `sourceURL` gets the page's URL as `event_source_url`.
    ///
    /// - Parameters:
    ///   - conversion: what happened.
    ///   - customer: the customer's raw identifiers; they are normalized and hashed here.
    ///   - consent: what the visitor chose in the consent banner.
    ///   - pixels: the pixels to send to; every configured pixel when `nil`.
    /// - Throws: as ``CAPIClient/send(_:customer:session:to:)``.
    @discardableResult
    public func send(
        _ conversion: Conversion, customer: CustomerRecord, consent: ConsentSignal, to pixels: [PixelID]? = nil
    ) async throws -> SentConversion {
        var conversion = conversion
        if conversion.sourceURL == nil { conversion.sourceURL = visit.pageURL }
        return try await client.send(conversion, customer: customer, session: visit.session(consent: consent), to: pixels)
    }
}
