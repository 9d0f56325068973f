import CAPIModel
import Identity

/// A suite that hashes with a `normalizer` and asks why a value is refused.
protocol RejectionChecking {
    var normalizer: IdentityNormalizer { get }
}

extension RejectionChecking {
    /// The code of the error hashing `value` as `key` gives, or `nil` when it hashes.
    func rejection(_ value: String, _ key: HashedUserDataKey, region: RegionCode? = nil) -> NormalizationError.Code? {
        do {
            _ = try normalizer.hash(value, as: key, region: region)
            return nil
        } catch {
            return error.code
        }
    }
}
