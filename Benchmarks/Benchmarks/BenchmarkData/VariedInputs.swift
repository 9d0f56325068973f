import CAPIModel
import Identity

/// The generated customers' values of one key, for the per-key benchmarks.
public struct VariedInputs: Sendable {
    /// The raw values with the region each is read in (phone numbers and postal codes).
    public let values: [(value: String, region: RegionCode?)]
    /// What each value normalizes to (values the normalizer rejects are left out): the bytes
    /// the raw SHA-256 baseline hashes, so it hashes exactly what normalize+hash hashes.
    public let normalized: [String]
    /// How many of ``values`` the normalizer rejected.
    public let rejected: Int

    /// The values of `key` of `customers`.
    public init(_ key: HashedUserDataKey, of customers: [VariedCustomer], normalizer: IdentityNormalizer = IdentityNormalizer()) {
        values = customers.compactMap { customer -> (String, RegionCode?)? in
            let region = RegionCode(customer.phoneRegion)
            switch key {
            case .email: return (customer.email, nil)
            case .phone: return (customer.phone, region)
            case .firstName, .firstNamePrefix, .firstInitial: return (customer.firstName, nil)
            case .lastName, .lastNamePrefix: return (customer.lastName, nil)
            case .gender: return (customer.gender, nil)
            case .dateOfBirth: return (customer.dateOfBirth, nil)
            case .city: return (customer.city, nil)
            case .state: return customer.state.map { ($0, region) }
            case .zipCode: return (customer.zipCode, region)
            case .country: return (customer.country, nil)
            case .externalID: return (customer.externalID, nil)
            default: return nil
            }
        }
        var normalized: [String] = []
        var rejected = 0
        for (value, region) in values {
            if case .normalized(let text)? = try? normalizer.normalize(value, as: key, region: region) {
                normalized.append(text)
            } else {
                rejected += 1
            }
        }
        self.normalized = normalized
        self.rejected = rejected
    }
}

extension VariedCustomer {
    /// Everything the assembler hashes for this customer, normalized: em, ph, fn, ln, ge, db,
    /// ct, st, zp, country, external_id and the keys derived from fn, ln and db. The raw
    /// SHA-256 baseline of complete `user_data` hashes exactly these.
    public func normalizedValues(_ normalizer: IdentityNormalizer = IdentityNormalizer()) -> [String] {
        let region = record.resolvedRegion(default: nil)?.region
        let keyed: [(String?, HashedUserDataKey, RegionCode?)] = [
            (email, .email, nil), (phone, .phone, region), (firstName, .firstName, nil), (lastName, .lastName, nil),
            (gender, .gender, nil), (dateOfBirth, .dateOfBirth, nil), (city, .city, nil), (state, .state, region),
            (zipCode, .zipCode, region), (country, .country, nil), (externalID, .externalID, nil),
            (firstName, .firstNamePrefix, nil), (firstName, .firstInitial, nil), (lastName, .lastNamePrefix, nil),
            (dateOfBirth, .dayOfBirth, nil), (dateOfBirth, .monthOfBirth, nil), (dateOfBirth, .yearOfBirth, nil),
        ]
        return keyed.compactMap { value, key, region in
            guard let value else { return nil }
            if key == .dayOfBirth || key == .monthOfBirth || key == .yearOfBirth {
                // Derived from the normalized date (YYYYMMDD), as the assembler derives them.
                guard case .normalized(let date)? = try? normalizer.normalize(value, as: .dateOfBirth) else { return nil }
                let bytes = Array(date.utf8)
                let range = key == .yearOfBirth ? 0..<4 : key == .monthOfBirth ? 4..<6 : 6..<8
                return String(decoding: bytes[range], as: UTF8.self)
            }
            guard case .normalized(let text)? = try? normalizer.normalize(value, as: key, region: region) else { return nil }
            return text
        }
    }
}
