/// Dataset Quality answers for the fake Graph API (``FakeGraphAPI/setDatasetQuality(_:for:)``)
/// that exercise what a monitor must handle: a dip, an identifier this version does not know,
/// missing metrics, and each error Meta documents for the endpoint.
///
/// ```swift
/// graph.setDatasetQuality(DatasetQualityScenario.dip, for: pixel)   // 1st request: steady, then dipped
/// graph.inject(DatasetQualityScenario.errors[0].fault)              // the next request fails with code 190
/// ```
public enum DatasetQualityScenario {
    /// A healthy dataset: Purchase scores 7.4 with phone numbers on 64% of events; Lead has an
    /// `event_match_quality` without a score and no other metrics; AddToCart reports an
    /// identifier (`ctwa_clid`) that has no `user_data` key here.
    public static let steady = body(purchaseScore: 7.4, phone: 64.2, email: 97.5, diagnostic: nil)

    /// The same dataset after phone numbers stopped arriving: Purchase falls to 5.1, phone to
    /// 29.3%, with Meta's diagnostic and suggested fix.
    public static let dipped = body(
        purchaseScore: 5.1, phone: 29.3, email: 97.1,
        diagnostic:
            #"{"name":"Phone numbers missing country code","description":"Many phone numbers can't be matched because they lack a country code.","solution":"Send phone numbers in E.164 form, with the country calling code.","percentage":41.7,"affected_event_count":1251,"total_event_count":3000}"#
    )

    /// ``steady`` then ``dipped``: served in turn, the second snapshot shows a dip.
    public static let dip: [String] = [steady, dipped]

    /// Each error Meta documents for `dataset_quality`, as the fault that makes the next request
    /// fail with it: an invalid token (190), a missing permission (10 and 200), an unknown
    /// dataset (2044055), throttling (4, 17, 341) and a transient server error (2).
    public static let errors: [(code: Int, fault: Fault)] = [
        (190, .invalidAccessToken()),
        (10, graphError(code: 10, type: "OAuthException", message: "(#10) Application does not have permission for this action")),
        (200, graphError(code: 200, type: "OAuthException", message: "(#200) Requires ads_read permission")),
        (
            2_044_055,
            graphError(
                code: 2_044_055, type: "OAuthException",
                message: "Dataset does not exist or you do not have permission to access it.")
        ),
        (4, .throttle(code: 4)),
        (17, .throttle(code: 17)),
        (341, .throttle(code: 341)),
        (2, .serverError(status: 500, code: 2)),
    ]

    static func graphError(code: Int, type: String, message: String) -> Fault {
        .response(
            status: 400,
            body: GraphBodies.error(message: message, type: type, code: code, subcode: nil, isTransient: false, userMessage: nil))
    }

    static func body(purchaseScore: Double, phone: Double, email: Double, diagnostic: String?) -> String {
        """
        {"web":[\
        {"event_name":"Purchase","event_match_quality":{"composite_score":\(purchaseScore),"match_key_feedback":[\
        {"identifier":"email","coverage":{"percentage":\(email)}},\
        {"identifier":"phone","coverage":{"percentage":\(phone)}},\
        {"identifier":"ip_address","coverage":{"percentage":99.8}},\
        {"identifier":"user_agent","coverage":{"percentage":99.8}},\
        {"identifier":"external_id","coverage":{"percentage":88.1}},\
        {"identifier":"fbc","coverage":{"percentage":31.4}},\
        {"identifier":"fbp","coverage":{"percentage":76.0}}],\
        "diagnostics":[\(diagnostic ?? "")]},\
        "event_coverage":{"percentage":71.3,"goal_percentage":75,"description":"Share of Purchase pixel events also sent by the Conversions API with a shared dedup key."},\
        "dedupe_key_feedback":[{"dedupe_key":"event_id","browser_events_with_dedupe_key":{"percentage":99.2},"server_events_with_dedupe_key":{"percentage":100},"overall_browser_coverage_from_dedupe_key":{"percentage":70.8}}],\
        "data_freshness":{"upload_frequency":"real_time","description":"Events arrive within minutes."},\
        "acr":{"percentage":18.4,"description":"In the last 7 days, about 18.4% more conversions were reported thanks to the Conversions API."}},\
        {"event_name":"Lead","event_match_quality":{}},\
        {"event_name":"AddToCart","event_match_quality":{"composite_score":6.2,"match_key_feedback":[\
        {"identifier":"email","coverage":{"percentage":54.0}},\
        {"identifier":"ctwa_clid","coverage":{"percentage":3.5}}]}}]}
        """
    }
}
