public import Delivery
import CAPIModel
import Testing

extension EventStoreConformance {
    /// One named check of `QualitySnapshotStore`.
    public typealias QualitySnapshotCheck = StoreCheck<any QualitySnapshotStore & EventStore>

    static func counters(
        events: Int, keys: [UserDataKey: Int], rejected: [UserDataKey: [String: Int]] = [:]
    ) -> MatchKeyCoverage.Counters {
        var counters = MatchKeyCoverage.Counters()
        counters.events = events
        for (key, count) in keys { counters.keyCounts[key.index] = count }
        counters.rejections = rejected
        return counters
    }

    static func snapshot(_ pixel: PixelID, at time: Timestamp, emq: Double?) -> QualitySnapshot {
        QualitySnapshot(
            pixelID: pixel, takenAt: time,
            entries: [
                QualitySnapshot.Entry(
                    eventName: .purchase, eventMatchQuality: emq,
                    metaJSON:
                        #"{"event_match_quality":{"composite_score":\#(emq.map { "\($0)" } ?? "null")},"event_name":"Purchase","unknown_metric":{"x":[1,"ü"]}}"#,
                    localCounters: counters(
                        events: 40, keys: [.email: 38, .phone: 15], rejected: [.phone: ["missing_region": 20, "too_short": 1]])),
                QualitySnapshot.Entry(
                    eventName: "Lead", eventMatchQuality: nil, metaJSON: nil,
                    localCounters: counters(events: 3, keys: [.externalID: 3])),
                QualitySnapshot.Entry(
                    eventName: "Événement 注文", eventMatchQuality: 4.25, metaJSON: "{}",
                    localCounters: counters(events: 0, keys: [:])),
            ])
    }

    /// Every check of the quality snapshots; each gets a fresh, empty store.
    public static let qualitySnapshotChecks: [QualitySnapshotCheck] = [
        QualitySnapshotCheck(name: "a snapshot reads back as written, Meta's JSON verbatim and the counters exact") { store in
            #expect(try await store.qualitySnapshots(pixel: pixelA, since: nil, limit: 10).isEmpty)
            let written = snapshot(pixelA, at: t0, emq: 6.8)
            try await store.recordQualitySnapshot(written)
            let read = try await store.qualitySnapshots(pixel: pixelA, since: nil, limit: 10)
            #expect(read == [written])
            #expect(read.first?[.purchase]?.localCounters.rejections[.phone]?["missing_region"] == 20)
            #expect(read.first?[.purchase]?.metaJSON?.contains(#""unknown_metric""#) == true)
            #expect(read.first?[EventName("Lead")]?.metaJSON == nil)
            #expect(read.first?[EventName("Lead")]?.eventMatchQuality == nil)
        },
        QualitySnapshotCheck(name: "snapshots are per pixel, oldest first, limited to the latest and cut by since") { store in
            for hour in 0..<5 {
                try await store.recordQualitySnapshot(snapshot(pixelA, at: t0 + .seconds(3_600 * hour), emq: 8 - Double(hour)))
            }
            try await store.recordQualitySnapshot(snapshot(pixelB, at: t0, emq: 1))
            let all = try await store.qualitySnapshots(pixel: pixelA, since: nil, limit: 100)
            #expect(all.map(\.takenAt) == (0..<5).map { t0 + .seconds(3_600 * $0) })
            #expect(all.map { $0[.purchase]?.eventMatchQuality } == [8, 7, 6, 5, 4])
            let latestTwo = try await store.qualitySnapshots(pixel: pixelA, since: nil, limit: 2)
            #expect(latestTwo.map(\.takenAt) == [t0 + .seconds(3 * 3_600), t0 + .seconds(4 * 3_600)])
            let recent = try await store.qualitySnapshots(pixel: pixelA, since: t0 + .seconds(2 * 3_600), limit: 100)
            #expect(recent.count == 3)
            #expect(
                try await store.qualitySnapshots(pixel: pixelB, since: nil, limit: 100).map { $0[.purchase]?.eventMatchQuality }
                    == [1])
            #expect(try await store.qualitySnapshots(pixel: "333", since: nil, limit: 100).isEmpty)
        },
        QualitySnapshotCheck(name: "a snapshot at the same moment replaces the first; an empty one is not stored") { store in
            try await store.recordQualitySnapshot(snapshot(pixelA, at: t0, emq: 6))
            let replacement = QualitySnapshot(
                pixelID: pixelA, takenAt: t0,
                entries: [
                    QualitySnapshot.Entry(
                        eventName: .lead, eventMatchQuality: 3, metaJSON: "{}", localCounters: counters(events: 1, keys: [:]))
                ])
            try await store.recordQualitySnapshot(replacement)
            try await store.recordQualitySnapshot(QualitySnapshot(pixelID: pixelA, takenAt: t0 + .seconds(1), entries: []))
            #expect(try await store.qualitySnapshots(pixel: pixelA, since: nil, limit: 10) == [replacement])
        },
        QualitySnapshotCheck(name: "snapshots leave events and coverage alone") { store in
            _ = try await store.append([event("a1", keys: UserDataKeySet(.email))], at: t0)
            let coverage = try await store.coverage(pixel: pixelA)
            try await store.recordQualitySnapshot(snapshot(pixelA, at: t0, emq: 6))
            #expect(try await store.coverage(pixel: pixelA) == coverage)
            #expect(try await store.counts(pixel: pixelA).pending == 1)
        },
    ]
}
