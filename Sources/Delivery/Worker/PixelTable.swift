import CAPIModel

/// The worker's view of its pixels: a value type with no I/O, changed under the worker's lock.
///
/// The worker feeds it what happened (a round of leasing starts, the store's holds were read,
/// a request's pixel action was recorded, credentials were replaced) and performs what it
/// returns: the pixels to lease, the destination to send to, or a ``Notice`` to log and count.
/// Keeping the reconciliation of local and stored holds here lets it be tested step by step
/// without a store, a transport or a clock.
///
/// A pixel the table does not know is answered with `nil` or nothing: the worker only asks
/// about the pixels it was created with.
struct PixelTable {
    /// One pixel's destination and gate.
    struct Entry {
        var destination: PixelDestination
        /// The fingerprint of `destination`'s credentials, to match stored suspensions.
        var credentials: CredentialFingerprint
        var gate = PixelGate()
        /// The error shown by ``DeliveryWorker/status(of:)`` while the pixel is suspended.
        var suspensionError: DeliveryError?
        /// Holds this worker is recording for the pixel after a throttled or refused request.
        /// Until it has applied them (after the store write and the settlement), the pixel
        /// leases nothing and stored holds are not adopted for it.
        var pendingHoldWrites = 0

        init(destination: PixelDestination) {
            self.destination = destination
            self.credentials = CredentialFingerprint(destination)
        }

        /// Keeps ``suspensionError`` in step with the gate. Returns the error when the pixel
        /// has just become suspended.
        mutating func syncSuspensionError() -> DeliveryError? {
            guard case .suspended(let graphError) = gate.state else {
                suspensionError = nil
                return nil
            }
            guard suspensionError == nil else { return nil }
            let reason = SuspensionReason(graphError)
            let error = DeliveryError(
                code: reason.errorCode, message: reason.explanation(pixel: destination.pixelID, error: graphError))
            suspensionError = error
            return error
        }
    }

    /// What the worker reports after a change of a pixel's gate.
    enum Notice {
        /// The pixel's own request was refused: log at error level and count the suspension.
        case suspended(PixelID, DeliveryError)
        /// The pixel's own request was throttled and the pixel is paused now.
        case paused(PixelID, until: Timestamp)
        /// A stored hold written by another worker suspends the pixel.
        case suspendedByAnotherWorker(PixelID, DeliveryError)
    }

    /// What a request needs from the table just before it is sent.
    struct Sending: Equatable {
        var destination: PixelDestination
        /// False when the pixel was paused or suspended since its batch was leased.
        var gateOpen: Bool
        /// The end of the pause that closed the gate, if it is one.
        var reopensAt: Timestamp?
    }

    /// A pixel's destination with new credentials, not yet in the table.
    typealias Replacement = (destination: PixelDestination, previous: CredentialFingerprint)

    /// What the idle wait depends on.
    struct Wakeups: Equatable {
        /// Open pixels with no hold being recorded, whose next due event may end the wait (a
        /// pixel whose hold is being recorded wakes the worker when that is done).
        var openPixels: [PixelID]
        /// The ends of the pixels' pauses.
        var reopenings: [Timestamp]
    }

    private var entries: [PixelID: Entry]
    /// The pixels in a fixed order, for fair rotation.
    let order: [PixelID]
    private var cursor = 0
    /// Counts local gate changes, so a read of the stored holds that raced one is not adopted.
    private(set) var holdVersion: UInt64 = 0

    /// A table of `destinations`; of two for the same pixel the last wins.
    init(destinations: [PixelDestination]) {
        var entries: [PixelID: Entry] = [:]
        for destination in destinations { entries[destination.pixelID] = Entry(destination: destination) }
        self.entries = entries
        self.order = entries.keys.sorted()
    }

    /// The pixel's entry, for reading.
    subscript(pixel: PixelID) -> Entry? { entries[pixel] }

    /// Each pixel with the credentials it sends with, in ``order``.
    var credentialsByPixel: [(PixelID, CredentialFingerprint)] {
        order.compactMap { pixel in entries[pixel].map { (pixel, $0.credentials) } }
    }

    // MARK: Leasing

    /// Pixels that may send at `now`, rotated so every pixel gets a turn first. A pause that
    /// has ended opens its gate here.
    mutating func runnablePixels(at now: Timestamp) -> [PixelID] {
        guard !order.isEmpty else { return [] }
        let start = cursor % order.count
        cursor &+= 1
        return (order[start...] + order[..<start]).filter { pixel in
            entries[pixel]?.pendingHoldWrites == 0 && entries[pixel]?.gate.isOpen(at: now) == true
        }
    }

