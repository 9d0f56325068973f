import CAPIModel

// The text keys: em, fn, ln, ct, st, external_id, ge.
//
// Each normalizer has an ASCII fast path working on bytes (the common case: no String is
// built and nothing is allocated) and a Unicode path (NFC, full lowercase mapping, then
// the same filter by Unicode category). For ASCII input both paths give the same output.

@inline(__always)
func asciiLowercase(_ byte: UInt8) -> UInt8 {
    (byte &- UInt8(ascii: "A")) < 26 ? byte | 0x20 : byte
}

/// Copies ASCII `input` to `output` with A–Z lowercased, eight bytes per step.
///
/// For bytes below 0x80, adding 0x3F sets a byte's top bit when it is ≥ `A` and adding 0x25
/// when it is > `Z`; no carry crosses a byte, so the two masks select the capitals.
@inline(__always)
func lowercaseASCII(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
    let count = input.count
    var index = 0
    while index &+ 8 <= count {
        let word = input.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        let atLeastA = (word &+ 0x3F3F_3F3F_3F3F_3F3F) & 0x8080_8080_8080_8080
        let aboveZ = (word &+ 0x2525_2525_2525_2525) & 0x8080_8080_8080_8080
        output.storeBytes(of: word | ((atLeastA & ~aboveZ) >> 2), toByteOffset: index, as: UInt64.self)
        index &+= 8
    }
    while index < count {
        output[index] = asciiLowercase(input[index])
        index &+= 1
    }
}

@inline(__always)
func isASCIILowerAlnum(_ byte: UInt8) -> Bool {
    (byte &- UInt8(ascii: "a")) < 26 || (byte &- UInt8(ascii: "0")) < 10
}

@inline(__always)
func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
    // Eight bytes at a time: any byte with its top bit set makes the word non-ASCII.
    var index = 0
    let count = bytes.count
    while index &+ 8 <= count {
        if bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
        index &+= 8
    }
    while index < count {
        if bytes[index] >= 0x80 { return false }
        index &+= 1
    }
    return true
}

extension UnicodeText {
    /// NFC + lowercase, with leading and trailing whitespace (Unicode White_Space and BOM) removed.
    static func trimmedLowercasedScalars(_ utf8: UnsafeRawBufferPointer) -> ArraySlice<Unicode.Scalar> {
        var scalars: [Unicode.Scalar] = []
        forEachLowercasedScalar(utf8) { scalars.append($0) }
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, scalars[start].isTrimmable { start += 1 }
        while end > start, scalars[end - 1].isTrimmable { end -= 1 }
        return scalars[start..<end]
    }
}

extension Unicode.Scalar {
    /// White_Space characters and the byte-order mark, which JavaScript's `trim()` and `\s` include.
    @inline(__always)
    var isTrimmable: Bool {
        if value < ScalarTable.limit { return ScalarTable.entries[Int(value)] & ScalarTable.trimmable != 0 }
        return !ScalarTable.isInertCaselessLetter(value) && isTrimmableByProperties
    }

    /// ``isTrimmable`` from the Unicode properties.
    var isTrimmableByProperties: Bool { properties.isWhitespace || value == 0xFEFF }

    /// The zero-width non-joiner and joiner (U+200C, U+200D): format characters that are part
    /// of Persian and Indic spellings (`مه‌سا`), kept in names as capi-param-builder keeps them.
    var isJoinerControl: Bool { value == 0x200C || value == 0x200D }
}

// MARK: - em

enum EmailNormalizer {
    /// Trim, lowercase, then require `local@domain` with a dotted domain.
    ///
    /// The ASCII rules are capi-param-builder's (RFC 5322 dot-atom local part, LDH domain
    /// labels). Internationalized addresses (RFC 6531) are accepted as well: letters, marks
    /// and digits of any script may appear in the local part and in domain labels.
    static func normalize(_ input: UnsafeRawBufferPointer, into sink: inout ByteSink) throws(NormalizationFailure) {
        let trimmed = input.trimmingASCIIWhitespace()
        if isASCII(trimmed) {
            // The common case: lowercase, copy and check the shape in one pass.
            guard trimmed.count > 0 else { throw .empty(.email) }
            guard lowercaseAndValidateASCII(trimmed, into: &sink) else { throw invalid }
            return
        }
        for scalar in UnicodeText.trimmedLowercasedScalars(trimmed) {
            guard scalar.isASCII || scalar.isLetterOrMark || scalar.isDecimalDigit else { throw invalid }
            sink.append(scalar)
        }
        guard sink.count > 0 else { throw .empty(.email) }
        guard isValidShape(sink.bytes) else { throw invalid }
    }

