public import Configuration
public import Delivery
public import Matching

extension CAPIClient {
    /// Everything a ``CAPIClient`` needs: where to send, where to keep events, whom to trust.
    ///
    /// Build it in code, or read it with ``init(config:)`` from the environment, a `.env`
    /// file, a JSON file or any other swift-configuration provider. Its `description` never
    /// shows tokens, secrets or the store's URL.
    public struct Settings: Sendable, CustomStringConvertible {
        /// One pixel (dataset) a conversion is sent to, with the consent rules for it.
        public struct Destination: Sendable, Hashable {
            /// The pixel, its credentials and endpoint.
            public var pixel: PixelDestination
            /// What this destination receives for each consent signal.
            public var consentPolicy: ConsentPolicy

            public init(pixel: PixelDestination, consentPolicy: ConsentPolicy = ConsentPolicy()) {
                self.pixel = pixel
                self.consentPolicy = consentPolicy
            }
        }

        /// Where events are kept until delivered.
        public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
            /// An embedded SQLite file (created when missing, mode 0600).
            case sqlite(path: String)
            /// A PostgreSQL database shared by every instance of the app
            /// (`postgres://user:password@host/database?sslmode=require`).
            case postgres(url: String)

            /// `sqlite(path)` or `postgres(<redacted>)`: the URL may hold a password.
            public var description: String {
                switch self {
                case .sqlite(let path): "sqlite(\(path))"
                case .postgres: "postgres(<redacted>)"
                }
            }
        }

        /// The pixels every conversion is sent to (one durable event per pixel).
        public var destinations: [Destination]
        /// Where events are kept.
        public var store: StoreLocation
        /// Proxies whose `Forwarded`/`X-Forwarded-For` headers are believed, for
        /// ``CAPIClient/buyerAddresses(peerAddress:forwarded:xForwardedFor:)``.
        public var trustedProxies: [IPAddressRange]
        /// When set, ``CAPIClient/run()`` also takes Meta's Dataset Quality snapshots of the
        /// pixels this often (at least hourly; see `DatasetQualityMonitor`).
        public var qualityInterval: Duration?

        public init(
            destinations: [Destination], store: StoreLocation, trustedProxies: [IPAddressRange] = [],
            qualityInterval: Duration? = nil
        ) {
            self.destinations = destinations
            self.store = store
            self.trustedProxies = trustedProxies
            self.qualityInterval = qualityInterval
        }

        public var description: String {
            "CAPIClient.Settings(pixels: \(destinations.map(\.pixel.pixelID.rawValue).joined(separator: ",")), "
                + "store: \(store), trusted proxies: \(trustedProxies.count)"
                + (qualityInterval.map { ", quality snapshots every \($0)" } ?? "") + ")"
        }
    }
}