    /// What the idle wait watches.
    var wakeups: Wakeups {
        Wakeups(
            openPixels: order.filter { entries[$0]?.gate.state == .open && entries[$0]?.pendingHoldWrites == 0 },
            reopenings: order.compactMap { entries[$0]?.gate.reopensAt })
    }

    /// The destination and gate of `pixel` for a request about to start at `now`; `nil` for
    /// an unknown pixel.
    mutating func sending(_ pixel: PixelID, at now: Timestamp) -> Sending? {
        guard var entry = entries[pixel] else { return nil }
        let gateOpen = entry.gate.isOpen(at: now)
        entries[pixel] = entry
        return Sending(destination: entry.destination, gateOpen: gateOpen, reopensAt: entry.gate.reopensAt)
    }

    // MARK: Stored holds

    /// Adopts the holds read from the store (`holds`, read after ``holdVersion`` was
    /// `version`) for every pixel with no hold write of its own under way. Nothing is adopted
    /// when a local change raced the read: the next read is adopted instead. Returns the
    /// pixels these holds have just suspended.
    mutating func adoptStoredHolds(_ holds: [PixelID: PixelHold], readAtVersion version: UInt64, now: Timestamp) -> [Notice] {
        guard holdVersion == version else { return [] }
        var notices: [Notice] = []
        for pixel in order {
            guard var entry = entries[pixel], entry.pendingHoldWrites == 0 else { continue }
            entry.gate.adopt(holds[pixel] ?? PixelHold(), credentials: entry.credentials, at: now)
            if let error = entry.syncSuspensionError() { notices.append(.suspendedByAnotherWorker(pixel, error)) }
            entries[pixel] = entry
        }
        return notices
    }

    /// A hold write for `pixel` begins: until ``holdWriteEnded(_:action:sentWith:recorded:at:)``
    /// the pixel leases nothing and adopts no stored hold.
    mutating func holdWriteBegan(_ pixel: PixelID) {
        entries[pixel]?.pendingHoldWrites += 1
    }

    /// A request's pixel action has been recorded (`recorded` is the hold the store returned,
    /// `nil` when the write failed) and its events settled: applies the action to the gate,
    /// unless it is a refusal of credentials replaced while the request was on the wire, then
    /// the stored hold. Returns what to report.
    mutating func holdWriteEnded(
        _ pixel: PixelID, action: PixelAction, sentWith credentials: CredentialFingerprint, recorded hold: PixelHold?,
        at now: Timestamp
    ) -> Notice? {
        guard action != .none, var entry = entries[pixel] else { return nil }
        holdVersion &+= 1
        entry.pendingHoldWrites -= 1
        let before = entry.gate.state
        // Credentials replaced while the request was on the wire: the refusal is about the old ones.
        var refusalOfOldCredentials = false
        if case .suspendForCredentials = action { refusalOfOldCredentials = entry.credentials != credentials }
        if !refusalOfOldCredentials { entry.gate.apply(action) }
        if let hold { entry.gate.adopt(hold, credentials: entry.credentials, at: now) }
        let error = entry.syncSuspensionError()
        let transitioned = before != entry.gate.state
        entries[pixel] = entry
        if let error { return .suspended(pixel, error) }
        if transitioned, case .pause(let until) = action { return .paused(pixel, until: until) }
        return nil
    }

    // MARK: Credentials

    /// `pixel`'s destination with new credentials, and the fingerprint of those it replaces;
    /// `nil` for an unknown pixel. Changes nothing: the store learns first.
    func replacing(_ pixel: PixelID, accessToken: AccessToken, appSecret: AppSecret?) -> Replacement? {
        guard let entry = entries[pixel] else { return nil }
        var destination = entry.destination
        destination.accessToken = accessToken
        destination.appSecret = appSecret
        return (destination, entry.credentials)
    }

    /// `pixel` sends with `destination`'s credentials from now on: a suspension of the old ones
    /// ends, and `hold` (what the store returned for the change) is adopted.
    mutating func credentialsReplaced(_ pixel: PixelID, with destination: PixelDestination, hold: PixelHold, at now: Timestamp) {
        guard var entry = entries[pixel] else { return }
        holdVersion &+= 1
        entry.destination = destination
        entry.credentials = CredentialFingerprint(destination)
        entry.gate.credentialsReplaced()
        entry.gate.adopt(hold, credentials: entry.credentials, at: now)
        _ = entry.syncSuspensionError()
        entries[pixel] = entry
    }
}