    static let invalid = NormalizationFailure(.email, .invalidEmail)

    /// Lowercases ASCII `input` into `sink` eight bytes at a time, then checks the shape.
    private static func lowercaseAndValidateASCII(_ input: UnsafeRawBufferPointer, into sink: inout ByteSink) -> Bool {
        guard input.count <= 64 + 1 + 253 else { return false }
        let output = sink.appendUninitialized(count: input.count)
        lowercaseASCII(input, into: output)
        return isValidShape(UnsafeRawBufferPointer(output))
    }

    /// Byte classes for the shape check: allowed in the local part, allowed in a domain
    /// label, the dot and the at sign. Bytes from 0x80 up belong to non-ASCII letters, marks
    /// or digits (the Unicode path checks them before this runs) and are allowed in both.
    private static let local: UInt8 = 1, domain: UInt8 = 2, dot: UInt8 = 4, at: UInt8 = 8
    private static let byteClasses: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for byte in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(byte)] = local | domain }
        for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(byte)] = local | domain }
        table[Int(UInt8(ascii: "-"))] = local | domain
        for byte in "!#$%&'*+/=?^_`{|}~".utf8 { table[Int(byte)] = local }  // the rest of RFC 5322 atext
        table[Int(UInt8(ascii: "."))] = dot
        table[Int(UInt8(ascii: "@"))] = at
        for byte in 0x80...0xFF { table[byte] = local | domain }
        return table
    }()

    /// Checks the shape of a lowercased address in one pass: a dot-atom local part of 1 to 64
    /// bytes, `@`, and at least two domain labels of 1 to 63 bytes without leading or trailing
    /// hyphens.
    static func isValidShape(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let count = bytes.count
        guard count >= 5, count <= 64 + 1 + 253 else { return false }  // a@b.c at least
        return byteClasses.withUnsafeBufferPointer { classes in
            var index = 0
            var previousWasDot = true
            while true {
                guard index < count else { return false }
                let cls = classes[Int(bytes[index])]
                if cls & local != 0 {
                    previousWasDot = false
                } else if cls == dot {
                    if previousWasDot { return false }
                    previousWasDot = true
                } else if cls == at {
                    break
                } else {
                    return false
                }
                index &+= 1
            }
            guard !previousWasDot, index <= 64, count &- index &- 1 <= 253 else { return false }

            // Domain. A second `@` is in neither class, so it fails here.
            index &+= 1
            var labelStart = index
            var dots = 0
            @inline(__always) func labelIsValid(endingAt end: Int) -> Bool {
                let length = end &- labelStart
                return length >= 1 && length <= 63 && bytes[labelStart] != UInt8(ascii: "-")
                    && bytes[end &- 1] != UInt8(ascii: "-")
            }
            while index < count {
                let cls = classes[Int(bytes[index])]
                if cls & domain == 0 {
                    guard cls == dot, labelIsValid(endingAt: index) else { return false }
                    dots &+= 1
                    labelStart = index &+ 1
                }
                index &+= 1
            }
            return dots >= 1 && labelIsValid(endingAt: count)
        }
    }
}

// MARK: - fn, ln

enum NameNormalizer {
    /// Lowercase, then remove whitespace, all punctuation, ASCII symbols and invisible
    /// format characters other than the zero-width (non-)joiner. Letters of every script and
    /// digits are kept (`Valéry` → `valéry`, `O’Connor` → `oconnor`, `Jean-Luc` → `jeanluc`).
    static func normalize(
        _ input: UnsafeRawBufferPointer, key: HashedUserDataKey, into sink: inout ByteSink
    )
        throws(NormalizationFailure)
    {
        if isASCII(input) {
            for byte in input {
                let lower = asciiLowercase(byte)
                if isASCIILowerAlnum(lower) { sink.append(lower) }
            }
        } else {
            UnicodeText.forEachLowercasedScalar(input) { scalar in
                if !scalar.isNameSeparator || scalar.isJoinerControl { sink.append(scalar) }
            }
        }
    }
}

// MARK: - ct

