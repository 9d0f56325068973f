public import CAPIModel

/// Decides, from a visitor's ``ConsentSignal``, whether an event may be sent and which
/// `user_data` keys it may carry.
///
/// The default policy is opt-in: no event without consent (denied or unknown), every key
/// with consent, and Limited Data Use whenever the signal asks for it. An opt-out regime
/// sends on `unknown` instead:
///
/// ```swift
/// var policy = ConsentPolicy()
/// policy.unknown = .send()                                  // opt-out jurisdictions
/// policy.granted = .send(withholding: [.clientIPAddress])   // never send the IP
/// ```
public struct ConsentPolicy: Hashable, Sendable {
    /// What to do for one consent status.
    public struct Rule: Hashable, Sendable {
        /// False to drop the event entirely.
        public var sendsEvent: Bool
        /// Keys left out of `user_data` even though the data has them.
        public var withheldKeys: Set<UserDataKey>

        /// Drop the event.
        public static let dropEvent = Rule(sendsEvent: false, withheldKeys: [])

        /// Send the event without `withheldKeys`.
        public static func send(withholding withheldKeys: Set<UserDataKey> = []) -> Rule {
            Rule(sendsEvent: true, withheldKeys: withheldKeys)
        }
    }

    /// The rule when consent was granted. Default: send every key.
    public var granted: Rule = .send()
    /// The rule when consent was refused. Default: drop the event.
    public var denied: Rule = .dropEvent
    /// The rule when no answer is recorded. Default: drop the event (opt-in).
    public var unknown: Rule = .dropEvent
    /// When the signal carries no LDU restriction, send `data_processing_options: []` to say
    /// explicitly that LDU is off (Meta's documented form), rather than leaving the key out.
    public var declaresLimitedDataUseOff: Bool = true

    /// The opt-in policy described above.
    public init() {}

    /// Applies the policy to one signal.
    public func decide(_ signal: ConsentSignal) -> ConsentDecision {
        let rule: Rule
        switch signal.status {
        case .granted: rule = granted
        case .denied: rule = denied
        case .unknown: rule = unknown
        }
        var decision = ConsentDecision(signal: signal, sendsEvent: rule.sendsEvent, withheldKeys: rule.withheldKeys)
        if let ldu = signal.limitedDataUse {
            decision.dataProcessingOptions = ["LDU"]
            decision.dataProcessingOptionsCountry = ldu.country
            decision.dataProcessingOptionsState = ldu.state
        } else if declaresLimitedDataUseOff {
            decision.dataProcessingOptions = []
        }
        return decision
    }
}

/// The outcome of a ``ConsentPolicy`` for one event: whether it is sent, which keys are
/// withheld, and the Limited Data Use fields it carries.
public struct ConsentDecision: Hashable, Sendable {
    /// The signal the decision was made from.
    public var signal: ConsentSignal
    /// False when the event must not be sent at all.
    public var sendsEvent: Bool
    /// `user_data` keys that must be left out.
    public var withheldKeys: Set<UserDataKey>
    /// `data_processing_options` for the event (`["LDU"]`, `[]`, or `nil` to leave it out).
    public var dataProcessingOptions: [String]?
    /// `data_processing_options_country`, set with LDU.
    public var dataProcessingOptionsCountry: Int?
    /// `data_processing_options_state`, set with LDU.
    public var dataProcessingOptionsState: Int?

    /// Creates a decision.
    public init(signal: ConsentSignal, sendsEvent: Bool, withheldKeys: Set<UserDataKey>) {
        self.signal = signal
        self.sendsEvent = sendsEvent
        self.withheldKeys = withheldKeys
    }

    /// True when `key` may be sent.
    public func allows(_ key: UserDataKey) -> Bool { sendsEvent && !withheldKeys.contains(key) }

    /// Writes the Limited Data Use fields into `event`.
    public func apply(to event: inout ServerEvent) {
        event.dataProcessingOptions = dataProcessingOptions
        event.dataProcessingOptionsCountry = dataProcessingOptionsCountry
        event.dataProcessingOptionsState = dataProcessingOptionsState
    }
}
