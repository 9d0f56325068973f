public import Delivery
public import CAPIModel
import Testing

/// The behaviour every `EventStore` must have, as Swift Testing checks.
///
/// Run it from a test target with a factory for the store under test:
///
/// ```swift
/// @Test(arguments: EventStoreConformance.checks)
/// func conformance(_ check: EventStoreConformance.Check) async throws {
///     try await check.run { InMemoryEventStore() } tearDown: { _ in }
/// }
/// ```
///
/// Each check gets a fresh, empty store.
public enum EventStoreConformance {
    /// One named check of what `Store` promises (an `EventStore`, an `InspectableEventStore`,
    /// a `QualitySnapshotStore`).
    public struct StoreCheck<Store: Sendable>: Sendable, CustomStringConvertible {
        public let name: String
        let body: @Sendable (Store) async throws -> Void

        init(name: String, body: @escaping @Sendable (Store) async throws -> Void) {
            self.name = name
            self.body = body
        }

        public var description: String { name }

        /// Runs the check on a new store from `makeStore`, then calls `tearDown` with it.
        public func run(makeStore: () async throws -> Store, tearDown: (Store) async throws -> Void) async throws {
            let store = try await makeStore()
            do {
                try await body(store)
                try await tearDown(store)
            } catch {
                try? await tearDown(store)
                throw error
            }
        }
    }

    /// One named check of `EventStore`.
    public typealias Check = StoreCheck<any EventStore>

    static let t0 = Timestamp(milliseconds: 1_767_225_600_000)
    static let pixelA: PixelID = "111"
    static let pixelB: PixelID = "222"

    /// A pending event with a recognisable payload.
    public static func event(
        _ eventID: String, pixel: PixelID = "111", name: EventName = .purchase, keys: UserDataKeySet = [],
        actionSource: ActionSource = .website, eventTime: Timestamp = Timestamp(seconds: 1_767_225_000)
    ) -> PendingEvent {
        PendingEvent(
            key: EventKey(pixelID: pixel, eventName: name, eventID: eventID), eventTime: eventTime,
            actionSource: actionSource,
            json: #"{"event_id":"\#(eventID)","event_name":"\#(name.rawValue)","event_time":\#(eventTime.seconds)}"#,
            matchKeys: keys)
    }

    static func receipt(_ body: String, outcome: AttemptOutcome = .delivered, status: Int? = 200) -> AttemptReceipt {
        AttemptReceipt(
            pixelID: pixelA, startedAt: t0, durationMilliseconds: 42, requestBody: body, eventCount: 1, httpStatus: status,
            responseBody: #"{"events_received":1,"messages":["m1"],"fbtrace_id":"TRACE"}"#, fbtraceID: "TRACE",
            eventsReceived: 1, messages: ["m1", "m2"], errorCode: outcome == .delivered ? nil : 2,
            errorSubcode: outcome == .delivered ? nil : 99, errorMessage: outcome == .delivered ? nil : "oops",
            outcome: outcome)
    }

