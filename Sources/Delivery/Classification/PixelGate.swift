public import CAPIModel

/// Whether a pixel may send: a small state machine, changed under the worker's lock.
///
/// Each worker keeps one per pixel as its local view. The authoritative state is the
/// ``PixelHold`` in the store, which every worker using that store shares; the worker
/// ``adopt(_:credentials:at:)``s it regularly and writes its own changes there.
public struct PixelGate: Sendable, Hashable {
    /// The gate's state.
    public enum State: Sendable, Hashable {
        case open
        /// Throttled by Meta until the given time.
        case paused(until: Timestamp)
        /// Meta refused the credentials or the destination (``SuspensionReason`` reads which
        /// from the error); waits for ``PixelGate/credentialsReplaced()`` or a corrected
        /// destination.
        case suspended(GraphError)
    }

    public private(set) var state: State = .open

    public init() {}

    /// True when the pixel may send at `now`. A pause that has ended opens the gate.
    public mutating func isOpen(at now: Timestamp) -> Bool {
        switch state {
        case .open: return true
        case .paused(let until):
            if until <= now {
                state = .open
                return true
            }
            return false
        case .suspended: return false
        }
    }

    /// When the gate opens by itself: the end of a pause; `nil` when open or suspended.
    public var reopensAt: Timestamp? {
        if case .paused(let until) = state { return until }
        return nil
    }

    /// Applies an attempt's ``PixelAction``. A suspension outranks a pause; of two pauses
    /// the later end wins.
    public mutating func apply(_ action: PixelAction) {
        switch (action, state) {
        case (.none, _): break
        case (.pause, .suspended): break
        case (.pause(let until), .paused(let current)): state = .paused(until: max(until, current))
        case (.pause(let until), .open): state = .paused(until: until)
        case (.suspendForCredentials(let error), _): state = .suspended(error)
        }
    }

    /// New credentials arrived: a suspended pixel opens (a throttle pause stays).
    public mutating func credentialsReplaced() {
        if case .suspended = state { state = .open }
    }

    /// Takes over the hold recorded in the store, as seen by a worker that sends with
    /// `credentials`.
    ///
    /// The stored suspension replaces the local one (another worker may have lifted it or
    /// imposed it); it applies only when `credentials` are among the rejected ones. Pauses
    /// only ever end by time, so of the stored and the local pause the later end wins.
    public mutating func adopt(_ hold: PixelHold, credentials: CredentialFingerprint, at now: Timestamp) {
        if let suspension = hold.suspension, suspension.rejectedCredentials.contains(credentials) {
            state = .suspended(suspension.error)
            return
        }
        var until = hold.pausedUntil
        if case .paused(let local) = state { until = max(until ?? local, local) }
        if let until, until > now {
            state = .paused(until: until)
        } else {
            state = .open
        }
    }
}
