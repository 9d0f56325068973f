public import Delivery

extension InMemoryEventStore: QualitySnapshotStore {
    public func recordQualitySnapshot(_ snapshot: QualitySnapshot) throws {
        try maybeFail()
        guard !snapshot.entries.isEmpty else { return }
        qualitySnapshotsByPixel[snapshot.pixelID, default: [:]][snapshot.takenAt] = snapshot
    }

    public func qualitySnapshots(pixel: PixelID, since: Timestamp?, limit: Int) throws -> [QualitySnapshot] {
        try maybeFail()
        let all = (qualitySnapshotsByPixel[pixel] ?? [:]).values
            .filter { snapshot in since.map { snapshot.takenAt >= $0 } ?? true }
            .sorted { $0.takenAt < $1.takenAt }
        return Array(all.suffix(max(0, limit)))
    }
}
