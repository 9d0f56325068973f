public import CAPIModel
public import Identity

/// Builds `user_data` from a customer record and the session context, with every key the
/// data allows, and records where each value came from.
///
/// - Contact keys (`em`, `ph`, `fn`, `ln`, `ge`, `db`, `ct`, `st`, `zp`, `country`) are
///   normalized and hashed with ``normalizer``; values that are already SHA-256 hashes pass
///   through; invalid values are dropped with the normalizer's reason.
/// - The keys Meta's SDKs derive from the name and date of birth (`f5first`, `fi`, `f5last`,
///   `dobd`, `dobm`, `doby`) are hashed from the normalized `fn`, `ln` and `db`.
/// - `external_id` is the customer's ``CustomerRecord/userID`` if set, else the
///   ``SessionContext/visitorID``, hashed.
/// - `fbc` follows ``FBCSelection``; `fbp` is the cookie when valid. Malformed cookies are dropped.
/// - `client_ip_address` is the first public IPv6 address of the session, else the first
///   public IPv4 one; `client_user_agent` is the session's user agent.
/// - The ``consentPolicy`` decides first: a dropped event hashes nothing, and withheld keys
///   are never processed.
///
/// ```swift
/// let assembler = UserDataAssembler()
/// let built = assembler.makeEvent(
///     ServerEvent(eventName: .purchase, eventTime: .now, actionSource: .website, userData: UserData()),
///     customer: CustomerRecord(emails: ["jane@example.com"], country: "GB"),
///     session: SessionContext(consent: .granted, fbpCookie: cookies["_fbp"], userAgent: userAgent))
/// ```
public struct UserDataAssembler: Sendable {
    /// Normalizes and hashes the contact keys.
    public var normalizer: IdentityNormalizer
    /// Decides what consent allows.
    public var consentPolicy: ConsentPolicy
    /// Send the visitor id as a second `external_id` next to the customer's user id.
    /// Off by default: one stable id per person, matching what the pixel sends.
    public var sendsVisitorIDWithUserID: Bool = false
    /// The longest user agent accepted, in bytes.
    public var maximumUserAgentLength: Int = 2_048
    /// Emails and phone numbers hashed per customer; those beyond are left out, each recorded
    /// as rejected (`too_many_values`). Meta has no use for more than a few, and the cap keeps a
    /// record with thousands of values from costing time (values are deduplicated pairwise).
    public var maximumValuesPerKey: Int = 20

    /// Creates an assembler.
    public init(normalizer: IdentityNormalizer = IdentityNormalizer(), consentPolicy: ConsentPolicy = ConsentPolicy()) {
        self.normalizer = normalizer
        self.consentPolicy = consentPolicy
    }

    /// Assembles `user_data` for one event.
    public func assemble(_ customer: CustomerRecord, session: SessionContext) -> AssembledUserData {
        // Built in place and returned as is: the user data, provenance and consent decision
        // are written where the result lives instead of being assembled in locals and
        // copied at the end (wide copies of fields written moments before stall on store
        // forwarding).
        var result = AssembledUserData(
            userData: UserData(), records: ProvenanceRecords(), consent: consentPolicy.decide(session.consent))
        let builder = Builder(withheld: result.consent.withheldKeys)
        guard result.consent.sendsEvent else {
            builder.withholdEverything(customer: customer, session: session, into: &result)
            return result
        }
        result.userData.reserveHashedCapacity(customer.emails.count + customer.phones.count + 16)
        result.region = customer.resolvedRegion(default: normalizer.configuration.defaultPhoneRegion)
        let region = result.region?.region
        // Index loops, not `prefix(_:)`: a slice per key cost a retain and release per event.
        let emails = customer.emails
        let phones = customer.phones
        for index in 0..<min(emails.count, maximumValuesPerKey) {
            builder.hash(emails[index], .email, region: nil, normalizer, into: &result)
        }
        for index in 0..<min(phones.count, maximumValuesPerKey) {
            builder.hash(phones[index], .phone, region: region, normalizer, into: &result)
        }
        if emails.count > maximumValuesPerKey { builder.tooMany(emails.count - maximumValuesPerKey, .email, into: &result) }
        if phones.count > maximumValuesPerKey { builder.tooMany(phones.count - maximumValuesPerKey, .phone, into: &result) }
        builder.hashDeriving(customer.firstName, .firstName, normalizer, into: &result)
        builder.hashDeriving(customer.lastName, .lastName, normalizer, into: &result)
        builder.hash(customer.gender, .gender, region: nil, normalizer, into: &result)
        builder.hashDeriving(customer.dateOfBirth, .dateOfBirth, normalizer, into: &result)
        builder.hash(customer.city, .city, region: nil, normalizer, into: &result)
        builder.hash(customer.state, .state, region: region, normalizer, into: &result)
        builder.hash(customer.zipCode, .zipCode, region: region, normalizer, into: &result)
        builder.hash(customer.country, .country, region: nil, normalizer, into: &result)
        if let userID = customer.userID {
            builder.hash(userID, .externalID, region: nil, normalizer, into: &result)
            if sendsVisitorIDWithUserID {
                builder.hash(session.visitorID?.rawValue, .externalID, region: nil, normalizer, into: &result)
            }
        } else {
            builder.hash(session.visitorID?.rawValue, .externalID, region: nil, normalizer, into: &result)
        }
        builder.clientIP(session.clientIPAddresses, into: &result)
        builder.userAgent(session.userAgent, limit: maximumUserAgentLength, into: &result)
        builder.fbc(session, into: &result)
        builder.fbp(session.fbpCookie, into: &result)
        return result
    }

