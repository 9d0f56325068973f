/// Meta's answer to `GET /{version}/dataset_quality`: per event name, the metrics Meta computes
/// for the dataset (pixel).
///
/// Every metric is optional and stays `nil` when Meta leaves it out (an event without Event
/// Match Quality has no score, not a score of 0). Identifiers, dedup keys and upload
/// frequencies Meta adds later are kept as their raw strings. See
/// [Dataset Quality API](https://developers.facebook.com/docs/marketing-api/conversions-api/dataset-quality-api).
public struct DatasetQualityReport: Hashable, Sendable {
    /// Website events (`web`), one entry per event name.
    public var web: [EventQuality]
    /// Offline events (`offline`), one entry per event name.
    public var offline: [OfflineEventQuality]

    /// Creates a report.
    public init(web: [EventQuality] = [], offline: [OfflineEventQuality] = []) {
        self.web = web
        self.offline = offline
    }

    /// The website metrics of `eventName`, if Meta reported any.
    public func web(_ eventName: String) -> EventQuality? { web.first { $0.eventName == eventName } }
}

/// A percentage Meta reports (0–100), with its explanation when given.
public struct QualityPercentage: Hashable, Sendable, Codable {
    /// `percentage`.
    public var percentage: Double?
    /// `description`: Meta's explanation.
    public var description: String?

    /// Creates a value.
    public init(percentage: Double?, description: String? = nil) {
        self.percentage = percentage
        self.description = description
    }
}

/// The metrics of one website event name (`web[]`).
public struct EventQuality: Hashable, Sendable {
    /// `event_name`: a standard or custom event name, as Meta spells it.
    public var eventName: String
    /// `event_match_quality`: how well the server events' customer information matches.
    public var eventMatchQuality: EventMatchQuality?
    /// `event_coverage`: the share of pixel events also sent through the Conversions API
    /// with a shared dedup key (7-day average).
    public var eventCoverage: EventCoverage?
    /// `dedupe_key_feedback`: per dedup key, its coverage on each side.
    public var dedupeKeyFeedback: [DedupeKeyFeedback]?
    /// `data_freshness`: how quickly server events arrive.
    public var dataFreshness: DataFreshness?
    /// `acr`: additional conversions reported thanks to the Conversions API (last 7 days).
    public var additionalConversionsReported: QualityPercentage?
    /// `event_potential_aly_acr_increase`: the estimated gain if this event, not yet sent
    /// through the Conversions API, were.
    public var potentialAdditionalConversions: QualityPercentage?

    /// Creates the metrics of one event name.
    public init(
        eventName: String, eventMatchQuality: EventMatchQuality? = nil, eventCoverage: EventCoverage? = nil,
        dedupeKeyFeedback: [DedupeKeyFeedback]? = nil, dataFreshness: DataFreshness? = nil,
        additionalConversionsReported: QualityPercentage? = nil, potentialAdditionalConversions: QualityPercentage? = nil
    ) {
        self.eventName = eventName
        self.eventMatchQuality = eventMatchQuality
        self.eventCoverage = eventCoverage
        self.dedupeKeyFeedback = dedupeKeyFeedback
        self.dataFreshness = dataFreshness
        self.additionalConversionsReported = additionalConversionsReported
        self.potentialAdditionalConversions = potentialAdditionalConversions
    }
}

/// `event_match_quality`: the Event Match Quality of one event name.
public struct EventMatchQuality: Hashable, Sendable {
    /// `composite_score`: the EMQ score, 0–10; `nil` when Meta gave none.
    public var compositeScore: Double?
    /// `match_key_feedback`: per match key, the share of events carrying it.
    public var matchKeyFeedback: [MatchKeyFeedback]?
    /// `diagnostics`: problems Meta found, with its suggested fixes.
    public var diagnostics: [QualityDiagnostic]?

    /// Creates a value.
    public init(compositeScore: Double?, matchKeyFeedback: [MatchKeyFeedback]? = nil, diagnostics: [QualityDiagnostic]? = nil) {
        self.compositeScore = compositeScore
        self.matchKeyFeedback = matchKeyFeedback
        self.diagnostics = diagnostics
    }

    /// The feedback for `identifier`, if Meta reported it.
    public func feedback(for identifier: MatchKeyIdentifier) -> MatchKeyFeedback? {
        matchKeyFeedback?.first { $0.identifier == identifier }
    }
}

/// `match_key_feedback[]`: one match key of an event name.
public struct MatchKeyFeedback: Hashable, Sendable {
    /// `identifier`: Meta's name of the key (`email`, `ip_address`, …).
    public var identifier: MatchKeyIdentifier
    /// `coverage.percentage`: the share of the event's instances carrying the key (0–100).
    public var coverage: Double?
    /// `potential_aly_acr_increase`: the gain similar advertisers saw from sending the key.
    public var potentialIncrease: QualityPercentage?

