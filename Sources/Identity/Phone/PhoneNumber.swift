import CAPIModel

/// A phone number parsed the way Google's libphonenumber parses it, for every region it
/// knows.
///
/// ```swift
/// let number = try PhoneNumber.parse("020 7946 0958", region: "GB")
/// number.countryCode      // 44
/// number.nationalNumber   // "2079460958"
/// number.e164             // "+442079460958"
/// number.region           // GB
/// ```
///
/// The number's own `+` or international prefix decides its country; otherwise `region`
/// does (pass the customer's country). Without either, a national number is rejected
/// rather than guessed, with one exception: `00` followed by an assigned country calling
/// code is read as international, as Meta's own SDKs do.
///
/// Parsing also rejects numbers whose length is impossible for their country, and local
/// numbers written without their area code: neither can ever match a customer. A number
/// of possible length whose digits libphonenumber does not consider valid is kept, with
/// ``isValid`` false: numbering plans change faster than metadata.
///
/// The description is redacted: a phone number is personal data.
public struct PhoneNumber: Hashable, Sendable, CustomStringConvertible {
    /// The country calling code (44 for the United Kingdom, 1 for the NANP countries).
    public let countryCode: Int
    /// The national significant number: ASCII digits, without the national (trunk)
    /// prefix, but with the leading zero that belongs to the number in Italy and a few
    /// other countries (`+39 06 ...` keeps its `0`).
    public let nationalNumber: String
    /// The extension (`ext. 123`, `x123`, `;ext=123`) as ASCII digits, or nil. It is not
    /// part of ``e164`` and is never hashed.
    public let `extension`: String?
    /// The region the number belongs to, as libphonenumber's `region_code_for_number`
    /// answers it: CA or US for +1, JE or GB for +44. Nil for non-geographic numbers
    /// (+800, +882, ...) and for numbers of a shared calling code that match none of its
    /// regions.
    public let region: RegionCode?
    /// Whether libphonenumber considers the number valid (it matches a number range of its
    /// region), as `is_valid_number` answers.
    public let isValid: Bool

    /// The number in E.164: `+`, the country calling code, the national significant
    /// number (`+442079460958`). Meta's `ph` is this without the `+`.
    public var e164: String { "+\(countryCode)\(nationalNumber)" }

    /// Parses a phone number.
    ///
    /// - Parameters:
    ///   - text: the number as the customer wrote it: national or international, with any
    ///     punctuation, an extension, RFC 3966 (`tel:+1-201-555-0123`), vanity letters
    ///     (`1-800-FLOWERS`), full-width or other-script digits.
    ///   - region: the region a national number is read in (the customer's country).
    ///     Ignored when the number carries its own country code.
    /// - Throws: ``NormalizationError`` with key `ph`: `.invalidPhone`, `.missingPhoneRegion`,
    ///   `.unknownPhoneRegion`, `.impossiblePhoneLength` or `.tooLong`.
    public static func parse(_ text: String, region: RegionCode? = nil) throws(NormalizationError) -> PhoneNumber {
        var text = text
        let outcome: Result<PhoneNumber, NormalizationFailure> = text.withUTF8 { utf8 in
            let input = UnsafeRawBufferPointer(utf8)
            guard input.count <= IdentityNormalizer.maximumInputLength else {
                return .failure(.tooLong(.phone, limit: IdentityNormalizer.maximumInputLength))
            }
            do throws(NormalizationFailure) {
                return .success(
                    try PhoneNormalizer.withParsedNumber(input, region: region) { result, _ in
                        let md = PhoneMetadata.shared
                        let entity = md.entity(forCallingCode: result.callingCode, national: result.national)
                        return PhoneNumber(
                            countryCode: result.callingCode,
                            nationalNumber: String(decoding: result.national, as: UTF8.self),
                            extension: result.extensionDigits.isEmpty
                                ? nil : String(decoding: result.extensionDigits, as: UTF8.self),
                            region: entity.flatMap { md.region(ofEntity: $0) },
                            isValid: entity.map { md.isValidNumber(result.national, entity: $0) } ?? false)
                    })
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case .success(let number): return number
        case .failure(let failure): throw NormalizationError(failure)
        }
    }

    /// Whether RoasProof has numbering-plan data for a region (every region libphonenumber
    /// supports).
    public static func isSupportedRegion(_ region: RegionCode) -> Bool {
        PhoneMetadata.shared.entityIndex(for: region) != nil
    }

    /// The country calling code of a region (44 for GB), or nil for an unknown region.
    public static func countryCode(for region: RegionCode) -> Int? {
        let md = PhoneMetadata.shared
        return md.entityIndex(for: region).map { md.entities[$0].callingCode }
    }

    /// The libphonenumber metadata version the tables were generated from.
    public static var metadataVersion: String { PhoneMetadata.sourceVersion }

    public var description: String {
        "PhoneNumber(+\(countryCode) <redacted>\(region.map { ", \($0.rawValue)" } ?? ""))"
    }
}
