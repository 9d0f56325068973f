public import CAPIModel

#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// Turns raw customer information into the normalized, SHA-256-hashed values Meta matches on.
///
/// One normalizer serves every key; it is a small value type, cheap to copy and safe to
/// share across tasks. Rules per key follow Meta's documentation first and Meta's own
/// current normalizer (capi-param-builder) where the documentation is silent; the
/// deliberate differences are listed in `docs/Normalization.md`.
///
/// ```swift
/// let normalizer = IdentityNormalizer()
/// let email = try normalizer.hash(" John_Smith@Gmail.com ", as: .email)
/// // 62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f
/// let phone = try normalizer.hash("020 7946 0958", as: .phone, region: "GB")
/// ```
///
/// Leading and trailing whitespace is removed from every value first: all of Unicode's
/// White_Space (no-break and ideographic spaces, line separators) and the byte-order mark,
/// as JavaScript's `trim()` and Python's `strip()` do. Values that are already SHA-256
/// hashes (64 hex characters, any case) are lowercased and passed through; capi-param-builder values (`<64 hex>.<appendix>`) pass through unchanged.
/// Anything that normalizes to nothing is rejected with a ``NormalizationError``, never hashed.
public struct IdentityNormalizer: Sendable {
    /// Settings that apply to every value.
    public struct Configuration: Sendable, Hashable {
        /// The region national phone numbers are read in when neither the number nor the call
        /// names one. `nil` (the default) rejects such numbers instead of guessing.
        public var defaultPhoneRegion: RegionCode?
        /// The latest year a date of birth may have; earlier than 1900 is always rejected.
        /// Defaults to the current year when the configuration is created.
        public var latestBirthYear: Int

        /// The default configuration: no default phone region, birth years up to this year.
        public init(defaultPhoneRegion: RegionCode? = nil) {
            self.defaultPhoneRegion = defaultPhoneRegion
            let seconds = Int64(Date().timeIntervalSince1970)
            self.latestBirthYear = CivilDate(daysSinceEpoch: Int(seconds / 86_400)).year
        }
    }

    /// The longest input accepted for any key, in UTF-8 bytes. Real values are far shorter;
    /// the limit keeps hostile input bounded in time and memory.
    public static let maximumInputLength = 1_024

    /// The settings in use.
    public var configuration: Configuration

    /// Creates a normalizer.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Normalizes and hashes one value.
    ///
    /// - Parameters:
    ///   - value: the raw value, as the customer typed it.
    ///   - key: the `user_data` key it belongs to.
    ///   - region: for `ph`, the region a national number is read in (the customer's
    ///     country, say); for `zp`, the region the code belongs to. Ignored for other keys.
    /// - Returns: the hash to put in `UserData`.
    /// - Throws: ``NormalizationError`` naming the key and the reason.
    public func hash(
        _ value: String, as key: HashedUserDataKey, region: RegionCode? = nil
    )
        throws(NormalizationError) -> HashedIdentifier
    {
        var status = DigestStatus.hashed
        let digest = digest(of: value, as: key, region: region, status: &status)
        switch status {
        case .hashed, .hashedAsInternational: return HashedIdentifier(digest: digest)
        case .alreadyHashed: return passedThroughIdentifier(value)
        case .failed(let failure): throw NormalizationError(failure)
        }
    }

    /// Normalizes and hashes one value, and says whether it was hashed here or passed through.
    public func process(
        _ value: String, as key: HashedUserDataKey, region: RegionCode? = nil
    )
        throws(NormalizationError) -> ProcessedIdentifier
    {
        var status = DigestStatus.hashed
        let digest = digest(of: value, as: key, region: region, status: &status)
        switch status {
        case .hashed: return ProcessedIdentifier(identifier: HashedIdentifier(digest: digest), origin: .hashed)
        case .hashedAsInternational:
            return ProcessedIdentifier(identifier: HashedIdentifier(digest: digest), origin: .hashed, readAsInternational: true)
        case .alreadyHashed: return ProcessedIdentifier(identifier: passedThroughIdentifier(value), origin: .passedThrough)
        case .failed(let failure): throw NormalizationError(failure)
        }
    }

