import CAPIModel
import Delivery
import Testing

/// The store-neutral part of applying a settlement: one statement per group, its condition,
/// its attempt increment and the lost leases.
@Suite struct SettlementGroupsTests {
    static let due = Timestamp(milliseconds: 1_767_225_700_000)
    static let rejected = ParkReason(code: .rejected, message: "rejected by Meta", graphCode: 100)

    static func settle(_ id: Int64, _ disposition: EventDisposition, token: Int64?) -> EventSettlement {
        EventSettlement(id: EventRecordID(id), disposition: disposition, leaseToken: token.map { LeaseToken($0) })
    }

    @Test func groupsByDispositionAndLeaseInFirstAppearanceOrderWithoutStillLeased() {
        let settlement = Settlement(
            attempt: nil,
            events: [
                Self.settle(1, .delivered, token: 7),
                Self.settle(2, .retry(at: Self.due), token: 7),
                Self.settle(3, .delivered, token: 8),
                Self.settle(4, .delivered, token: 7),
                Self.settle(5, .stillLeased, token: 7),
                Self.settle(6, .park(Self.rejected), token: nil),
                Self.settle(7, .retry(at: Self.due), token: 7),
                Self.settle(8, .park(Self.rejected), token: nil),
            ])
        let groups = SettlementGroups(settlement)
        #expect(groups.groups.map(\.ids) == [[1, 4], [2, 7], [3], [6, 8]].map { $0.map { EventRecordID($0) } })
        #expect(groups.groups.map(\.leaseToken) == [LeaseToken(7), LeaseToken(7), LeaseToken(8), nil])
        #expect(groups.groups.map(\.disposition) == [.delivered, .retry(at: Self.due), .delivered, .park(Self.rejected)])
        #expect(groups.fencedIDs == [1, 4, 2, 7, 3].map { EventRecordID($0) })
        // The fenced statements changed 1, 2 and 7: 4 and 3 had lost their leases.
        #expect(groups.lostLeases(updated: [2, 1, 7].map { EventRecordID($0) }) == [4, 3].map { EventRecordID($0) })
        #expect(groups.lostLeases(updated: groups.fencedIDs).isEmpty)
    }

    @Test func unfencedDeliveriesChangeAnythingUndeliveredOtherGroupsOnlyDueEvents() {
        let settlement = Settlement(
            attempt: nil,
            events: [
                Self.settle(1, .delivered, token: nil),
                Self.settle(2, .retry(at: Self.due), token: nil),
                Self.settle(3, .release(at: Self.due), token: nil),
                Self.settle(4, .park(Self.rejected), token: nil),
            ])
        let conditions = SettlementGroups(settlement).groups.map(\.unfencedStateCondition)
        #expect(conditions == ["state <> 2", "state <= 1", "state <= 1", "state <= 1"])
    }

    @Test func attemptsCountForRetriesAlwaysForDeliveriesAndParksOnlyWithAReceipt() {
        let dispositions: [EventDisposition] = [.delivered, .retry(at: Self.due), .release(at: Self.due), .park(Self.rejected)]
        let groups = SettlementGroups(
            Settlement(
                attempt: nil, events: dispositions.enumerated().map { Self.settle(Int64($0.offset), $0.element, token: 1) }))
        #expect(groups.groups.map { $0.attemptIncrement(attemptRecorded: true) } == [1, 1, 0, 1])
        #expect(groups.groups.map { $0.attemptIncrement(attemptRecorded: false) } == [0, 1, 0, 0])
    }
}