extension CAPIClient.Settings {
    /// Reads the settings from `config`.
    ///
    /// The keys, with the environment variable `EnvironmentVariablesProvider` reads for each:
    ///
    /// | key | environment | |
    /// |---|---|---|
    /// | `capi.pixels` | `CAPI_PIXELS` | required: pixel (dataset) ids, comma-separated in the environment |
    /// | `capi.accessToken` | `CAPI_ACCESS_TOKEN` | required unless every pixel has its own; secret |
    /// | `capi.appSecret` | `CAPI_APP_SECRET` | optional: sends `appsecret_proof`; secret |
    /// | `capi.testEventCode` | `CAPI_TEST_EVENT_CODE` | optional: events go to Test Events only |
    /// | `capi.graphVersion` | `CAPI_GRAPH_VERSION` | optional, `v24.0` by default |
    /// | `capi.graphURL` | `CAPI_GRAPH_URL` | optional, `https://graph.facebook.com` by default |
    /// | `capi.store` | `CAPI_STORE` | required: a SQLite file path or a `postgres://` URL; secret |
    /// | `capi.trustedProxies` | `CAPI_TRUSTED_PROXIES` | optional: addresses or CIDR ranges |
    /// | `capi.consent.unknown` | `CAPI_CONSENT_UNKNOWN` | optional: `drop` (default) or `send` an event without a consent signal |
    /// | `capi.quality.intervalHours` | `CAPI_QUALITY_INTERVAL_HOURS` | optional: take Meta's Dataset Quality snapshots this often (1 to 168; the tokens need `ads_read` and `ads_management` or `business_management`) |
    ///
    /// Each pixel may override the token, app secret, test event code and consent rule:
    /// `capi.pixel.<id>.accessToken` (`CAPI_PIXEL_<ID>_ACCESS_TOKEN`), `.appSecret`,
    /// `.testEventCode`, `.consent.unknown`.
    ///
    /// - Throws: ``CAPIClientError`` with ``CAPIClientError/Code/missingSetting`` or
    ///   ``CAPIClientError/Code/malformedSetting``, naming the key and its environment
    ///   variable, never the value.
    public init(config: ConfigReader) throws(CAPIClientError) {
        let pixelIDs = config.stringArray(forKey: SettingKey.pixels.configKey)?.filter { !$0.isEmpty } ?? []
        guard !pixelIDs.isEmpty else {
            throw SettingKey.pixels.missing("list the pixel (dataset) ids to send to, comma-separated in the environment")
        }
        var seen: Set<String> = []
        for id in pixelIDs {
            guard !id.isEmpty, id.utf8.count <= 32, id.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw SettingKey.pixels.malformed("a pixel id is a number, as Events Manager shows it (digits only)")
            }
            guard seen.insert(id).inserted else {
                throw SettingKey.pixels.malformed("pixel \(id) is listed twice")
            }
        }

        let sharedToken = config.string(forKey: SettingKey.accessToken.configKey, isSecret: true)
        let sharedSecret = config.string(forKey: SettingKey.appSecret.configKey, isSecret: true)
        let sharedTestCode = config.string(forKey: SettingKey.testEventCode.configKey)
        let graphVersion = config.string(forKey: SettingKey.graphVersion.configKey) ?? PixelDestination.defaultGraphVersion
        guard Self.isGraphVersion(graphVersion) else {
            throw SettingKey.graphVersion.malformed("a Graph API version looks like v24.0")
        }
        let graphURL = config.string(forKey: SettingKey.graphURL.configKey) ?? PixelDestination.defaultBaseURL
        do {
            try PixelDestination.checkBaseURL(graphURL)
        } catch {
            throw SettingKey.graphURL.malformed(error.message)
        }
        let sharedUnknownConsent = try Self.unknownConsentRule(config, key: .consentUnknown)

        var destinations: [Destination] = []
        for id in pixelIDs {
            let pixelToken = SettingKey.pixel(id, "accessToken")
            guard let token = config.string(forKey: pixelToken.configKey, isSecret: true) ?? sharedToken, !token.isEmpty else {
                throw SettingKey.accessToken.missing(
                    "set the Conversions API access token (Events Manager > Settings > Generate access token), "
                        + "or \(pixelToken.environmentName) for pixel \(id)")
            }
            var pixel = PixelDestination(pixelID: PixelID(id), accessToken: AccessToken(token))
            if let secret = config.string(forKey: SettingKey.pixel(id, "appSecret").configKey, isSecret: true) ?? sharedSecret,
                !secret.isEmpty
            {
                pixel.appSecret = AppSecret(secret)
            }
            if let code = config.string(forKey: SettingKey.pixel(id, "testEventCode").configKey) ?? sharedTestCode, !code.isEmpty
            {
                pixel.testEventCode = code
            }
            pixel.graphVersion = graphVersion
            pixel.baseURL = graphURL
            var policy = ConsentPolicy()
            if let rule = try Self.unknownConsentRule(config, key: SettingKey.pixel(id, "consent", "unknown"))
                ?? sharedUnknownConsent
            {
                policy.unknown = rule
            }
            destinations.append(Destination(pixel: pixel, consentPolicy: policy))
        }

        guard let storeText = config.string(forKey: SettingKey.store.configKey, isSecret: true), !storeText.isEmpty else {
            throw SettingKey.store.missing("give a SQLite file path (created if missing) or a postgres:// URL")
        }
        let store: StoreLocation
        if storeText.hasPrefix("postgres://") || storeText.hasPrefix("postgresql://") {
            store = .postgres(url: storeText)
        } else if storeText.contains("://") {
            throw SettingKey.store.malformed("only a SQLite file path or a postgres:// URL is understood")
        } else {
            store = .sqlite(path: storeText)
        }