    /// ``process(_:as:region:)``, adding the identifier to `userData` (see
    /// ``UserData/append(_:for:)``), for the assembler in `Matching`.
    ///
    /// - Returns: whether the value was hashed here (and whether a phone number without `+`
    ///   was read as international) or passed through, or nil when `userData` already held
    ///   it under `key`.
    package func process(
        _ value: String, as key: HashedUserDataKey, region: RegionCode?, into userData: inout UserData
    ) throws(NormalizationError) -> ProcessedIdentifier.Outcome? {
        var status = DigestStatus.hashed
        let digest = digest(of: value, as: key, region: region, status: &status)
        switch status {
        case .hashed: return userData.append(digest: digest, for: key) ? .hashed : nil
        case .hashedAsInternational: return userData.append(digest: digest, for: key) ? .hashedAsInternational : nil
        case .alreadyHashed: return userData.append(passedThroughIdentifier(value), for: key) ? .passedThrough : nil
        case .failed(let failure): throw NormalizationError(failure)
        }
    }

    /// How ``digest(of:as:region:status:)`` ended.
    enum DigestStatus {
        /// Normalized and hashed here: the digest is the result.
        case hashed
        /// A phone number without `+` read as international (`16505551212`), then hashed.
        case hashedAsInternational
        /// The value is a hash already (see ``alreadyHashed(_:)``); the digest is meaningless.
        case alreadyHashed
        /// Rejected; the digest is meaningless.
        case failed(NormalizationFailure)
    }

    /// Normalizes and hashes `value`, or finds that it is a hash already.
    ///
    /// The digest comes back in registers and the outcome through `status`, and callers
    /// build their result from them where it is returned. A ``HashedIdentifier`` (42 bytes),
    /// or a result holding one, goes through memory instead, and copying it right after it
    /// was written stalled on store forwarding (16-byte loads of bytes written by 8-byte
    /// stores) once per value, as much as a tenth of hashing an email address.
    @inline(__always)
    func digest(
        of value: String, as key: HashedUserDataKey, region: RegionCode?, status: inout DigestStatus
    )
        -> SHA256Digest
    {
        @inline(__always) func digest(_ raw: UnsafeRawBufferPointer) -> SHA256Digest {
            let input = Self.trimmed(raw)
            if Self.alreadyHashed(input) != nil {
                status = .alreadyHashed
                return SHA256Digest(words: (0, 0, 0, 0))
            }
            do throws(NormalizationFailure) {
                var international = false
                let digest = try normalizedDigest(input, as: key, region: region, readAsInternational: &international)
                if international { status = .hashedAsInternational }
                return digest
            } catch {
                status = .failed(error)
                return SHA256Digest(words: (0, 0, 0, 0))
            }
        }
        return withUTF8(of: value, digest)
    }

    /// The identifier of a value ``digest(of:as:region:status:)`` found to be a hash
    /// already: parsed a second time, which is rare and cheap next to building it twice.
    func passedThroughIdentifier(_ value: String) -> HashedIdentifier {
        withUTF8(of: value) { Self.alreadyHashed($0)! }
    }