    /// Assembles `user_data` into `event` and applies the consent decision to it.
    ///
    /// - Parameters:
    ///   - event: the event with everything but `user_data` filled in; its `user_data` is replaced.
    ///   - customer: the customer's raw data.
    ///   - session: the converting session.
    /// - Returns: the event (with `data_processing_options` from the consent decision), or no
    ///   event when the policy drops it; with the provenance either way.
    public func makeEvent(_ event: ServerEvent, customer: CustomerRecord, session: SessionContext) -> BuiltEvent {
        let assembled = assemble(customer, session: session)
        guard assembled.consent.sendsEvent else { return BuiltEvent(event: nil, assembled: assembled) }
        var event = event
        event.userData = assembled.userData
        assembled.consent.apply(to: &event)
        return BuiltEvent(event: event, assembled: assembled)
    }
}

/// Adds the user data and provenance of one assembly to its result.
struct Builder {
    let withheld: Set<UserDataKey>

    @inline(__always)
    func isWithheld(_ key: UserDataKey) -> Bool { !withheld.isEmpty && withheld.contains(key) }

    func hash(
        _ value: String?, _ key: HashedUserDataKey, region: RegionCode?, _ normalizer: IdentityNormalizer,
        into result: inout AssembledUserData
    ) {
        guard let value else { return }
        let userDataKey = key.userDataKey
        if isWithheld(userDataKey) {
            result.records.append(KeyProvenance(key: userDataKey, origin: .withheldByConsent))
            return
        }
        do throws(NormalizationError) {
            // Hashed (or passed through) and added to the user data; nil for the same value twice.
            guard let outcome = try normalizer.process(value, as: key, region: region, into: &result.userData) else { return }
            switch outcome {
            case .hashed: result.records.append(KeyProvenance(key: userDataKey, origin: .hashed))
            case .passedThrough: result.records.append(KeyProvenance(key: userDataKey, origin: .passedThrough))
            case .hashedAsInternational: result.records.append(KeyProvenance.readAsInternational)
            }
        } catch {
            result.records.append(
                KeyProvenance(key: userDataKey, origin: .rejected, reason: error.code.rawValue, message: error.message))
        }
    }

    /// Records `extra` values of `key` left out by ``UserDataAssembler/maximumValuesPerKey``.
    func tooMany(_ extra: Int, _ key: UserDataKey, into result: inout AssembledUserData) {
        guard extra > 0 else { return }
        for _ in 0..<extra {
            result.records.append(
                KeyProvenance(
                    key: key, origin: .rejected, reason: "too_many_values",
                    message: "more values than UserDataAssembler.maximumValuesPerKey; only the first ones are sent"))
        }
    }

    func clientIP(_ addresses: [IPAddress], into result: inout AssembledUserData) {
        guard !addresses.isEmpty else { return }
        if isWithheld(.clientIPAddress) {
            result.records.append(KeyProvenance(key: .clientIPAddress, origin: .withheldByConsent))
            return
        }
        var chosen: IPAddress? = nil
        for address in addresses {
            guard address.isPublic else {
                result.records.append(
                    KeyProvenance(
                        key: .clientIPAddress, origin: .rejected, reason: "non_public_address",
                        message:
                            "a private, loopback or link-local address is a proxy's, not the buyer's; configure the proxy as trusted in ClientIPResolver"
                    ))
                continue
            }
            if chosen == nil || (address.isIPv6 && chosen!.isIPv4) { chosen = address }
        }
        if let chosen {
            result.userData.clientIPAddress = chosen.description
            result.records.append(KeyProvenance(key: .clientIPAddress, origin: .passedThrough))
        }
    }

