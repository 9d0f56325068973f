import ArgumentParser
import Configuration
import Delivery

/// The settings `capi` shares with `CAPIClient`: the same keys, read from the environment
/// (`CAPI_STORE`, `CAPI_PIXELS`, `CAPI_ACCESS_TOKEN`, ...), so an operator's shell and the
/// app read one configuration.
enum CapiSettings {
    /// The environment as a configuration reader; secrets marked so they are never printed.
    static func environment() -> ConfigReader {
        ConfigReader(
            provider: EnvironmentVariablesProvider(
                secretsSpecifier: .specific(["CAPI_ACCESS_TOKEN", "CAPI_APP_SECRET", "CAPI_STORE"])))
    }

    /// `capi.store` (`CAPI_STORE`), for commands given no `--store`.
    static func store(_ config: ConfigReader = environment()) throws -> String {
        guard let store = config.string(forKey: "capi.store", isSecret: true), !store.isEmpty else {
            throw ValidationError("no store given: pass --store FILE or set CAPI_STORE to the SQLite file your app delivers from")
        }
        guard !store.contains("://") else {
            throw ValidationError(
                "CAPI_STORE names a database URL; capi's operator commands read SQLite files only: pass --store FILE")
        }
        return store
    }

    /// A non-secret setting, or `nil` when unset or empty.
    static func string(_ key: String, _ config: ConfigReader = environment()) -> String? {
        config.string(forKey: ConfigKey(key)).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `capi.pixels` (`CAPI_PIXELS`) in order; empty when unset.
    static func pixelList(_ config: ConfigReader = environment()) -> [String] {
        config.stringArray(forKey: "capi.pixels")?.filter { !$0.isEmpty } ?? []
    }

    /// `capi.pixels` (`CAPI_PIXELS`): the pixels the app has destinations for, or `nil` when unset.
    static func pixels(_ config: ConfigReader = environment()) -> Set<PixelID>? {
        guard let ids = config.stringArray(forKey: "capi.pixels")?.filter({ !$0.isEmpty }), !ids.isEmpty else { return nil }
        return Set(ids.map { PixelID(rawValue: $0) })
    }
}