    /// Normalizes one value without hashing it, for inspection and tests.
    ///
    /// The result is still personal data: keep it out of logs and storage. Already-hashed
    /// input is returned as ``NormalizedValue/alreadyHashed(_:)``.
    public func normalize(
        _ value: String, as key: HashedUserDataKey, region: RegionCode? = nil
    )
        throws(NormalizationError) -> NormalizedValue
    {
        let outcome: Result<NormalizedValue, NormalizationFailure> = withUTF8(of: value) { raw in
            let input = Self.trimmed(raw)
            if let passed = Self.alreadyHashed(input) { return .success(.alreadyHashed(passed)) }
            do throws(NormalizationFailure) {
                let text = try withNormalizedBytes(input, as: key, region: region) {
                    String(decoding: $0, as: UTF8.self)
                }
                return .success(.normalized(text))
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case .success(let value): return value
        case .failure(let failure): throw NormalizationError(failure)
        }
    }

    /// Normalizes one value and hashes it in a single pass, returning both.
    ///
    /// For tools that show what was hashed (`capi hash`). The normalized text is personal
    /// data: keep it out of logs and storage.
    public func normalizeAndHash(
        _ value: String, as key: HashedUserDataKey, region: RegionCode? = nil
    )
        throws(NormalizationError) -> (normalized: NormalizedValue, identifier: HashedIdentifier)
    {
        let outcome: Result<(NormalizedValue, HashedIdentifier), NormalizationFailure> = withUTF8(of: value) { raw in
            let input = Self.trimmed(raw)
            if let passed = Self.alreadyHashed(input) { return .success((.alreadyHashed(passed), passed)) }
            do throws(NormalizationFailure) {
                let pair = try withNormalizedBytes(input, as: key, region: region) {
                    (NormalizedValue.normalized(String(decoding: $0, as: UTF8.self)), HashedIdentifier(digest: SHA256.hash($0)))
                }
                return .success(pair)
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case .success(let pair): return pair
        case .failure(let failure): throw NormalizationError(failure)
        }
    }

    /// `raw` without surrounding Unicode whitespace; input over ``maximumInputLength`` is
    /// left whole, so that it is refused as too long before any work on it.
    @inline(__always)
    static func trimmed(_ raw: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        raw.count > maximumInputLength ? raw : raw.trimmingUnicodeWhitespace()
    }

    /// Recognizes input that is already a hash: 64 hex characters (lowercased) or a
    /// capi-param-builder `<64 hex>.<appendix>` value (unchanged), with any Unicode
    /// whitespace around it (a no-break space and a line end from a spreadsheet export).
    @inline(__always)
    static func alreadyHashed(_ input: UnsafeRawBufferPointer) -> HashedIdentifier? {
        // Trimming only shortens, so anything under 64 bytes (nearly every raw value) is no hash.
        guard input.count >= 64 else { return nil }
        let trimmed = Self.trimmed(input)
        guard trimmed.count == 64 || trimmed.count == 67 || trimmed.count == 73 else { return nil }
        return HashedIdentifier(wireUTF8: trimmed)
    }

    /// Normalizes `input` into a stack buffer and hands the normalized UTF-8 bytes to `body`.
    @inline(__always)
    func withNormalizedBytes<R>(
        _ input: UnsafeRawBufferPointer, as key: HashedUserDataKey, region: RegionCode?,
        _ body: (UnsafeRawBufferPointer) -> R
    ) throws(NormalizationFailure) -> R {
        guard input.count <= Self.maximumInputLength else {
            throw .tooLong(key, limit: Self.maximumInputLength)
        }
        // Lowercasing can grow UTF-8 text (`İ` is 2 bytes, `i̇` is 3); 4x plus slack covers
        // every mapping in Unicode and the fixed-size outputs (dates, phone numbers).
        let capacity = input.count &* 4 &+ 64
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) {
            buffer throws(NormalizationFailure) -> R in
            var sink = ByteSink(buffer)
            try normalize(input, as: key, region: region, into: &sink)
            return body(sink.bytes)
        }
    }

    /// The SHA-256 of the normalized `input`, hashed where the normalizer wrote it.
    @inline(__always)
    func normalizedDigest(
        _ input: UnsafeRawBufferPointer, as key: HashedUserDataKey, region: RegionCode?, readAsInternational: inout Bool
    ) throws(NormalizationFailure) -> SHA256Digest {
        guard input.count <= Self.maximumInputLength else {
            throw .tooLong(key, limit: Self.maximumInputLength)
        }
        // As in withNormalizedBytes, and at least two SHA-256 blocks, so that short output
        // is padded and hashed in place.
        let capacity = max(input.count &* 4 &+ 64, 128)
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) {
            buffer throws(NormalizationFailure) -> SHA256Digest in
            // Two zeroed SHA-256 blocks, cleared before the normalizer writes: afterwards only
            // the bytes it wrote past its output (see ByteSink.discardedEnd) need clearing.
            buffer.baseAddress!.initialize(repeating: 0, count: 128)
            var sink = ByteSink(buffer)
            try normalize(input, as: key, region: region, into: &sink)
            readAsInternational = sink.readAsInternational
            return SHA256.hash(
                paddingInPlace: UnsafeMutableRawBufferPointer(buffer), count: sink.count,
                zeroedFrom: max(sink.count, sink.discardedEnd))
        }
    }