        var proxies: [IPAddressRange] = []
        for text in config.stringArray(forKey: SettingKey.trustedProxies.configKey) ?? [] where !text.isEmpty {
            guard let range = IPAddressRange(text) else {
                throw SettingKey.trustedProxies.malformed(
                    "each entry is an IP address or a CIDR range (10.0.0.0/8, 2001:db8::/32); one is not")
            }
            proxies.append(range)
        }
        var qualityInterval: Duration?
        if let hours = config.string(forKey: SettingKey.qualityIntervalHours.configKey), !hours.isEmpty {
            guard let value = Double(hours), value.isFinite, value >= 1, value <= 24 * 7 else {
                throw SettingKey.qualityIntervalHours.malformed(
                    "say how many hours between two Dataset Quality snapshots, from 1 to 168 (6 is a good start)")
            }
            qualityInterval = .seconds(Int64(value * 3_600))
        }
        self.init(destinations: destinations, store: store, trustedProxies: proxies, qualityInterval: qualityInterval)
    }

    private static func isGraphVersion(_ text: String) -> Bool {
        let parts = text.utf8.dropFirst().split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return text.utf8.first == UInt8(ascii: "v") && parts.count == 2
            && parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy { (0x30...0x39).contains($0) } }
    }

    private static func unknownConsentRule(_ config: ConfigReader, key: SettingKey) throws(CAPIClientError) -> ConsentPolicy.Rule?
    {
        switch config.string(forKey: key.configKey)?.lowercased() {
        case nil: nil
        case "drop": .dropEvent
        case "send": .send()
        default: throw key.malformed("say drop (the default: no consent signal, no event) or send")
        }
    }
}

/// A configuration key of ``CAPIClient/Settings``, with the environment variable that
/// `EnvironmentVariablesProvider` reads for it, for errors that name both.
struct SettingKey: Sendable {
    let components: [String]

    static let pixels = SettingKey(components: ["capi", "pixels"])
    static let accessToken = SettingKey(components: ["capi", "accessToken"])
    static let appSecret = SettingKey(components: ["capi", "appSecret"])
    static let testEventCode = SettingKey(components: ["capi", "testEventCode"])
    static let graphVersion = SettingKey(components: ["capi", "graphVersion"])
    static let graphURL = SettingKey(components: ["capi", "graphURL"])
    static let store = SettingKey(components: ["capi", "store"])
    static let trustedProxies = SettingKey(components: ["capi", "trustedProxies"])
    static let consentUnknown = SettingKey(components: ["capi", "consent", "unknown"])
    static let qualityIntervalHours = SettingKey(components: ["capi", "quality", "intervalHours"])
    static func pixel(_ id: String, _ rest: String...) -> SettingKey { SettingKey(components: ["capi", "pixel", id] + rest) }

    var configKey: ConfigKey { ConfigKey(components) }
    var name: String { components.joined(separator: ".") }

    /// The name EnvironmentVariablesProvider looks up: components joined with `_`, camelCase
    /// split at each lower-to-upper step, upper case (`capi.accessToken` → `CAPI_ACCESS_TOKEN`).
    var environmentName: String {
        components.map { component -> String in
            var out = ""
            var previousIsLower = false
            for character in component {
                if previousIsLower && character.isUppercase { out.append("_") }
                out.append(character.isLetter || character.isNumber ? character : "_")
                previousIsLower = character.isLowercase
            }
            return out.uppercased()
        }.joined(separator: "_")
    }

    func missing(_ fix: String) -> CAPIClientError {
        CAPIClientError(code: .missingSetting, key: name, message: "\(name) (\(environmentName)) is not set: \(fix)")
    }

    func malformed(_ fix: String) -> CAPIClientError {
        CAPIClientError(code: .malformedSetting, key: name, message: "\(name) (\(environmentName)) cannot be used: \(fix)")
    }
}
