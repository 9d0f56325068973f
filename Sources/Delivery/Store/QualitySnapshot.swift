public import CAPIModel
import FoundationEssentials

/// One dated reading of a pixel's match quality: per event name, what Meta reported
/// (its Dataset Quality answer for the event, kept as Meta sent it) and the store's own
/// coverage counters at that moment.
///
/// The local counters are cumulative (every event the store ever counted), so the coverage of
/// the events stored *between* two snapshots is the difference of their counters: that is how
/// a comparison puts Meta's figures beside ours for the same interval.
///
/// The store does not interpret Meta's part: `DatasetQuality` writes and reads it, so metrics
/// Meta adds later are kept in old snapshots too.
public struct QualitySnapshot: Hashable, Sendable {
    /// One event name of a snapshot.
    public struct Entry: Hashable, Sendable {
        /// The event name, as Meta or our events spell it.
        public var eventName: EventName
        /// Meta's Event Match Quality score (0–10) at the time, kept apart from ``metaJSON`` so
        /// that trends are read without decoding; `nil` when Meta gave none.
        public var eventMatchQuality: Double?
        /// Meta's `web[]` entry for the event name as compact JSON; `nil` when Meta reported
        /// nothing for it (the name is only in our events).
        public var metaJSON: String?
        /// The store's coverage counters of the event name at the time (cumulative).
        public var localCounters: MatchKeyCoverage.Counters

        /// Creates an entry.
        public init(
            eventName: EventName, eventMatchQuality: Double?, metaJSON: String?, localCounters: MatchKeyCoverage.Counters
        ) {
            self.eventName = eventName
            self.eventMatchQuality = eventMatchQuality
            self.metaJSON = metaJSON
            self.localCounters = localCounters
        }
    }

    /// The pixel (dataset).
    public var pixelID: PixelID
    /// When Meta's answer arrived.
    public var takenAt: Timestamp
    /// One entry per event name, sorted by name.
    public var entries: [Entry]

    /// Creates a snapshot; entries are sorted by event name, and an event name listed twice
    /// keeps its first entry.
    public init(pixelID: PixelID, takenAt: Timestamp, entries: [Entry]) {
        self.pixelID = pixelID
        self.takenAt = takenAt
        var seen: Set<EventName> = []
        self.entries = entries.filter { seen.insert($0.eventName).inserted }.sorted {
            $0.eventName.rawValue < $1.eventName.rawValue
        }
    }

    /// The entry of `eventName`, if the snapshot has one.
    public subscript(eventName: EventName) -> Entry? { entries.first { $0.eventName == eventName } }
}

/// A store that keeps dated ``QualitySnapshot``s per pixel.
///
/// The SQLite and PostgreSQL stores and `DeliveryTesting`'s in-memory store conform; the
/// conformance suite checks them alike.
public protocol QualitySnapshotStore: Sendable {
    /// Stores `snapshot`. A snapshot without entries is not stored. Recording a second
    /// snapshot of the same pixel at the same millisecond replaces the first.
    func recordQualitySnapshot(_ snapshot: QualitySnapshot) async throws

    /// The latest `limit` snapshots of `pixel` taken at or after `since` (all when `nil`),
    /// oldest first.
    func qualitySnapshots(pixel: PixelID, since: Timestamp?, limit: Int) async throws -> [QualitySnapshot]
}

extension StoredCoverage {
    /// `counters` as a JSON object of named counters (``eventsCounter``, ``keyCounter(_:)``,
    /// ``rejectionCounter(_:reason:)``), leaving out zeros: the form in which stores keep a
    /// snapshot's local coverage, readable across versions that add keys.
    public static func json(of counters: MatchKeyCoverage.Counters) -> String {
        var coverage = MatchKeyCoverage()
        let name = EventName("_")
        coverage.add(counters, for: name)
        var object: [String: Int64] = [:]
        for row in rows(of: coverage) { object[row.counter] = row.value }
        guard let data = try? CAPIJSON.encode(object) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads what ``json(of:)`` wrote; unknown counter names are skipped, and text that is not
    /// such an object reads as no counters.
    public static func counters(json: String) -> MatchKeyCoverage.Counters {
        guard let object = try? CAPIJSON.decode([String: Int64].self, from: Data(json.utf8)) else {
            return MatchKeyCoverage.Counters()
        }
        var reader = Reader()
        for (counter, value) in object { reader.add(eventName: "_", counter: counter, value: value) }
        return reader.coverage[EventName("_")]
    }
}

extension QualitySnapshot {
    /// Rebuilds snapshots from rows ordered by time, one row per event name: what every store
    /// reads back.
    public struct Reader: Sendable {
        private let pixelID: PixelID
        private var read: [QualitySnapshot] = []

        /// The snapshots read so far, oldest first, each with its entries in
        /// ``QualitySnapshot``'s order (whatever order the database returned them in).
        public var snapshots: [QualitySnapshot] {
            read.map { QualitySnapshot(pixelID: $0.pixelID, takenAt: $0.takenAt, entries: $0.entries) }
        }

        /// Starts reading snapshots of `pixelID`.
        public init(pixelID: PixelID) { self.pixelID = pixelID }

        /// Adds one stored row; rows of one snapshot must come together.
        public mutating func add(
            takenAt: Timestamp, eventName: String, eventMatchQuality: Double?, metaJSON: String?, localCoverage: String
        ) {
            let entry = Entry(
                eventName: EventName(eventName), eventMatchQuality: eventMatchQuality, metaJSON: metaJSON,
                localCounters: StoredCoverage.counters(json: localCoverage))
            if let last = read.indices.last, read[last].takenAt == takenAt {
                read[last].entries.append(entry)
            } else {
                read.append(QualitySnapshot(pixelID: pixelID, takenAt: takenAt, entries: [entry]))
            }
        }
    }
}
