/// The former type of `event_time`: whole Unix seconds.
///
/// ``Timestamp`` replaced it so that the public API has one time type. `UnixTime(seconds:)`,
/// `.seconds`, `.date` and `UnixTime.now` keep working on `Timestamp`, and the Graph API fields
/// that were `UnixTime` still go on the wire as integer seconds.
@available(*, deprecated, renamed: "Timestamp")
public typealias UnixTime = Timestamp