    /// Every check.
    public static let checks: [Check] = [
        Check(name: "append is readable by id and key") { store in
            let result = try await store.append([event("e1"), event("e2"), event("e3", pixel: pixelB)], at: t0)
            #expect(result.insertedCount == 3)
            #expect(result.duplicates.isEmpty)
            let report = try #require(try await store.status(of: EventKey(pixelID: pixelA, eventName: .purchase, eventID: "e2")))
            #expect(report.state == .pending)
            #expect(report.attempts == 0)
            #expect(report.enqueuedAt == t0)
            #expect(report.dueAt == t0)
            #expect(report.json == event("e2").json)
            #expect(report.actionSource == .website)
            #expect(report.eventTime == Timestamp(seconds: 1_767_225_000))
            let byID = try await store.status(of: report.id)
            #expect(byID == report)
            #expect(try await store.status(of: EventKey(pixelID: pixelB, eventName: .purchase, eventID: "e2")) == nil)
            #expect(try await store.counts(pixel: nil) == EventCounts(pending: 3))
            #expect(try await store.counts(pixel: pixelB) == EventCounts(pending: 1))
        },
        Check(name: "event_time is kept in whole seconds, the precision Meta reads") { store in
            let subSecond = Timestamp(milliseconds: 1_767_225_000_750)
            _ = try await store.append([event("e1", eventTime: subSecond)], at: t0)
            let report = try #require(try await store.status(of: EventKey(pixelID: pixelA, eventName: .purchase, eventID: "e1")))
            #expect(report.eventTime == Timestamp(seconds: 1_767_225_000))
            let leased = try await store.lease(pixel: pixelA, now: t0, limit: 10, leaseDuration: .seconds(30))
            #expect(leased.map(\.eventTime) == [Timestamp(seconds: 1_767_225_000)])
        },
        Check(name: "a key already stored is reported as a duplicate and left alone") { store in
            _ = try await store.append([event("e1")], at: t0)
            let again = try await store.append(
                [event("e1"), event("e2"), event("e2"), event("e1", name: .lead)], at: t0 + .seconds(1))
            #expect(again.insertedCount == 2)
            #expect(
                again.duplicates == [
                    EventKey(pixelID: pixelA, eventName: .purchase, eventID: "e1"),
                    EventKey(pixelID: pixelA, eventName: .purchase, eventID: "e2"),
                ])
            let first = try #require(try await store.status(of: EventKey(pixelID: pixelA, eventName: .purchase, eventID: "e1")))
            #expect(first.enqueuedAt == t0)
            #expect(try await store.counts(pixel: pixelA).pending == 3)
        },
        Check(name: "a large batch reports exactly the keys already stored") { store in
            let email = UserDataKeySet(.email)
            _ = try await store.append((0..<50).map { event("k\($0 * 6)", keys: email) }, at: t0)
            let result = try await store.append((0..<300).map { event("k\($0)", keys: email) }, at: t0 + .seconds(1))
            #expect(result.insertedCount == 250)
            #expect(result.duplicates.map(\.eventID) == (0..<50).map { "k\($0 * 6)" })
            #expect(try await store.counts(pixel: pixelA).pending == 300)
            #expect(try await store.coverage(pixel: pixelA)[.purchase].events == 300)
            #expect(try await store.coverage(pixel: pixelA)[.purchase].count(of: .email) == 300)
            let second = try #require(try await store.status(of: EventKey(pixelID: pixelA, eventName: .purchase, eventID: "k1")))
            #expect(second.enqueuedAt == t0 + .seconds(1))
        },
        Check(name: "a cancelled caller's append and settle still complete and leave the store usable") {
            (store: any EventStore) async throws in
            // Database clients refuse or cancel queries of a cancelled task (sqlite-nio,
            // postgres-nio); a store must not let that cut a transaction short.
            let appended = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await store.append([event("k1"), event("k2")], at: t0)
            }
            #expect(try await appended.value.insertedCount == 2)
            let settled = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                let leased = try await store.lease(pixel: pixelA, now: t0, limit: 10, leaseDuration: .seconds(60))
                try await store.markDelivered(leased.map(\.id), attempt: receipt("{}"), at: t0)
                return leased.count
            }
            #expect(try await settled.value == 2)
            #expect(try await store.counts(pixel: nil) == EventCounts(delivered: 2))
            #expect(try await store.append([event("k3")], at: t0).insertedCount == 1)
        },
        Check(name: "lease returns due events of one pixel, oldest first, up to the limit") { store in
            _ = try await store.append([event("a1"), event("b1", pixel: pixelB)], at: t0)
            _ = try await store.append([event("a2"), event("a3")], at: t0 + .seconds(1))
            #expect(try await store.lease(pixel: pixelA, now: t0 - .seconds(1), limit: 10, leaseDuration: .seconds(60)).isEmpty)
            let first = try await store.lease(pixel: pixelA, now: t0 + .seconds(1), limit: 2, leaseDuration: .seconds(60))
            #expect(first.map(\.key.eventID) == ["a1", "a2"])
            #expect(first.allSatisfy { $0.attempts == 0 && $0.key.pixelID == pixelA })
            #expect(first[0].json == event("a1").json)
            let second = try await store.lease(pixel: pixelA, now: t0 + .seconds(1), limit: 2, leaseDuration: .seconds(60))
            #expect(second.map(\.key.eventID) == ["a3"])
            #expect(try await store.lease(pixel: pixelA, now: t0 + .seconds(2), limit: 5, leaseDuration: .seconds(60)).isEmpty)
            let other = try await store.lease(pixel: pixelB, now: t0 + .seconds(2), limit: 5, leaseDuration: .seconds(60))
            #expect(other.map(\.key.eventID) == ["b1"])
            #expect(try await store.counts(pixel: nil) == EventCounts(inFlight: 4))
        },
        Check(name: "an expired lease makes the event due again") { store in
            _ = try await store.append([event("e1")], at: t0)
            let leased = try await store.lease(pixel: pixelA, now: t0, limit: 10, leaseDuration: .seconds(30))
            #expect(leased.count == 1)
            #expect(try await store.nextDueTime(pixel: pixelA) == t0 + .seconds(30))
            #expect(try await store.lease(pixel: pixelA, now: t0 + .seconds(29), limit: 10, leaseDuration: .seconds(30)).isEmpty)
            let again = try await store.lease(pixel: pixelA, now: t0 + .seconds(30), limit: 10, leaseDuration: .seconds(30))
            #expect(again.map(\.id) == leased.map(\.id))
        },
        Check(name: "delivered settles with the receipt kept verbatim") { store in
            _ = try await store.append([event("e1"), event("e2")], at: t0)
            let leased = try await store.lease(pixel: pixelA, now: t0, limit: 10, leaseDuration: .seconds(60))
            let receipt = receipt(#"{"data":[…]}"#)
            try await store.markDelivered(leased.map(\.id), attempt: receipt, at: t0 + .seconds(1))
            for item in leased {
                let report = try #require(try await store.status(of: item.id))
                #expect(report.state == .delivered)
                #expect(report.attempts == 1)
                #expect(report.deliveredAt == t0 + .seconds(1))
                #expect(report.dueAt == nil)
                let history = try await store.attempts(for: item.id)
                #expect(history.map(\.receipt) == [receipt])
            }
            #expect(try await store.counts(pixel: pixelA) == EventCounts(delivered: 2))
            #expect(try await store.nextDueTime(pixel: pixelA) == nil)
            #expect(try await store.lease(pixel: pixelA, now: t0 + .seconds(999), limit: 10, leaseDuration: .seconds(1)).isEmpty)
        },
        Check(name: "retry counts an attempt and waits for its due time") { store in
            _ = try await store.append([event("e1")], at: t0)
            let leased = try await store.lease(pixel: pixelA, now: t0, limit: 10, leaseDuration: .seconds(60))
            try await store.scheduleRetry(
                leased.map(\.id), at: t0 + .seconds(10), attempt: receipt("b", outcome: .transient, status: 503),
                now: t0 + .seconds(1))
            let report = try #require(try await store.status(of: leased[0].id))
            #expect(report.state == .pending)
            #expect(report.attempts == 1)
            #expect(report.dueAt == t0 + .seconds(10))
            #expect(try await store.nextDueTime(pixel: pixelA) == t0 + .seconds(10))
            #expect(try await store.lease(pixel: pixelA, now: t0 + .seconds(9), limit: 10, leaseDuration: .seconds(60)).isEmpty)
            let again = try await store.lease(pixel: pixelA, now: t0 + .seconds(10), limit: 10, leaseDuration: .seconds(60))
            #expect(again.first?.attempts == 1)
        },
        Check(name: "release returns events without counting an attempt") { store in
            _ = try await store.append([event("e1")], at: t0)
            let leased = try await store.lease(pixel: pixelA, now: t0, limit: 10, leaseDuration: .seconds(60))
            try await store.release(leased.map(\.id), dueAt: t0 + .seconds(5), now: t0)
            let report = try #require(try await store.status(of: leased[0].id))
            #expect(report.state == .pending)
            #expect(report.attempts == 0)
            #expect(report.dueAt == t0 + .seconds(5))
            #expect(try await store.attempts(for: leased[0].id).isEmpty)
        },
        Check(name: "a receipt with stillLeased links the attempt and keeps the lease") { store in
            _ = try await store.append([event("e1"), event("e2")], at: t0)
            let leased = try await store.lease(pixel: pixelA, now: t0, limit: 10, leaseDuration: .seconds(60))
            let bisected = receipt("both", outcome: .invalidParameter, status: 400)
            try await store.settle(
                Settlement(attempt: bisected, events: leased.map { .init(id: $0.id, disposition: .stillLeased) }), at: t0)
            #expect(try await store.counts(pixel: pixelA) == EventCounts(inFlight: 2))
            try await store.markDelivered([leased[0].id], attempt: receipt("first"), at: t0 + .seconds(1))
            let history = try await store.attempts(for: leased[0].id).map(\.receipt.requestBody)
            #expect(history == ["both", "first"])
            #expect(try await store.status(of: leased[0].id)?.attempts == 1)
            #expect(try await store.attempts(for: leased[1].id).map(\.receipt.requestBody) == ["both"])
        },
        Check(name: "parked events are listed with reasons, by pixel, with paging") { store in
            _ = try await store.append([event("a1"), event("a2"), event("a3"), event("b1", pixel: pixelB)], at: t0)
            var ids: [EventRecordID] = []
            for pixel in [pixelA, pixelB] {
                ids += try await store.lease(pixel: pixel, now: t0, limit: 10, leaseDuration: .seconds(60)).map(\.id)
            }
            let reason = ParkReason(code: .rejected, message: "invalid parameter", graphCode: 100, graphSubcode: 2_804_050)
            try await store.park(ids, reason: reason, attempt: receipt("x", outcome: .invalidParameter, status: 400), at: t0)
            let all = try await store.parkedEvents(pixel: nil, after: nil, limit: 10)
            #expect(all.map(\.key.eventID) == ["a1", "a2", "a3", "b1"])
            #expect(all.allSatisfy { $0.parkReason == reason && $0.state == .parked && $0.parkedAt == t0 && $0.attempts == 1 })
            let onlyB = try await store.parkedEvents(pixel: pixelB, after: nil, limit: 10)
            #expect(onlyB.map(\.key.eventID) == ["b1"])
            let page1 = try await store.parkedEvents(pixel: pixelA, after: nil, limit: 2)
            let page2 = try await store.parkedEvents(pixel: pixelA, after: page1.last?.id, limit: 2)
            #expect(page1.map(\.key.eventID) == ["a1", "a2"])
            #expect(page2.map(\.key.eventID) == ["a3"])
            #expect(try await store.counts(pixel: nil) == EventCounts(parked: 4))
        },
        Check(name: "replay makes parked events pending with a fresh budget and the same key") { store in
            _ = try await store.append([event("e1"), event("e2")], at: t0)
            let leased = try await store.lease(pixel: pixelA, now: t0, limit: 10, leaseDuration: .seconds(60))
            try await store.park(
                [leased[0].id], reason: ParkReason(code: .retriesExhausted, message: "gave up"),
                attempt: receipt("x", outcome: .transient, status: 500), at: t0)
            try await store.markDelivered([leased[1].id], attempt: receipt("y"), at: t0)
            let replayed = try await store.replay([leased[0].id, leased[1].id, EventRecordID(9_999)], at: t0 + .seconds(5))
            #expect(replayed == [leased[0].id])
            let report = try #require(try await store.status(of: leased[0].id))
            #expect(report.state == .pending)
            #expect(report.attempts == 0)
            #expect(report.parkReason == nil)
            #expect(report.dueAt == t0 + .seconds(5))
            #expect(report.key.eventID == "e1")
            #expect(try await store.attempts(for: leased[0].id).count == 1)
            #expect(try await store.status(of: leased[1].id)?.state == .delivered)
            let again = try await store.lease(pixel: pixelA, now: t0 + .seconds(5), limit: 10, leaseDuration: .seconds(60))
            #expect(again.map(\.key.eventID) == ["e1"])
        },
        Check(name: "releaseAllLeases recovers every in-flight event") { store in
            _ = try await store.append([event("a1"), event("b1", pixel: pixelB), event("a2")], at: t0)
            _ = try await store.lease(pixel: pixelA, now: t0, limit: 1, leaseDuration: .seconds(600))
            _ = try await store.lease(pixel: pixelB, now: t0, limit: 1, leaseDuration: .seconds(600))
            #expect(try await store.releaseAllLeases(at: t0 + .seconds(1)) == 2)
            #expect(try await store.counts(pixel: nil) == EventCounts(pending: 3))
            let leased = try await store.lease(pixel: pixelA, now: t0 + .seconds(1), limit: 10, leaseDuration: .seconds(60))
            #expect(leased.count == 2)
            #expect(leased.allSatisfy { $0.attempts == 0 })
        },
        Check(name: "coverage counts appended events per pixel and merges rejections") { store in
            let emailAndIP: UserDataKeySet = [UserDataKeySet(.email), UserDataKeySet(.clientIPAddress)]
            _ = try await store.append(
                [
                    event("e1", keys: emailAndIP), event("e2", keys: UserDataKeySet(.email)),
                    event("l1", name: .lead, keys: UserDataKeySet(.phone)), event("b1", pixel: pixelB, keys: emailAndIP),
                ], at: t0)
            _ = try await store.append([event("e1", keys: emailAndIP)], at: t0)  // duplicate: not counted
            var rejections = MatchKeyCoverage()
            rejections.recordRejection(eventName: .purchase, key: .phone, reason: "invalid_phone")
            rejections.recordRejection(eventName: .purchase, key: .phone, reason: "invalid_phone")
            try await store.mergeCoverage(rejections, pixel: pixelA)
            let coverage = try await store.coverage(pixel: pixelA)
            #expect(coverage[.purchase].events == 2)
            #expect(coverage[.purchase].count(of: .email) == 2)
            #expect(coverage[.purchase].count(of: .clientIPAddress) == 1)
            #expect(coverage[.purchase].count(of: .phone) == 0)
            #expect(coverage[.purchase].rejections[.phone] == ["invalid_phone": 2])
            #expect(coverage[.lead].events == 1)
            #expect(coverage[.lead].count(of: .phone) == 1)
            #expect(try await store.coverage(pixel: pixelB)[.purchase].events == 1)
            #expect(try await store.coverage(pixel: "333").eventNames.isEmpty)
        },
        Check(name: "history lists every attempt oldest first") { store in
            _ = try await store.append([event("e1")], at: t0)
            var now = t0
            for status in [500, 503] {
                let leased = try await store.lease(pixel: pixelA, now: now, limit: 1, leaseDuration: .seconds(60))
                try await store.scheduleRetry(
                    leased.map(\.id), at: now + .seconds(1),
                    attempt: receipt("try \(status)", outcome: .transient, status: status),
                    now: now)
                now = now + .seconds(1)
            }
            let leased = try await store.lease(pixel: pixelA, now: now, limit: 1, leaseDuration: .seconds(60))
            try await store.markDelivered(leased.map(\.id), attempt: receipt("try 200"), at: now)
            let history = try await store.attempts(for: leased[0].id)
            #expect(history.map(\.receipt.requestBody) == ["try 500", "try 503", "try 200"])
            #expect(history.map(\.receipt.httpStatus) == [500, 503, 200])
            #expect(history.map(\.id) == history.map(\.id).sorted())
            #expect(try await store.status(of: leased[0].id)?.attempts == 3)
        },
        Check(name: "pruning deletes old delivered events and orphaned receipts only") { store in
            _ = try await store.append([event("old"), event("new"), event("parked"), event("waiting")], at: t0)
            let leased = try await store.lease(pixel: pixelA, now: t0, limit: 3, leaseDuration: .seconds(60))
            #expect(leased.map(\.key.eventID) == ["old", "new", "parked"])
            try await store.markDelivered([leased[0].id], attempt: receipt("old body"), at: t0)
            try await store.markDelivered([leased[1].id], attempt: receipt("new body"), at: t0 + .seconds(10))
            try await store.park([leased[2].id], reason: ParkReason(code: .rejected, message: "x"), attempt: receipt("p"), at: t0)
            #expect(try await store.pruneDelivered(before: t0 + .seconds(5)) == 1)
            #expect(try await store.status(of: leased[0].id) == nil)
            #expect(try await store.attempts(for: leased[0].id).isEmpty)
            #expect(try await store.attempts(for: leased[1].id).map(\.receipt.requestBody) == ["new body"])
            #expect(try await store.status(of: leased[2].id)?.state == .parked)
            #expect(try await store.counts(pixel: nil) == EventCounts(pending: 1, delivered: 1, parked: 1))
            // The pruned key may be enqueued again.
            #expect(try await store.append([event("old")], at: t0 + .seconds(20)).insertedCount == 1)
        },
        Check(name: "a settle whose lease ran out changes nothing once the event is leased again (fencing)") { store in
            _ = try await store.append([event("f1"), event("f2"), event("f3")], at: t0)
            let first = try await store.lease(pixel: pixelA, now: t0, limit: 3, leaseDuration: .seconds(10))
            #expect(first.count == 3)
            #expect(Set(first.map(\.leaseToken)).count == 1, "one lease, one token")
            // The first worker's request outlives its lease; a second worker leases the events.
            let second = try await store.lease(pixel: pixelA, now: t0 + .seconds(20), limit: 3, leaseDuration: .seconds(60))
            #expect(second.map(\.id) == first.map(\.id))
            #expect(second[0].leaseToken != first[0].leaseToken, "every lease gets a new token")
            // The first worker's late settle: a retry, a delivery and a park, all fenced by the old lease.
            let late = try await store.settle(
                Settlement(
                    attempt: receipt("late body"),
                    events: [
                        EventSettlement(first[0], disposition: .retry(at: t0 + .seconds(21))),
                        EventSettlement(first[1], disposition: .delivered),
                        EventSettlement(first[2], disposition: .park(ParkReason(code: .rejected, message: "late"))),
                    ]), at: t0 + .seconds(21))
            #expect(Set(late.lostLeases) == Set(first.map(\.id)))
            for leased in first {
                let status = try await store.status(of: leased.id)
                #expect(status?.state == .inFlight, "a late settle changed \(leased.key.eventID)")
                #expect(status?.attempts == 0)
                #expect(status?.parkReason == nil)
            }
            // The request did carry them: the receipt is in their history all the same.
            #expect(try await store.attempts(for: first[0].id).map(\.receipt.requestBody) == ["late body"])
            // The current lease settles normally.
            let current = try await store.settle(
                Settlement(
                    attempt: receipt("current body"),
                    events: [
                        EventSettlement(second[0], disposition: .delivered),
                        EventSettlement(second[1], disposition: .park(ParkReason(code: .rejected, message: "bad"))),
                        EventSettlement(second[2], disposition: .retry(at: t0 + .seconds(30))),
                    ]), at: t0 + .seconds(22))
            #expect(current.lostLeases.isEmpty)
            #expect(try await store.status(of: second[0].id)?.state == .delivered)
            #expect(try await store.status(of: second[1].id)?.state == .parked)
            #expect(try await store.status(of: second[2].id)?.state == .pending)
            // A settle of the current lease arriving twice does nothing the second time.
            let again = try await store.settle(
                Settlement(attempt: nil, events: [EventSettlement(second[2], disposition: .release(at: t0 + .seconds(40)))]),
                at: t0 + .seconds(23))
            #expect(again.lostLeases == [second[2].id])
            #expect(try await store.status(of: second[2].id)?.dueAt == t0 + .seconds(30))
        },
        Check(name: "renewing a lease extends it, fenced, and the renewed token settles") { store in
            _ = try await store.append([event("r1"), event("r2")], at: t0)
            let leased = try await store.lease(pixel: pixelA, now: t0, limit: 2, leaseDuration: .seconds(10))
            // Renewed at t0+8s for another 10 s: not due again at t0+15s, due at t0+18s.
            let renewed = try await store.renewLeases(leased, now: t0 + .seconds(8), leaseDuration: .seconds(10))
            #expect(renewed.map(\.id) == leased.map(\.id))
            #expect(try await store.lease(pixel: pixelA, now: t0 + .seconds(15), limit: 2, leaseDuration: .seconds(10)).isEmpty)
            #expect(try await store.status(of: leased[0].id)?.dueAt == t0 + .seconds(18))
            // A renewal with a token that no longer holds renews nothing.
            let taken = try await store.lease(pixel: pixelA, now: t0 + .seconds(19), limit: 2, leaseDuration: .seconds(60))
            #expect(taken.count == 2)
            #expect(try await store.renewLeases(renewed, now: t0 + .seconds(20), leaseDuration: .seconds(60)).isEmpty)
            #expect(try await store.status(of: leased[0].id)?.dueAt == t0 + .seconds(79))
            // The current holder's renewed token settles its events.
            let again = try await store.renewLeases(taken, now: t0 + .seconds(21), leaseDuration: .seconds(60))
            let result = try await store.settle(
                Settlement(attempt: nil, events: again.map { EventSettlement($0, disposition: .delivered) }),
                at: t0 + .seconds(22))
            #expect(result.lostLeases.isEmpty)
            #expect(try await store.counts(pixel: nil).delivered == 2)
        },
        Check(name: "a delivery clears the park reason") { store in
            _ = try await store.append([event("p1")], at: t0)
            let leased = try await store.lease(pixel: pixelA, now: t0, limit: 1, leaseDuration: .seconds(60))
            try await store.park(
                leased.map(\.id), reason: ParkReason(code: .rejected, message: "x", graphCode: 100), attempt: nil, at: t0)
            #expect(try await store.status(of: leased[0].id)?.parkReason != nil)
            try await store.markDelivered(leased.map(\.id), attempt: receipt("ok"), at: t0 + .seconds(1))
            let status = try await store.status(of: leased[0].id)
            #expect(status?.state == .delivered)
            #expect(status?.parkReason == nil)
            #expect(status?.parkedAt == nil)
        },
        Check(name: "pruning keeps a receipt that a remaining event still refers to") { store in
            _ = try await store.append([event("delivered"), event("parked")], at: t0)
            let leased = try await store.lease(pixel: pixelA, now: t0, limit: 2, leaseDuration: .seconds(60))
            try await store.settle(
                Settlement(
                    attempt: receipt("shared body"),
                    events: [
                        .init(id: leased[0].id, disposition: .delivered),
                        .init(id: leased[1].id, disposition: .park(ParkReason(code: .rejected, message: "x"))),
                    ]), at: t0)
            #expect(try await store.pruneDelivered(before: t0 + .seconds(5)) == 1)
            #expect(try await store.status(of: leased[0].id) == nil)
            #expect(try await store.attempts(for: leased[1].id).map(\.receipt.requestBody) == ["shared body"])
            #expect(try await store.pruneDelivered(before: t0 + .seconds(5)) == 0)
        },
        Check(name: "a pause is kept per pixel, the later end wins, and it ends by itself") { store in
            #expect(try await store.pixelHolds(at: t0).isEmpty)
            let first = try await store.updatePixelHold(pixelA, .pause(until: t0 + .seconds(60)), at: t0)
            #expect(first == PixelHold(pausedUntil: t0 + .seconds(60)))
            #expect(try await store.pixelHolds(at: t0) == [pixelA: first])
            // A shorter pause does not cut the longer one short; a longer one extends it.
            #expect(
                try await store.updatePixelHold(pixelA, .pause(until: t0 + .seconds(30)), at: t0).pausedUntil == t0 + .seconds(60)
            )
            #expect(
                try await store.updatePixelHold(pixelA, .pause(until: t0 + .seconds(90)), at: t0).pausedUntil == t0 + .seconds(90)
            )
            #expect(try await store.pixelHolds(at: t0 + .seconds(89))[pixelA]?.pausedUntil == t0 + .seconds(90))
            #expect(try await store.pixelHolds(at: t0 + .seconds(89))[pixelB] == nil)
            // Once the pause has ended the pixel is free again.
            #expect(try await store.pixelHolds(at: t0 + .seconds(90)).isEmpty)
            // A new pause after the old one ended starts afresh.
            let later = try await store.updatePixelHold(pixelA, .pause(until: t0 + .seconds(120)), at: t0 + .seconds(100))
            #expect(later.pausedUntil == t0 + .seconds(120))
        },
        Check(name: "a suspension names the rejected credentials and ends when all are replaced") { store in
            let oldToken = CredentialFingerprint(accessToken: AccessToken("old"), appSecret: nil)
            let otherToken = CredentialFingerprint(accessToken: AccessToken("other"), appSecret: AppSecret("s"))
            let newToken = CredentialFingerprint(accessToken: AccessToken("new"), appSecret: nil)
            let expired = GraphError(
                message: "Session has expired", type: "OAuthException", code: 190, errorSubcode: 463,
                fbtraceID: "TRACE1")
            _ = try await store.updatePixelHold(pixelA, .pause(until: t0 + .seconds(60)), at: t0)
            let suspended = try await store.updatePixelHold(
                pixelA, .suspend(expired, credentials: oldToken), at: t0 + .seconds(1))
            #expect(
                suspended.suspension == PixelSuspension(error: expired, since: t0 + .seconds(1), rejectedCredentials: [oldToken]))
            #expect(suspended.pausedUntil == t0 + .seconds(60))
            #expect(suspended.blocks(oldToken, at: t0 + .seconds(3_600)))
            #expect(!suspended.blocks(newToken, at: t0 + .seconds(3_600)))
            let invalid = GraphError(message: "Invalid OAuth access token", code: 190)
            _ = try await store.updatePixelHold(pixelA, .suspend(invalid, credentials: otherToken), at: t0 + .seconds(2))
            let read = try #require(try await store.pixelHolds(at: t0 + .seconds(3_600))[pixelA])
            #expect(read.pausedUntil == nil)
            #expect(read.suspension?.error == invalid)
            #expect(read.suspension?.since == t0 + .seconds(1))
            #expect(read.suspension?.rejectedCredentials == [oldToken, otherToken])
            // Installing credentials nobody rejected changes nothing.
            _ = try await store.updatePixelHold(pixelA, .credentialsReplaced(with: newToken), at: t0 + .seconds(3))
            #expect(
                try await store.pixelHolds(at: t0 + .seconds(3))[pixelA]?.suspension?.rejectedCredentials == [
                    oldToken, otherToken,
                ])
            _ = try await store.updatePixelHold(pixelA, .credentialsReplaced(with: oldToken), at: t0 + .seconds(4))
            #expect(try await store.pixelHolds(at: t0 + .seconds(4))[pixelA]?.suspension?.rejectedCredentials == [otherToken])
            let cleared = try await store.updatePixelHold(pixelA, .credentialsReplaced(with: otherToken), at: t0 + .seconds(5))
            #expect(cleared.suspension == nil)
            #expect(cleared.pausedUntil == t0 + .seconds(60))
            #expect(try await store.pixelHolds(at: t0 + .seconds(61)).isEmpty)
        },
        Check(name: "concurrent hold changes are all kept") { store in
            let fingerprints = (0..<8).map { CredentialFingerprint(accessToken: AccessToken("token-\($0)"), appSecret: nil) }
            let error = GraphError(message: "Invalid OAuth access token", code: 190)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<24 {
                    group.addTask {
                        _ = try await store.updatePixelHold(pixelA, .pause(until: t0 + .seconds(Int64(10 + index))), at: t0)
                    }
                }
                for fingerprint in fingerprints {
                    group.addTask {
                        _ = try await store.updatePixelHold(pixelB, .suspend(error, credentials: fingerprint), at: t0)
                    }
                }
                try await group.waitForAll()
            }
            let holds = try await store.pixelHolds(at: t0)
            #expect(holds[pixelA]?.pausedUntil == t0 + .seconds(33))
            #expect(holds[pixelB]?.suspension?.rejectedCredentials == Set(fingerprints))
        },
        Check(name: "64 concurrent single appends are all stored once") { store in
            try await withThrowingTaskGroup(of: AppendResult.self) { group in
                for index in 0..<64 {
                    group.addTask { try await store.append([event("c\(index)")], at: t0) }
                }
                var inserted = 0
                for try await result in group { inserted += result.insertedCount }
                #expect(inserted == 64)
            }
            #expect(try await store.counts(pixel: pixelA) == EventCounts(pending: 64))
            let leased = try await store.lease(pixel: pixelA, now: t0, limit: 100, leaseDuration: .seconds(60))
            #expect(Set(leased.map(\.key.eventID)) == Set((0..<64).map { "c\($0)" }))
            #expect(Set(leased.map(\.id)).count == 64)
        },
    ]
}
