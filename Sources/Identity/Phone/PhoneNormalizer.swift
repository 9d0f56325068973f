import CAPIModel

// Interim phone normalizer: international input in any form, and national numbers for a
// handful of regions. The every-region, libphonenumber-grade version replaces this file.

enum PhoneNormalizer {
    struct Region {
        let callingCode: String
        let internationalPrefixes: [String]
        let nationalPrefix: String?
        let nationalLengths: ClosedRange<Int>
    }

    static let regions: [String: Region] = [
        "US": Region(callingCode: "1", internationalPrefixes: ["011"], nationalPrefix: "1", nationalLengths: 10...10),
        "CA": Region(callingCode: "1", internationalPrefixes: ["011"], nationalPrefix: "1", nationalLengths: 10...10),
        "GB": Region(callingCode: "44", internationalPrefixes: ["00"], nationalPrefix: "0", nationalLengths: 7...10),
        "DE": Region(callingCode: "49", internationalPrefixes: ["00"], nationalPrefix: "0", nationalLengths: 5...15),
        "FR": Region(callingCode: "33", internationalPrefixes: ["00"], nationalPrefix: "0", nationalLengths: 9...9),
        "IN": Region(callingCode: "91", internationalPrefixes: ["00"], nationalPrefix: "0", nationalLengths: 8...12),
        "BR": Region(callingCode: "55", internationalPrefixes: ["00"], nationalPrefix: "0", nationalLengths: 8...11),
        "AU": Region(callingCode: "61", internationalPrefixes: ["0011"], nationalPrefix: "0", nationalLengths: 5...10),
        "JP": Region(callingCode: "81", internationalPrefixes: ["010"], nationalPrefix: "0", nationalLengths: 8...10),
    ]

    static func normalize(_ input: UnsafeRawBufferPointer, region: RegionCode?, into sink: inout ByteSink)
        throws(NormalizationError)
    {
        var digits: [UInt8] = []
        var plus = false
        for byte in input {
            if (byte &- UInt8(ascii: "0")) < 10 {
                digits.append(byte)
            } else if byte == UInt8(ascii: "+"), digits.isEmpty {
                plus = true
            } else if (asciiLowercase(byte) &- UInt8(ascii: "a")) < 26 {
                break  // an extension or text after the number
            }
        }
        guard !digits.isEmpty else {
            throw NormalizationError(key: .phone, code: .invalidPhone, message: "the value has no digits")
        }
        let text = String(decoding: digits, as: UTF8.self)
        if plus {
            guard digits[0] != UInt8(ascii: "0") else {
                throw NormalizationError(key: .phone, code: .unknownPhoneRegion, message: "no country code starts with 0")
            }
            sink.append(contentsOf: digits)
            return
        }
        let known = region.flatMap { regions[$0.rawValue] }
        if let known, let prefix = known.internationalPrefixes.first(where: text.hasPrefix) {
            sink.append(contentsOf: digits.dropFirst(prefix.count))
            return
        }
        if known == nil, text.hasPrefix("00"), digits.count > 2, digits[2] != UInt8(ascii: "0") {
            // Without a region, 00 followed by a country code is the international prefix
            // nearly every region uses (Meta's SDKs read it the same way).
            sink.append(contentsOf: digits.dropFirst(2))
            return
        }
        guard let known else {
            throw NormalizationError(
                key: .phone, code: .missingPhoneRegion,
                message: "a national number needs a region; pass the customer's country or configure a default region")
        }
        var national = Substring(text)
        if let prefix = known.nationalPrefix, national.hasPrefix(prefix), national.count > known.nationalLengths.upperBound
            || (prefix == "0")
        {
            national = national.dropFirst(prefix.count)
        }
        guard known.nationalLengths.contains(national.count) else {
            throw NormalizationError(
                key: .phone, code: .impossiblePhoneLength,
                message: "no number in region \(region!.rawValue) has \(national.count) digits; check for missing or extra digits")
        }
        sink.append(contentsOf: known.callingCode.utf8)
        sink.append(contentsOf: national.utf8)
    }
}
