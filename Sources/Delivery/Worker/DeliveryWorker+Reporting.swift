import CAPIModel
import CoreMetrics
import Logging

// What the worker counts and logs. Nothing here decides anything: the pixel table and the
// attempt planner have, and these only say so.
extension DeliveryWorker {
    /// Counts and logs one answered request and how its events were settled; `unsettled` are
    /// the events the settle did not change (lost leases, or all of them after a store failure).
    func record(
        plan: AttemptPlan, classification: Classification, receipt: AttemptReceipt, elapsed: Duration,
        unsettled: Set<EventRecordID>
    ) {
        metrics.request(outcome: receipt.outcome, duration: elapsed)
        var delivered = 0
        var retried = 0
        var parked: [ParkReason.Code: Int] = [:]
        // Only what the store recorded counts: an event whose lease was taken over belongs to
        // its new holder, which counts it when it settles it.
        for settlement in plan.events where !unsettled.contains(settlement.id) {
            switch settlement.disposition {
            case .delivered: delivered += 1
            case .retry: retried += 1
            case .park(let reason): parked[reason.code, default: 0] += 1
            case .release, .stillLeased: break
            }
        }
        metrics.delivered.increment(by: delivered)
        metrics.retried.increment(by: retried)
        for (code, count) in parked { metrics.parked(count, reason: code) }

        var metadata: Logger.Metadata = [
            DeliveryLogKey.pixelID: "\(receipt.pixelID)", DeliveryLogKey.eventCount: "\(receipt.eventCount)",
            DeliveryLogKey.outcome: "\(receipt.outcome)",
            DeliveryLogKey.durationMilliseconds: "\(receipt.durationMilliseconds)",
        ]
        if let status = receipt.httpStatus { metadata[DeliveryLogKey.httpStatus] = "\(status)" }
        if let code = receipt.errorCode { metadata[DeliveryLogKey.graphCode] = "\(code)" }
        if let subcode = receipt.errorSubcode { metadata[DeliveryLogKey.graphSubcode] = "\(subcode)" }
        if let trace = receipt.fbtraceID { metadata[DeliveryLogKey.fbtraceID] = "\(trace)" }
        if !parked.isEmpty { metadata[DeliveryLogKey.parkedCount] = "\(parked.values.reduce(0, +))" }
        if receipt.outcome == .delivered {
            logger.debug("delivered batch", metadata: metadata)
        } else {
            logger.info("request failed", metadata: metadata)
        }
    }

    /// Logs (and for a suspension of its own, counts) a change of a pixel's gate.
    func report(_ notice: PixelTable.Notice) {
        switch notice {
        case .suspended(let pixel, let error):
            // A one-off, operator-actionable event: the only error-level log of the engine.
            metrics.suspended(reason: error.code)
            logger.error(
                "pixel suspended",
                metadata: [
                    DeliveryLogKey.pixelID: "\(pixel)", DeliveryLogKey.suspensionReason: "\(error.code)",
                    DeliveryLogKey.error: "\(error.message)",
                ])
        case .paused(let pixel, let until):
            logger.info(
                "pixel throttled; pausing",
                metadata: [
                    DeliveryLogKey.pixelID: "\(pixel)", DeliveryLogKey.pauseUntil: "\(until.milliseconds)",
                ])
        case .suspendedByAnotherWorker(let pixel, let error):
            logger.info(
                "pixel suspended: another worker's request was refused with these credentials",
                metadata: [DeliveryLogKey.pixelID: "\(pixel)", DeliveryLogKey.suspensionReason: "\(error.code)"])
        }
    }

    /// Counts and logs `count` events whose lease another worker holds now; they are left to it.
    func reportLostLeases(_ count: Int, pixel: PixelID, _ what: String) {
        guard count > 0 else { return }
        metrics.lostLeases.increment(by: count)
        logger.warning(
            "\(what); those events were left to their new holder",
            metadata: [DeliveryLogKey.pixelID: "\(pixel)", DeliveryLogKey.eventCount: "\(count)"])
    }
}
