#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The JSON coders RoasProof uses for Graph API bodies.
///
/// Output is deterministic (sorted keys) so that stored receipts and test fixtures are
/// stable, and slashes in URLs are not escaped. Decoding ignores unknown keys everywhere
/// except `custom_data`, where they are custom properties.
public enum CAPIJSON {
    /// A new encoder configured for Graph API bodies.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A new decoder configured for Graph API bodies.
    public static func makeDecoder() -> JSONDecoder {
        JSONDecoder()
    }

    /// Encodes a value as compact, key-sorted JSON.
    public static func encode(_ value: some Encodable) throws -> Data {
        try makeEncoder().encode(value)
    }

    /// Decodes a value from JSON.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try makeDecoder().decode(type, from: data)
    }

    static func compactText(of value: JSONValue) -> String {
        guard let data = try? encode(value) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}
