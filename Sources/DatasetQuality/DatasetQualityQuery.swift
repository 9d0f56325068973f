public import Delivery
import DeliveryHTTP

/// One `GET /{version}/dataset_quality` request: which dataset, which metrics, with which
/// credentials. Its description names the dataset and fields, never the token.
public struct DatasetQualityQuery: Sendable, Hashable, CustomStringConvertible {
    /// The dataset (pixel), its token and app secret, the Graph version and base URL.
    public var destination: PixelDestination
    /// The Graph field expression (`web{event_name,event_match_quality{…}}`).
    public var fields: String
    /// Limits the metrics to events sent with this partner agent: the lowercase partner name
    /// only (`partner_agent` `acme_2_1` is `acme`). `nil` counts every event.
    public var agentName: String?

    /// Every website metric this library reads, each sub-field named (Meta leaves some out
    /// unless they are asked for).
    public static let allWebMetrics =
        "web{event_name,"
        + "event_match_quality{composite_score,match_key_feedback{identifier,coverage{percentage},potential_aly_acr_increase{percentage,description}},"
        + "diagnostics{name,description,solution,percentage,affected_event_count,total_event_count}},"
        + "event_coverage{percentage,goal_percentage,description,potential_aly_acr_increase{percentage,description}},"
        + "dedupe_key_feedback{dedupe_key,browser_events_with_dedupe_key{percentage,description},"
        + "server_events_with_dedupe_key{percentage,description},overall_browser_coverage_from_dedupe_key{percentage,description}},"
        + "data_freshness{upload_frequency,description},acr{percentage,description},"
        + "event_potential_aly_acr_increase{percentage,description}}"

    /// Creates a query for `destination`'s pixel; the agent name defaults to the partner name
    /// of its `partnerAgent`.
    public init(destination: PixelDestination, fields: String = DatasetQualityQuery.allWebMetrics, agentName: String? = nil) {
        self.destination = destination
        self.fields = fields
        self.agentName = agentName ?? destination.partnerAgent.flatMap(Self.agentName(fromPartnerAgent:))
    }

    /// The partner name of a `partner_agent` value, lowercased: `Acme_2_1` → `acme`.
    public static func agentName(fromPartnerAgent partnerAgent: String) -> String? {
        let name = partnerAgent.prefix { $0 != "_" }.lowercased()
        return name.isEmpty ? nil : name
    }

    /// The URL path: `/{version}/dataset_quality`.
    public var path: String { "/\(destination.graphVersion)/dataset_quality" }

    /// The query items in order, the token and `appsecret_proof` included.
    package var queryItems: [(name: String, value: String)] {
        var items = [("dataset_id", destination.pixelID.rawValue), ("fields", fields)]
        if let agentName { items.append(("agent_name", agentName)) }
        items.append(("access_token", destination.accessToken.unredactedValue))
        if let proof = destination.appSecretProof { items.append(("appsecret_proof", proof)) }
        return items
    }

    /// The whole URL, credentials included: for the transport only, never for logs.
    package var url: String {
        let query = queryItems.map { "\($0.name)=\(AsyncHTTPClientTransport.percentEncode($0.value))" }.joined(separator: "&")
        return "\(destination.baseURL)\(path)?\(query)"
    }

    /// `GET` with the dataset, fields and agent, the token redacted.
    public var description: String {
        "GET \(destination.baseURL)\(path) (dataset \(destination.pixelID), fields \(fields.utf8.count) bytes"
            + "\(agentName.map { ", agent \($0)" } ?? ""), access_token redacted)"
    }
}
