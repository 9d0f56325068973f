public import CAPIModel

extension ServerEvent {
    /// Creates an event whose `event_id` is `eventID`, the id the browser pixel's copy carries.
    ///
    /// ```swift
    /// let event = ServerEvent(eventName: .purchase, eventTime: .now, actionSource: .website,
    ///                         customData: CustomData(value: 184.5, currency: "EUR"),
    ///                         eventID: try EventID.forOrder("84213"), eventSourceURL: pageURL)
    /// ```
    ///
    /// Leave `userData` out when `UserDataAssembler.makeEvent` (in Matching) fills it in.
    public init(
        eventName: EventName,
        eventTime: Timestamp,
        actionSource: ActionSource,
        userData: UserData = UserData(),
        customData: CustomData? = nil,
        eventID: EventID,
        eventSourceURL: String? = nil
    ) {
        self.init(
            eventName: eventName, eventTime: eventTime, actionSource: actionSource, userData: userData,
            customData: customData, eventID: eventID.rawValue, eventSourceURL: eventSourceURL)
    }
}