    func userAgent(_ value: String?, limit: Int, into result: inout AssembledUserData) {
        guard let value else { return }
        if isWithheld(.clientUserAgent) {
            result.records.append(KeyProvenance(key: .clientUserAgent, origin: .withheldByConsent))
            return
        }
        let (length, blank, control) = Self.scanUserAgent(value)
        if blank {
            result.records.append(
                KeyProvenance(
                    key: .clientUserAgent, origin: .rejected, reason: "empty",
                    message: "the user agent is empty; pass the browser's User-Agent header or leave it out"))
        } else if length > limit {
            result.records.append(
                KeyProvenance(
                    key: .clientUserAgent, origin: .rejected, reason: "too_long",
                    message: "the user agent is longer than \(limit) bytes; pass the User-Agent header only"))
        } else if control {
            result.records.append(
                KeyProvenance(
                    key: .clientUserAgent, origin: .rejected, reason: "invalid_characters",
                    message: "the user agent has control characters; pass the User-Agent header exactly as received"))
        } else {
            result.userData.clientUserAgent = value
            result.records.append(KeyProvenance(key: .clientUserAgent, origin: .passedThrough))
        }
    }

    func fbc(_ session: SessionContext, into result: inout AssembledUserData) {
        guard session.fbcCookie != nil || session.click != nil else { return }
        if isWithheld(.fbc) {
            result.records.append(KeyProvenance(key: .fbc, origin: .withheldByConsent))
            return
        }
        guard let click = session.click else {
            // No stored click (the usual case), so there is a cookie: FBCSelection's first
            // rule, a valid cookie as is, without building a selection.
            if let cookie = session.fbcCookie { fbcCookieOnly(cookie, into: &result) }
            return
        }
        let selection = FBCSelection(
            cookie: session.fbcCookie, click: click,
            subdomainIndex: session.cookieDomain?.subdomainIndex ?? 1)
        if let rejection = selection.cookieRejection {
            result.records.append(
                KeyProvenance(key: .fbc, origin: .rejected, reason: rejection.code.rawValue, message: rejection.message))
        }
        if let value = selection.value {
            result.userData.fbc = value
            result.records.append(
                KeyProvenance(key: .fbc, origin: selection.origin == .synthesized ? .synthesized : .passedThrough))
        }
    }

    /// ``fbc(_:into:)`` without a stored click: the same entries as ``FBCSelection``'s.
    private func fbcCookieOnly(_ cookie: String, into result: inout AssembledUserData) {
        if let error = FacebookCookie.validationError(cookie, as: .fbc) {
            result.records.append(
                KeyProvenance(key: .fbc, origin: .rejected, reason: error.code.rawValue, message: error.message))
        } else {
            result.userData.fbc = cookie  // the value exactly as received
            result.records.append(KeyProvenance(key: .fbc, origin: .passedThrough))
        }
    }

    func fbp(_ cookie: String?, into result: inout AssembledUserData) {
        guard let cookie else { return }
        if isWithheld(.fbp) {
            result.records.append(KeyProvenance(key: .fbp, origin: .withheldByConsent))
            return
        }
        if let error = FacebookCookie.validationError(cookie, as: .fbp) {
            result.records.append(
                KeyProvenance(key: .fbp, origin: .rejected, reason: error.code.rawValue, message: error.message))
        } else {
            result.userData.fbp = cookie  // the value exactly as received
            result.records.append(KeyProvenance(key: .fbp, origin: .passedThrough))
        }
    }

    /// With the event dropped: one withheld entry per value the inputs had, nothing processed.
    func withholdEverything(customer: CustomerRecord, session: SessionContext, into result: inout AssembledUserData) {
        var keys: [UserDataKey] = []
        keys += Array(repeating: .email, count: customer.emails.count)
        keys += Array(repeating: .phone, count: customer.phones.count)
        let singles: [(UserDataKey, Bool)] = [
            (.firstName, customer.firstName != nil), (.lastName, customer.lastName != nil),
            (.gender, customer.gender != nil), (.dateOfBirth, customer.dateOfBirth != nil),
            (.city, customer.city != nil), (.state, customer.state != nil), (.zipCode, customer.zipCode != nil),
            (.country, customer.country != nil), (.externalID, customer.userID != nil || session.visitorID != nil),
            (.clientIPAddress, !session.clientIPAddresses.isEmpty), (.clientUserAgent, session.userAgent != nil),
            (.fbc, session.fbcCookie != nil || session.click != nil), (.fbp, session.fbpCookie != nil),
        ]
        keys += singles.filter(\.1).map(\.0)
        result.records = ProvenanceRecords(keys.map { KeyProvenance(key: $0, origin: .withheldByConsent) })
    }
}
