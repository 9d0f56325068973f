public import Delivery

extension InMemoryEventStore: InspectableEventStore {
    public func pixelIDs() -> [PixelID] {
        Set(records.values.map(\.key.pixelID)).union(coverageByPixel.keys).sorted()
    }

    public func events(matching filter: EventFilter, after cursor: EventRecordID?, limit: Int) -> [EventStatusReport] {
        let start = cursor ?? EventRecordID(0)
        return records.values
            .filter { $0.id > start }
            .map(\.report)
            .filter(filter.matches)
            .sorted { $0.id < $1.id }
            .prefix(max(0, limit))
            .map { $0 }
    }

    public func recentAttempts(matching filter: AttemptFilter, before cursor: AttemptID?, limit: Int) -> [RecordedAttempt] {
        attemptsByID
            .filter { (id, receipt) in (cursor == nil || id < cursor!) && filter.matches(receipt) }
            .map { RecordedAttempt(id: $0.key, receipt: $0.value) }
            .sorted { $0.id > $1.id }
            .prefix(max(0, limit))
            .map { $0 }
    }

    public func latestAttempts(for ids: [EventRecordID]) -> [EventRecordID: RecordedAttempt] {
        var latest: [EventRecordID: RecordedAttempt] = [:]
        for id in ids {
            guard let attemptID = records[id]?.attemptIDs.max(), let receipt = attemptsByID[attemptID] else { continue }
            latest[id] = RecordedAttempt(id: attemptID, receipt: receipt)
        }
        return latest
    }
}
