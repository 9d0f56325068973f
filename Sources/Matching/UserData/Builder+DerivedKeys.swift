import CAPIModel
import Identity

extension Builder {
    /// ``hash(_:_:region:_:into:)`` for `fn`, `ln` and `db`, adding the keys Meta's SDKs derive
    /// from them (`f5first` and `fi`, `f5last`, `dobd`, `dobm` and `doby`) with an entry each.
    ///
    /// A derived key is sent only when its source is: nothing is derived when the source is
    /// withheld, rejected or already a hash, and a derived key the consent policy withholds
    /// is recorded as withheld.
    func hashDeriving(
        _ value: String?, _ key: HashedUserDataKey, _ normalizer: IdentityNormalizer, into result: inout AssembledUserData
    ) {
        guard let value else { return }
        let userDataKey = key.userDataKey
        if isWithheld(userDataKey) {
            result.records.append(KeyProvenance(key: userDataKey, origin: .withheldByConsent))
            return
        }
        do throws(NormalizationError) {
            let outcome = try normalizer.process(
                value, as: key, derivingWhere: { !isWithheld($0.userDataKey) }, into: &result.userData)
            guard let origin = outcome.origin else { return }  // the same value twice
            result.records.append(KeyProvenance(key: userDataKey, origin: origin == .hashed ? .hashed : .passedThrough))
            guard origin == .hashed else { return }
            let derivedKeys = key.derivedKeys
            for index in derivedKeys.indices {
                let derivedKey = derivedKeys[index].userDataKey
                if isWithheld(derivedKey) {
                    result.records.append(KeyProvenance(key: derivedKey, origin: .withheldByConsent))
                } else if outcome.addedDerivedKey(at: index) {
                    result.records.append(KeyProvenance(key: derivedKey, origin: .hashed))
                }
            }
        } catch {
            result.records.append(
                KeyProvenance(key: userDataKey, origin: .rejected, reason: error.code.rawValue, message: error.message))
        }
    }
}