    func normalize(
        _ input: UnsafeRawBufferPointer, as key: HashedUserDataKey, region: RegionCode?, into sink: inout ByteSink
    ) throws(NormalizationFailure) {
        switch key {
        case .email: try EmailNormalizer.normalize(input, into: &sink)
        case .phone: try PhoneNormalizer.normalize(input, region: region ?? configuration.defaultPhoneRegion, into: &sink)
        case .firstName, .lastName: try NameNormalizer.normalize(input, key: key, into: &sink)
        case .gender: try GenderNormalizer.normalize(input, into: &sink)
        case .dateOfBirth: try DateOfBirthNormalizer.normalize(input, latestYear: configuration.latestBirthYear, into: &sink)
        case .city: try CityNormalizer.normalize(input, into: &sink)
        case .state: try StateNormalizer.normalize(input, into: &sink)
        case .zipCode: try ZipCodeNormalizer.normalize(input, region: region, into: &sink)
        case .country: try CountryNormalizer.normalize(input, into: &sink)
        case .externalID: try ExternalIDNormalizer.normalize(input, into: &sink)
        case .firstNamePrefix, .lastNamePrefix, .firstInitial: try NamePrefixNormalizer.normalize(input, key: key, into: &sink)
        case .dayOfBirth, .monthOfBirth, .yearOfBirth:
            try BirthDatePartNormalizer.normalize(input, key: key, latestYear: configuration.latestBirthYear, into: &sink)
        }
        guard sink.count > 0 else { throw .empty(key) }
    }
}

/// The result of ``IdentityNormalizer/process(_:as:region:)``.
public struct ProcessedIdentifier: Hashable, Sendable {
    /// Where a hash came from.
    public enum Origin: String, Hashable, Sendable, Codable {
        /// The raw value was normalized and hashed here.
        case hashed
        /// The value was already a hash and was passed through.
        case passedThrough = "passed_through"
    }

    /// The hash to send.
    public let identifier: HashedIdentifier
    /// Whether it was hashed here or passed through.
    public let origin: Origin
    /// Whether a phone number written without `+` was read as an international number
    /// (`16505551212`, `0044 20 7946 0958`) because it was no valid national number.
    public let readAsInternational: Bool

    /// What ``IdentityNormalizer/process(_:as:region:into:)`` did, for provenance.
    package enum Outcome: Sendable {
        case hashed
        case hashedAsInternational
        case passedThrough
    }

    /// Creates a result.
    public init(identifier: HashedIdentifier, origin: Origin, readAsInternational: Bool = false) {
        self.identifier = identifier
        self.origin = origin
        self.readAsInternational = readAsInternational
    }
}

/// The result of ``IdentityNormalizer/normalize(_:as:region:)``.
public enum NormalizedValue: Hashable, Sendable {
    /// The normalized text that would be hashed. Personal data: do not log it.
    case normalized(String)
    /// The input was already a hash.
    case alreadyHashed(HashedIdentifier)
}

extension NormalizedValue: CustomStringConvertible {
    /// Redacted: a normalized value is still personal data.
    public var description: String {
        switch self {
        case .normalized: "normalized(<redacted>)"
        case .alreadyHashed(let hash): "alreadyHashed(\(hash))"
        }
    }
}