enum CityNormalizer {
    /// Lowercase, keep only letters (any script, accents kept) and digits, and require a
    /// letter first (`Menlo Park` → `menlopark`, `San José` → `sanjosé`, `123Angeles` rejected).
    static func normalize(_ input: UnsafeRawBufferPointer, into sink: inout ByteSink) throws(NormalizationFailure) {
        var startsWithLetter: Bool? = nil
        if isASCII(input) {
            for byte in input {
                let lower = asciiLowercase(byte)
                guard isASCIILowerAlnum(lower) else { continue }
                if startsWithLetter == nil { startsWithLetter = lower >= UInt8(ascii: "a") }
                sink.append(lower)
            }
        } else {
            UnicodeText.forEachLowercasedScalar(input) { scalar in
                if scalar.isLetterOrMark {
                    if startsWithLetter == nil { startsWithLetter = true }
                    sink.append(scalar)
                } else if scalar.isDecimalDigit {
                    if startsWithLetter == nil { startsWithLetter = false }
                    sink.append(scalar)
                }
            }
        }
        if startsWithLetter == false {
            throw NormalizationFailure(.city, .invalidCity)
        }
    }
}

// MARK: - external_id

enum ExternalIDNormalizer {
    /// Lowercase and remove all whitespace; punctuation is kept (capi-param-builder's rule,
    /// so the id hashes the same as the browser's copy).
    static func normalize(_ input: UnsafeRawBufferPointer, into sink: inout ByteSink) throws(NormalizationFailure) {
        if isASCII(input) {
            for byte in input where !byte.isASCIIWhitespace { sink.append(asciiLowercase(byte)) }
        } else {
            UnicodeText.forEachLowercasedScalar(input) { scalar in
                if !scalar.isTrimmable { sink.append(scalar) }
            }
        }
    }
}

// MARK: - ge

enum GenderNormalizer {
    /// Maps a word for female or male to `f` or `m`. The words are capi-param-builder's
    /// (`male`, `man`, `mr`, `he`, `female`, `woman`, `mrs`, `she`, …) plus a few in other
    /// European languages; punctuation is ignored, so `Mr.` and `ma’am` are recognized.
    static func normalize(_ input: UnsafeRawBufferPointer, into sink: inout ByteSink) throws(NormalizationFailure) {
        if isASCII(input) {
            // The common case (`F`, `Male`, `Mrs.`): the word packed on the stack and found in
            // ``table``, without building a String or hashing one.
            var word = ShortKey()
            var fits = true
            for byte in input {
                let lower = asciiLowercase(byte)
                if isASCIILowerAlnum(lower) { fits = fits && word.append(lower) }
            }
            if fits {
                if word.count == 0 { throw .empty(.gender) }
                guard let code = table.code(for: word) else { throw NormalizationFailure(.gender, .unknownGender) }
                sink.append(UInt8(truncatingIfNeeded: code >> 8))
                return
            }
        }
        var key = ""
        if isASCII(input) {
            for byte in input {
                let lower = asciiLowercase(byte)
                if isASCIILowerAlnum(lower) { key.unicodeScalars.append(Unicode.Scalar(lower)) }
            }
        } else {
            UnicodeText.forEachLowercasedScalar(input) { scalar in
                if scalar.isLetterOrMark { key.unicodeScalars.append(scalar) }
            }
        }
        if male.contains(key) {
            sink.append(UInt8(ascii: "m"))
        } else if female.contains(key) {
            sink.append(UInt8(ascii: "f"))
        } else if key.isEmpty {
            throw .empty(.gender)
        } else {
            throw NormalizationFailure(.gender, .unknownGender)
        }
    }

    /// ``male`` and ``female`` for short ASCII words: the code's first byte is `m` or `f`
    /// (a ``PackedKeyTable`` holds two-byte codes).
    static let table = PackedKeyTable(
        Dictionary(uniqueKeysWithValues: male.map { ($0, "mm") } + female.map { ($0, "ff") }))

    static let male: Set<String> = [
        "m", "male", "man", "boy", "gentleman", "guy", "sir", "mister", "mr", "son", "father", "dad", "daddy",
        "papa", "uncle", "nephew", "brother", "husband", "boyfriend", "groom", "widower", "king", "prince",
        "duke", "count", "emperor", "god", "lord", "lad", "fellow", "chap", "bloke", "dude", "he", "him", "his",
        "himself",
        // Beyond capi-param-builder: common form values in other languages.
        "masculino", "masculin", "männlich", "maennlich", "maschio", "maschile", "herr", "hombre", "homme",
    ]

    static let female: Set<String> = [
        "f", "female", "woman", "girl", "lady", "miss", "ms", "mrs", "madam", "maam", "daughter", "mother",
        "mom", "mama", "mommy", "aunt", "niece", "sister", "wife", "girlfriend", "bride", "widow", "queen",
        "princess", "duchess", "countess", "empress", "goddess", "maiden", "lass", "gal", "chick", "dame",
        "belle", "she", "her", "hers", "herself",
        "femenino", "feminino", "féminin", "feminin", "weiblich", "femmina", "femminile", "frau", "mujer",
        "femme",
    ]
}
