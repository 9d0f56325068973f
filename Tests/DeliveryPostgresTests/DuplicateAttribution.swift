/// Who caused each duplicate delivery in a multi-instance run, from the fake server's record.
///
/// A duplicate is a receipt of an `event_id` the server had already accepted: the first receipt
/// is the original, every later one a duplicate. A duplicate is not blamed on the instance that
/// sent it but on the instance that sent the copy before it: that instance held the lease, got
/// the event to Meta, and then failed to settle it, so the lease ran out and another instance
/// leased and sent the event again. When a worker is killed mid-run, the survivors re-send what
/// it had on the wire; those re-sends are the victim's duplicates. A survivor's duplicate (a
/// copy re-sent after a survivor had already sent it) means a survivor lost a lease or settled
/// wrongly, which a run without faults must never do.
///
/// Pure logic over the server's record, so the verdict can be checked on made-up runs.
struct DuplicateAttribution: Sendable {
    /// One accepted request: the instance that sent it (its access token) and its events.
    struct Delivery: Sendable {
        var sender: String
        var eventIDs: [String]
    }

    /// One later receipt of an event.
    struct Duplicate: Sendable, Equatable {
        var eventID: String
        /// The instance whose copy arrived just before this one: the one that did not settle.
        var causedBy: String
        /// The instance that sent this copy.
        var sentBy: String
    }

    /// Events received at least once.
    private(set) var receivedEventCount = 0
    /// Every receipt, duplicates included.
    private(set) var receiptCount = 0
    /// Every receipt after the first, in arrival order.
    private(set) var duplicates: [Duplicate] = []

    /// Attributes the duplicates in `deliveries`, which must be in the order the server
    /// received them.
    init(_ deliveries: [Delivery]) {
        var lastSender: [String: String] = [:]
        for delivery in deliveries {
            for eventID in delivery.eventIDs {
                receiptCount += 1
                if let previous = lastSender[eventID] {
                    duplicates.append(Duplicate(eventID: eventID, causedBy: previous, sentBy: delivery.sender))
                } else {
                    receivedEventCount += 1
                }
                lastSender[eventID] = delivery.sender
            }
        }
    }

    /// How many duplicates each instance caused.
    var causedBy: [String: Int] {
        duplicates.reduce(into: [:]) { counts, duplicate in counts[duplicate.causedBy, default: 0] += 1 }
    }

    /// How many duplicates each instance sent (the survivors re-sending the victim's events).
    var sentBy: [String: Int] {
        duplicates.reduce(into: [:]) { counts, duplicate in counts[duplicate.sentBy, default: 0] += 1 }
    }

    /// What breaks the multi-instance promise, empty when the run kept it: only the killed
    /// instance may cause duplicates, and no more than it can have leased and unsettled at once
    /// (`inFlightCapacity`, its concurrent requests × its batch size).
    func violations(victim: String, inFlightCapacity: Int) -> [String] {
        var violations: [String] = []
        for (instance, count) in causedBy.sorted(by: { $0.key < $1.key }) where instance != victim {
            let examples = duplicates.filter { $0.causedBy == instance }.prefix(3).map(\.eventID)
            violations.append(
                "\(count) duplicates caused by \(instance), which was not killed (e.g. \(examples.joined(separator: ", ")))")
        }
        let victimCount = causedBy[victim, default: 0]
        if victimCount > inFlightCapacity {
            violations.append(
                "\(victimCount) duplicates caused by the killed \(victim) exceed its in-flight capacity \(inFlightCapacity)")
        }
        return violations
    }

    /// One line for the test log.
    func summary(victim: String) -> String {
        func list(_ counts: [String: Int]) -> String {
            counts.isEmpty ? "none" : counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        }
        let survivorsCaused = causedBy.filter { $0.key != victim }.values.reduce(0, +)
        return """
            \(receiptCount) receipts of \(receivedEventCount) events, \(duplicates.count) duplicates: \
            caused by the killed \(victim) \(causedBy[victim, default: 0]), by survivors \(survivorsCaused); \
            re-sent by \(list(sentBy))
            """
    }
}
