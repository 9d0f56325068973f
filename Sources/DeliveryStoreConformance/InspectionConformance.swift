public import Delivery
import CAPIModel
import Testing

extension EventStoreConformance {
    /// One named check of `InspectableEventStore`.
    public typealias InspectionCheck = StoreCheck<any InspectableEventStore>

    /// Every check of the browsing queries; each gets a fresh, empty store.
    public static let inspectionChecks: [InspectionCheck] = [
        InspectionCheck(name: "pixels are listed once each, sorted, including coverage-only pixels") { store in
            #expect(try await store.pixelIDs().isEmpty)
            _ = try await store.append([event("b1", pixel: pixelB), event("a1"), event("a2")], at: t0)
            var rejections = MatchKeyCoverage()
            rejections.recordRejection(eventName: .lead, key: .phone, reason: "invalid_phone")
            try await store.mergeCoverage(rejections, pixel: "333")
            #expect(try await store.pixelIDs() == [pixelA, pixelB, "333"])
        },
        InspectionCheck(name: "events are listed in append order, filtered and paged") { store in
            _ = try await store.append(
                [event("a1"), event("a2", name: .lead), event("b1", pixel: pixelB), event("a3"), event("a1", name: .lead)],
                at: t0)
            let all = try await store.events(matching: EventFilter(), after: nil, limit: 100)
            #expect(all.map(\.key.eventID) == ["a1", "a2", "b1", "a3", "a1"])
            #expect(all.map(\.id) == all.map(\.id).sorted())
            let pixelAOnly = try await store.events(matching: EventFilter(pixelID: pixelA), after: nil, limit: 100)
            #expect(pixelAOnly.map(\.key.eventID) == ["a1", "a2", "a3", "a1"])
            let leads = try await store.events(matching: EventFilter(eventName: .lead), after: nil, limit: 100)
            #expect(leads.map(\.key.eventID) == ["a2", "a1"])
            let sameID = try await store.events(matching: EventFilter(eventID: "a1"), after: nil, limit: 100)
            #expect(sameID.map(\.key.eventName) == [.purchase, .lead])
            let page1 = try await store.events(matching: EventFilter(), after: nil, limit: 2)
            let page2 = try await store.events(matching: EventFilter(), after: page1.last?.id, limit: 2)
            let page3 = try await store.events(matching: EventFilter(), after: page2.last?.id, limit: 2)
            #expect((page1 + page2 + page3).map(\.id) == all.map(\.id))
            #expect(page3.count == 1)
        },
        InspectionCheck(name: "events are filtered by state") { store in
            _ = try await store.append([event("d"), event("p"), event("w")], at: t0)
            let leased = try await store.lease(pixel: pixelA, now: t0, limit: 2, leaseDuration: .seconds(60))
            try await store.markDelivered([leased[0].id], attempt: receipt("d"), at: t0)
            try await store.park(
                [leased[1].id], reason: ParkReason(code: .rejected, message: "x"),
                attempt: receipt("p", outcome: .invalidParameter, status: 400), at: t0)
            func ids(_ state: EventState) async throws -> [String] {
                try await store.events(matching: EventFilter(state: state), after: nil, limit: 10).map(\.key.eventID)
            }
            #expect(try await ids(.delivered) == ["d"])
            #expect(try await ids(.parked) == ["p"])
            #expect(try await ids(.pending) == ["w"])
            #expect(try await ids(.inFlight).isEmpty)
            let parked = try #require(try await store.events(matching: EventFilter(state: .parked), after: nil, limit: 1).first)
            #expect(parked.parkReason?.code == .rejected)
            #expect(parked.json == event("p").json)
        },
        InspectionCheck(name: "recent attempts come newest first, filtered and paged") { store in
            _ = try await store.append([event("e1"), event("b1", pixel: pixelB)], at: t0)
            var now = t0
            for (status, outcome) in [(500, AttemptOutcome.transient), (429, .throttled), (200, .delivered)] {
                let leased = try await store.lease(pixel: pixelA, now: now, limit: 1, leaseDuration: .seconds(60))
                var receipt = receipt("try \(status)", outcome: outcome, status: status)
                receipt.startedAt = now
                if outcome == .delivered {
                    try await store.markDelivered(leased.map(\.id), attempt: receipt, at: now)
                } else {
                    try await store.scheduleRetry(leased.map(\.id), at: now + .seconds(1), attempt: receipt, now: now)
                }
                now = now + .seconds(1)
            }
            let leasedB = try await store.lease(pixel: pixelB, now: now, limit: 1, leaseDuration: .seconds(60))
            var receiptB = receipt("b 503", outcome: .transient, status: 503)
            receiptB.pixelID = pixelB
            try await store.scheduleRetry(leasedB.map(\.id), at: now + .seconds(1), attempt: receiptB, now: now)

            let all = try await store.recentAttempts(matching: AttemptFilter(), before: nil, limit: 10)
            #expect(all.map(\.receipt.requestBody) == ["b 503", "try 200", "try 429", "try 500"])
            #expect(all.map(\.id) == all.map(\.id).sorted(by: >))
            let failures = try await store.recentAttempts(matching: AttemptFilter(failuresOnly: true), before: nil, limit: 10)
            #expect(failures.map(\.receipt.requestBody) == ["b 503", "try 429", "try 500"])
            let failuresA = try await store.recentAttempts(
                matching: AttemptFilter(pixelID: pixelA, failuresOnly: true), before: nil, limit: 10)
            #expect(failuresA.map(\.receipt.requestBody) == ["try 429", "try 500"])
            #expect(
                failuresA.first?.receipt
                    == {
                        var expected = receipt("try 429", outcome: .throttled, status: 429)
                        expected.startedAt = t0 + .seconds(1)
                        return expected
                    }())
            let page1 = try await store.recentAttempts(matching: AttemptFilter(), before: nil, limit: 3)
            let page2 = try await store.recentAttempts(matching: AttemptFilter(), before: page1.last?.id, limit: 3)
            #expect((page1 + page2).map(\.id) == all.map(\.id))
        },
        InspectionCheck(name: "the latest attempt of each event") { store in
            _ = try await store.append([event("e1"), event("e2"), event("never")], at: t0)
            let leased = try await store.lease(pixel: pixelA, now: t0, limit: 2, leaseDuration: .seconds(60))
            try await store.scheduleRetry(
                leased.map(\.id), at: t0, attempt: receipt("both", outcome: .transient, status: 500), now: t0)
            let again = try await store.lease(pixel: pixelA, now: t0, limit: 1, leaseDuration: .seconds(60))
            try await store.markDelivered(again.map(\.id), attempt: receipt("first only"), at: t0)
            let never = try #require(
                try await store.status(of: EventKey(pixelID: pixelA, eventName: .purchase, eventID: "never")))
            let latest = try await store.latestAttempts(for: leased.map(\.id) + [never.id, EventRecordID(9_999)])
            #expect(latest.count == 2)
            #expect(latest[again[0].id]?.receipt.requestBody == "first only")
            let other = leased.map(\.id).first { $0 != again[0].id }!
            #expect(latest[other]?.receipt.requestBody == "both")
            #expect(latest[never.id] == nil)
            #expect(try await store.latestAttempts(for: []).isEmpty)
        },
    ]
}
