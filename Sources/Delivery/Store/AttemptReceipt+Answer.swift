import CAPIModel

extension AttemptReceipt {
    /// The receipt of a request that carried `eventCount` events in `body`: what came back
    /// (`response`, or the `transportError` when nothing did) and how it was classified.
    ///
    /// An HTTP 200 whose `events_received` is below `eventCount` is recorded as
    /// ``AttemptOutcome/unacknowledged``, whatever the classification says.
    init(
        pixel: PixelID, startedAt: Timestamp, elapsed: Duration, body: String, eventCount: Int,
        response: TransportResponse?, transportError: (any Error)?, classification: Classification
    ) {
        self.init(
            pixelID: pixel, startedAt: startedAt, durationMilliseconds: elapsed.wholeMilliseconds, requestBody: body,
            eventCount: eventCount, outcome: classification.outcome)
        if let response {
            httpStatus = response.status
            responseBody = String(decoding: response.body, as: UTF8.self)
        }
        if let transportError {
            // The type name and the error's own text; transports never put the token in either.
            errorMessage = "no HTTP response: \(String(describing: transportError))"
        }
        switch classification {
        case .delivered(let success):
            eventsReceived = success.eventsReceived
            messages = success.messages
            fbtraceID = success.fbtraceID
            if success.eventsReceived < eventCount {
                outcome = .unacknowledged
                errorMessage = AttemptPlanner.unacknowledgedReason(received: success.eventsReceived, sent: eventCount)
            }
        case .transient(let reason, _):
            if transportError == nil { errorMessage = reason }
        case .redirected(let status):
            errorMessage = "HTTP \(status): a redirect, not followed; the Graph API never redirects, so check the base URL"
        default:
            break
        }
        if let error = classification.graphError {
            errorCode = error.code
            errorSubcode = error.errorSubcode
            errorMessage = error.message
            fbtraceID = error.fbtraceID
        }
    }
}