    /// Creates a value.
    public init(identifier: MatchKeyIdentifier, coverage: Double?, potentialIncrease: QualityPercentage? = nil) {
        self.identifier = identifier
        self.coverage = coverage
        self.potentialIncrease = potentialIncrease
    }
}

/// `diagnostics[]`: a problem Meta found in the events, and its suggested fix.
public struct QualityDiagnostic: Hashable, Sendable {
    /// `name`: a short title.
    public var name: String?
    /// `description`: what is wrong.
    public var description: String?
    /// `solution`: Meta's suggested fix.
    public var solution: String?
    /// `percentage`: the share of events affected.
    public var percentage: Double?
    /// `affected_event_count`.
    public var affectedEventCount: Int?
    /// `total_event_count`.
    public var totalEventCount: Int?

    /// Creates a value.
    public init(
        name: String?, description: String? = nil, solution: String? = nil, percentage: Double? = nil,
        affectedEventCount: Int? = nil, totalEventCount: Int? = nil
    ) {
        self.name = name
        self.description = description
        self.solution = solution
        self.percentage = percentage
        self.affectedEventCount = affectedEventCount
        self.totalEventCount = totalEventCount
    }
}

/// `event_coverage`.
public struct EventCoverage: Hashable, Sendable {
    /// `percentage`: server events against unique pixel events.
    public var percentage: Double?
    /// `goal_percentage`: Meta's recommended minimum.
    public var goalPercentage: Double?
    /// `description`.
    public var description: String?
    /// `potential_aly_acr_increase`: the estimated gain at the recommended coverage.
    public var potentialIncrease: QualityPercentage?

    /// Creates a value.
    public init(
        percentage: Double?, goalPercentage: Double? = nil, description: String? = nil,
        potentialIncrease: QualityPercentage? = nil
    ) {
        self.percentage = percentage
        self.goalPercentage = goalPercentage
        self.description = description
        self.potentialIncrease = potentialIncrease
    }
}

/// `dedupe_key_feedback[]`: one dedup key (`event_id`, `external_id`, `fbp`, …).
public struct DedupeKeyFeedback: Hashable, Sendable {
    /// `dedupe_key`, as Meta spells it.
    public var dedupeKey: String
    /// `browser_events_with_dedupe_key`: the share of pixel events carrying it.
    public var browserEvents: QualityPercentage?
    /// `server_events_with_dedupe_key`: the share of server events carrying it.
    public var serverEvents: QualityPercentage?
    /// `overall_browser_coverage_from_dedupe_key`: the share of pixel events deduplicated
    /// against server events through it.
    public var overallBrowserCoverage: QualityPercentage?

    /// Creates a value.
    public init(
        dedupeKey: String, browserEvents: QualityPercentage? = nil, serverEvents: QualityPercentage? = nil,
        overallBrowserCoverage: QualityPercentage? = nil
    ) {
        self.dedupeKey = dedupeKey
        self.browserEvents = browserEvents
        self.serverEvents = serverEvents
        self.overallBrowserCoverage = overallBrowserCoverage
    }
}

/// `data_freshness`.
public struct DataFreshness: Hashable, Sendable {
    /// `upload_frequency`: `real_time`, `hourly`, `daily`, `weekly`, or a value Meta added later.
    public var uploadFrequency: String?
    /// `description`.
    public var description: String?

    /// Creates a value.
    public init(uploadFrequency: String?, description: String? = nil) {
        self.uploadFrequency = uploadFrequency
        self.description = description
    }
}

/// A score out of 10 with Meta's recommendation, as the offline metrics give them.
public struct OfflineScore: Hashable, Sendable {
    /// `score`, 0–10.
    public var score: Double?
    /// `recommendation`.
    public var recommendation: String?

    /// Creates a value.
    public init(score: Double?, recommendation: String? = nil) {
        self.score = score
        self.recommendation = recommendation
    }
}

/// The metrics of one offline event name (`offline[]`).
public struct OfflineEventQuality: Hashable, Sendable {
    /// `event_name`.
    public var eventName: String
    /// `composite`: the offline data quality score (last 28 days).
    public var composite: OfflineScore?
    /// `match_key`: the match-key score.
    public var matchKey: OfflineScore?
    /// `match_key.coverage` (Meta's examples also put it beside `match_key`): per key, 0–100.
    public var matchKeyCoverage: [String: Double]?
    /// `frequency`: how often data is sent.
    public var frequency: OfflineScore?
    /// `freshness`: how close to real time.
    public var freshness: OfflineScore?

    /// Creates a value.
    public init(
        eventName: String, composite: OfflineScore? = nil, matchKey: OfflineScore? = nil,
        matchKeyCoverage: [String: Double]? = nil, frequency: OfflineScore? = nil, freshness: OfflineScore? = nil
    ) {
        self.eventName = eventName
        self.composite = composite
        self.matchKey = matchKey
        self.matchKeyCoverage = matchKeyCoverage
        self.frequency = frequency
        self.freshness = freshness
    }
}
