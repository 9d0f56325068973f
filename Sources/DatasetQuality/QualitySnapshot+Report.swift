public import CAPIModel
public import Delivery
import FoundationEssentials

extension QualitySnapshot {
    /// A snapshot of Meta's `report` for `pixelID` beside the store's cumulative coverage
    /// `local`, taken at `takenAt`: one entry per event name Meta or the store knows.
    ///
    /// - Parameter webSources: each website entry as Meta sent it (kept whole, so metrics added
    ///   later are not lost); entries without a source are kept in the form this version reads.
    init(
        pixelID: PixelID, takenAt: Timestamp, report: DatasetQualityReport, webSources: [String: JSONValue],
        local: MatchKeyCoverage
    ) {
        var entries: [Entry] = []
        var named: Set<String> = []
        for quality in report.web where named.insert(quality.eventName).inserted {
            let name = EventName(quality.eventName)
            let source = webSources[quality.eventName].flatMap { try? CAPIJSON.encode($0) }.map {
                String(decoding: $0, as: UTF8.self)
            }
            entries.append(
                Entry(
                    eventName: name, eventMatchQuality: quality.eventMatchQuality?.compositeScore,
                    metaJSON: source ?? #"{"event_name":"\#(quality.eventName.jsonEscaped)"}"#, localCounters: local[name]))
        }
        for name in local.eventNames where !named.contains(name.rawValue) {
            entries.append(Entry(eventName: name, eventMatchQuality: nil, metaJSON: nil, localCounters: local[name]))
        }
        self.init(pixelID: pixelID, takenAt: takenAt, entries: entries)
    }

    /// Meta's part of the snapshot, read back: the website metrics of every event name Meta
    /// reported, in name order.
    public var report: DatasetQualityReport {
        DatasetQualityReport(
            web: entries.compactMap { entry in
                guard let text = entry.metaJSON,
                    let json = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
                else { return nil }
                var quality = EventQuality(json: json) ?? EventQuality(eventName: entry.eventName.rawValue)
                quality.eventName = entry.eventName.rawValue
                return quality
            })
    }

    /// The store's cumulative counters at the time of the snapshot.
    public var localCoverage: MatchKeyCoverage {
        var coverage = MatchKeyCoverage()
        for entry in entries where entry.localCounters.events > 0 || !entry.localCounters.rejections.isEmpty {
            coverage.add(entry.localCounters, for: entry.eventName)
        }
        return coverage
    }
}

extension String {
    fileprivate var jsonEscaped: String {
        guard let data = try? CAPIJSON.encode(self) else { return "" }
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }
}
