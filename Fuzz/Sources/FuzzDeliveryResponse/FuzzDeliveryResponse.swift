// Fuzzes what the delivery worker does with an answer: ResponseClassifier over arbitrary
// status, headers (X-Business-Use-Case-Usage included) and body, then AttemptPlanner over
// batches of 1 to 1,000 events. Layout: 2 bytes status, 2 bytes batch size, 1 flag byte
// (bit 0: the transport cut the body), then the usage header and the body, split on 0x00.
//
// Invariants: no crash; only an uncut 2xx with a Graph success body is delivered; 429 always
// throttles; a pause is within [0, 24 h]; a plan settles every event exactly once, or hands
// back halves that partition the batch; nothing is delivered unless Meta acknowledged at
// least as many events as were sent; retries and releases are never due in the past.
import CAPIModel
import Delivery
import DeliveryTesting


let now = Timestamp(milliseconds: 1_767_225_600_000)
let planner = AttemptPlanner()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count >= 5 else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let status = Int(UInt16(bytes[0]) << 8 | UInt16(bytes[1])) % 1_000
    let batchSize = 1 + Int(UInt16(bytes[2]) << 8 | UInt16(bytes[3])) % EventRequest.maximumEventCount
    let truncated = bytes[4] & 1 == 1
    let parts = bytes.dropFirst(5).split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
        .map { Array($0) }
    let usage = String(decoding: parts.first ?? [], as: UTF8.self)
    let body = parts.count > 1 ? parts[1] : []

    var response = TransportResponse(
        status: status, headers: [("Content-Type", "application/json"), ("x-business-use-case-usage", usage)], body: body)
    response.isTruncated = truncated
    let classification = ResponseClassifier.classify(response)

    if let regain = ResponseClassifier.regainAccessAfter(usage) {
        precondition(regain > Duration.zero && regain <= Duration.milliseconds(Int64(1e15)), "regain time out of range")
    }
    if case .delivered(let success) = classification {
        precondition((200..<300).contains(status) && !truncated, "delivered without an uncut 2xx")
        _ = success.messages.count
    }
    if status == 429 {
        guard case .throttled = classification else { preconditionFailure("429 did not throttle") }
    }
    _ = classification.graphError?.description

    let batch = (0..<batchSize).map { index in
        LeasedEvent(
            id: EventRecordID(Int64(index + 1)), key: EventKey(pixelID: "1", eventName: .purchase, eventID: "e\(index)"),
            eventTime: now.wholeSeconds, actionSource: .website, json: "{}", attempts: index % 13)
    }
    var random = SeededGenerator(seed: UInt64(count))
    let plan = planner.plan(classification, batch: batch, now: now, using: &random)
    let ids = batch.map(\.id)
    if plan.resend.isEmpty {
        precondition(plan.events.map(\.id) == ids, "a plan does not settle every event exactly once")
    } else {
        precondition(plan.events.isEmpty, "a bisection also settled events")
        precondition(plan.resend.flatMap { $0.map(\.id) } == ids, "halves do not partition the batch")
        precondition(plan.resend.allSatisfy { !$0.isEmpty }, "an empty half")
    }
    for settlement in plan.events {
        switch settlement.disposition {
        case .delivered:
            guard case .delivered(let success) = classification, success.eventsReceived >= batchSize else {
                preconditionFailure("delivered what Meta did not acknowledge")
            }
        case .retry(let due), .release(let due):
            precondition(due >= now, "due in the past")
        case .park(let reason):
            precondition(!reason.message.isEmpty, "a park without a reason")
        case .stillLeased:
            preconditionFailure("a plan left an event leased")
        }
    }
    if case .pause(let until) = plan.pixelAction {
        precondition(until >= now && until <= now + .seconds(24 * 3_600), "pause out of range")
    }
    return 0
}
