import CAPIModel
import FoundationEssentials

extension DatasetQualityReport {
    /// Reads Meta's JSON tolerantly: a metric of an unexpected shape is left out rather than
    /// failing the whole report; numbers are read whether Meta sends `100`, `99.9` or `"99.9"`;
    /// the documented `{"web": […]}` is read, and so are the `{"data": [{"web": […]}]}` and
    /// `{"data": […]}` shapes some clients have reported.
    ///
    /// - Throws: ``DatasetQualityError`` with ``DatasetQualityError/Code/malformedResponse``
    ///   when the body is not a JSON object at all.
    public init(json: [UInt8]) throws(DatasetQualityError) {
        self = try Self.read(json: json).report
    }

    /// Reads Meta's JSON like ``init(json:)`` and also returns each website entry as Meta sent
    /// it, by event name, for snapshots that keep Meta's answer whole.
    static func read(json: [UInt8]) throws(DatasetQualityError) -> (report: DatasetQualityReport, webSources: [String: JSONValue])
    {
        guard case .object(var root)? = try? JSONDecoder().decode(JSONValue.self, from: Data(json)) else {
            throw DatasetQualityError(
                code: .malformedResponse,
                message: "the dataset_quality answer is not a JSON object (\(json.count) bytes); check the Graph URL and version")
        }
        if case .array(let data)? = root["data"] {
            if data.count == 1, case .object(let first) = data[0], first["web"] != nil || first["offline"] != nil {
                root = first
            } else if root["web"] == nil {
                root["web"] = .array(data)
            }
        }
        var sources: [String: JSONValue] = [:]
        var web: [EventQuality] = []
        for entry in root["web"]?.array ?? [] {
            guard let quality = EventQuality(json: entry) else { continue }
            web.append(quality)
            if sources[quality.eventName] == nil { sources[quality.eventName] = entry }
        }
        let report = DatasetQualityReport(
            web: web, offline: (root["offline"]?.array ?? []).compactMap(OfflineEventQuality.init(json:)))
        return (report, sources)
    }
}

extension EventQuality {
    init?(json: JSONValue) {
        guard let name = json["event_name"]?.string else { return nil }
        self.init(
            eventName: name,
            eventMatchQuality: json["event_match_quality"].flatMap(EventMatchQuality.init(json:)),
            eventCoverage: json["event_coverage"].flatMap(EventCoverage.init(json:)),
            dedupeKeyFeedback: json["dedupe_key_feedback"]?.array?.compactMap(DedupeKeyFeedback.init(json:)),
            dataFreshness: json["data_freshness"].flatMap(DataFreshness.init(json:)),
            additionalConversionsReported: json["acr"].flatMap(QualityPercentage.init(json:)),
            potentialAdditionalConversions: json["event_potential_aly_acr_increase"].flatMap(QualityPercentage.init(json:)))
    }
}

extension EventMatchQuality {
    init?(json: JSONValue) {
        guard case .object = json else { return nil }
        self.init(
            compositeScore: json["composite_score"]?.double,
            matchKeyFeedback: json["match_key_feedback"]?.array?.compactMap(MatchKeyFeedback.init(json:)),
            diagnostics: json["diagnostics"]?.array?.compactMap(QualityDiagnostic.init(json:)))
    }
}

extension MatchKeyFeedback {
    init?(json: JSONValue) {
        guard let identifier = json["identifier"]?.string else { return nil }
        self.init(
            identifier: MatchKeyIdentifier(rawValue: identifier),
            coverage: json["coverage"]?["percentage"]?.double ?? json["coverage"]?.double,
            potentialIncrease: json["potential_aly_acr_increase"].flatMap(QualityPercentage.init(json:)))
    }
}

extension QualityPercentage {
    init?(json: JSONValue) {
        guard case .object = json else { return nil }
        self.init(percentage: json["percentage"]?.double, description: json["description"]?.string)
    }
}

extension QualityDiagnostic {
    init?(json: JSONValue) {
        guard case .object = json else { return nil }
        self.init(
            name: json["name"]?.string, description: json["description"]?.string, solution: json["solution"]?.string,
            percentage: json["percentage"]?.double, affectedEventCount: json["affected_event_count"]?.int,
            totalEventCount: json["total_event_count"]?.int)
    }
}

extension EventCoverage {
    init?(json: JSONValue) {
        guard case .object = json else { return nil }
        self.init(
            percentage: json["percentage"]?.double, goalPercentage: json["goal_percentage"]?.double,
            description: json["description"]?.string,
            potentialIncrease: json["potential_aly_acr_increase"].flatMap(QualityPercentage.init(json:)))
    }
}

extension DedupeKeyFeedback {
    init?(json: JSONValue) {
        guard let key = json["dedupe_key"]?.string else { return nil }
        self.init(
            dedupeKey: key,
            browserEvents: json["browser_events_with_dedupe_key"].flatMap(QualityPercentage.init(json:)),
            serverEvents: json["server_events_with_dedupe_key"].flatMap(QualityPercentage.init(json:)),
            overallBrowserCoverage: json["overall_browser_coverage_from_dedupe_key"].flatMap(QualityPercentage.init(json:)))
    }
}

extension DataFreshness {
    init?(json: JSONValue) {
        guard case .object = json else { return nil }
        self.init(uploadFrequency: json["upload_frequency"]?.string, description: json["description"]?.string)
    }
}

extension OfflineEventQuality {
    init?(json: JSONValue) {
        guard let name = json["event_name"]?.string else { return nil }
        // Meta's example puts `coverage` beside `match_key`, its prose inside: read both.
        let coverage = json["match_key"]?["coverage"]?.object ?? json["coverage"]?.object
        self.init(
            eventName: name, composite: OfflineScore(json: json["composite"]), matchKey: OfflineScore(json: json["match_key"]),
            matchKeyCoverage: coverage?.compactMapValues(\.double), frequency: OfflineScore(json: json["frequency"]),
            freshness: OfflineScore(json: json["freshness"]))
    }
}

extension OfflineScore {
    init?(json: JSONValue?) {
        switch json {
        case .object?: self.init(score: json?["score"]?.double, recommendation: json?["recommendation"]?.string)
        // The offline table types some scores as plain numbers.
        case .number?, .string?: self.init(score: json?.double)
        default: return nil
        }
    }
}

extension JSONValue {
    subscript(key: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        return object[key]
    }

    var object: [String: JSONValue]? {
        guard case .object(let object) = self else { return nil }
        return object
    }

    var array: [JSONValue]? {
        guard case .array(let array) = self else { return nil }
        return array
    }

    var string: String? {
        guard case .string(let string) = self else { return nil }
        return string
    }

    /// A number, or a string holding one (never a made-up 0).
    var double: Double? {
        switch self {
        case .number(let number): Double("\(number)")
        case .string(let text): Double(text.filter { $0 != " " }).flatMap { $0.isFinite ? $0 : nil }
        default: nil
        }
    }

    var int: Int? {
        guard let double, double.rounded() == double, abs(double) < 9e15 else { return nil }
        return Int(double)
    }
}
