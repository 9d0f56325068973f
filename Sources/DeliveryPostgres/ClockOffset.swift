import CAPIModel
import Delivery

/// How far an instance's clock is from the database server's, from one round trip.
///
/// The server's time was read somewhere between `sentAt` and `receivedAt` on the instance's
/// clock, so the instance's time at that moment is taken as the midpoint, and the true offset
/// lies within ``offsetMilliseconds`` ± ``uncertaintyMilliseconds`` (half the round trip).
struct ClockOffset: Hashable, Sendable {
    /// The server's clock minus the instance's: positive when the instance's clock is behind.
    var offsetMilliseconds: Int64
    /// Half the round trip: how far the true offset may be from ``offsetMilliseconds``.
    var uncertaintyMilliseconds: Int64

    init(sentAt: Timestamp, serverTime: Timestamp, receivedAt: Timestamp) {
        let sent = sentAt.milliseconds
        let received = receivedAt.milliseconds
        // A clock stepped backwards during the round trip gives received < sent: the half
        // difference is still the width of the window the server read fell in.
        let midpoint = sent + (received - sent) / 2
        offsetMilliseconds = serverTime.milliseconds - midpoint
        uncertaintyMilliseconds = abs(received - sent) / 2 + abs(received - sent) % 2
    }

    /// The smallest skew the measurement is consistent with: an instance is refused only
    /// when its clock is certainly beyond the bound, never because a round trip was slow.
    var certainSkewMilliseconds: Int64 { max(0, abs(offsetMilliseconds) - uncertaintyMilliseconds) }

    /// True when the instance's clock is certainly more than `maximum` away from the server's.
    func exceeds(_ maximum: Duration) -> Bool {
        Duration.milliseconds(certainSkewMilliseconds) > maximum
    }

    /// The refusal an instance gets when ``exceeds(_:)`` holds: how far off its clock is, which
    /// way, what is tolerated and how to fix it.
    func refusal(maximum: Duration) -> DeliveryError {
        let direction = offsetMilliseconds < 0 ? "ahead of" : "behind"
        return DeliveryError(
            code: .clockSkew,
            message: "this instance's clock is \(Self.seconds(abs(offsetMilliseconds))) s \(direction) the PostgreSQL "
                + "server's (± \(Self.seconds(uncertaintyMilliseconds)) s), more than the "
                + "\(maximum) PostgresEventStore.Configuration.maximumClockSkew "
                + "tolerates: its leases, due times and pauses would disagree with other instances' (it would take over "
                + "their leases or end their pauses early). The store refuses to lease or to read and change pixel holds "
                + "until the clocks agree; synchronize this host's clock (NTP)")
    }

    private static func seconds(_ milliseconds: Int64) -> String {
        let tenths = (milliseconds + 50) / 100
        return "\(tenths / 10).\(tenths % 10)"
    }
}
