/// Why a phone number could not be parsed: libphonenumber's `NumberParseException` types.
enum PhoneParseFailure: Error, Equatable {
    /// The text does not look like a phone number (fewer than three digits, stray
    /// characters, an invalid RFC 3966 phone-context).
    case notANumber
    /// The digits after `+` or the international prefix are no assigned calling code.
    case invalidCountryCode
    /// A national number (no `+`, no international prefix) and no region to read it in.
    case missingRegion
    /// Too few digits after the international prefix.
    case tooShortAfterInternationalPrefix
    /// Fewer than two digits in the national number.
    case tooShortNationalNumber
    /// More than 17 digits in the national number, or more than 250 characters.
    case tooLong
}

/// A parsed number: the calling code and the national significant number's digits.
struct PhoneParseResult {
    var callingCode: Int
    /// ASCII digits, inside the parser's workspace.
    var national: UnsafeBufferPointer<UInt8>
    /// The extension's digits as ASCII, inside the parser's workspace (empty when none).
    var extensionDigits: UnsafeBufferPointer<UInt8>
}

/// A port of libphonenumber's `PhoneNumberUtil.parse` (as in `phonenumbers` 9.0.43) onto
/// bytes and precompiled tables. Function names follow the Python port's, so the two can
/// be read side by side; every regular expression is replaced by a table walk.
///
/// One parser works inside buffers owned by the caller (see ``withParser(_:metadata:_:)``): the
/// input's Unicode scalars, the number being parsed, and digit buffers. Nothing is
/// allocated on the heap for inputs of ordinary size.
struct PhoneParser {
    /// The shared tables (a pointer).
    let md: PhoneMetadata
    /// The input's scalars.
    let input: UnsafeMutableBufferPointer<UInt32>
    let inputCount: Int
    /// Whether the input holds only ASCII digits, `+` and the separators ` -.()/`: such
    /// input has no RFC 3966 parameters, no second number and no extension to look for.
    let simple: Bool
    /// The number being parsed (after `_build_national_number_for_parsing`): a slice of
    /// `input`, or the scratch buffer `scratchText` for RFC 3966 phone-context input.
    var text: UnsafePointer<UInt32>
    let scratchText: UnsafeMutablePointer<UInt32>
    /// Digit buffers, each `digitCapacity` long.
    let digits: UnsafeMutablePointer<UInt8>
    let digitCapacity: Int

    static let maximumInputLength = 250
    static let minimumNationalLength = 2
    static let maximumNationalLength = 17

    /// Decodes `utf8` and runs `body` with a parser whose buffers live on the stack for
    /// inputs of ordinary size. `md` is taken from a caller that has read the shared tables
    /// already: reading the global again costs a `swift_once` call.
    static func withParser<R>(
        _ utf8: UnsafeRawBufferPointer, metadata md: PhoneMetadata = .shared,
        _ body: (PhoneParser) throws(PhoneParseFailure) -> R
    ) throws(PhoneParseFailure) -> R {
        // Scalars never outnumber bytes; a phone-context number can double the text.
        let count = utf8.count
        // Typed throws straight through both allocations: a Result built inside them and
        // unpacked outside went through memory in pieces and stalled (store forwarding).
        return try withUnsafeTemporaryAllocation(of: UInt32.self, capacity: count &* 3 &+ 8) {
            scalars throws(PhoneParseFailure) -> R in
            let (scalarCount, simple) = decodeUTF8(utf8, into: scalars.baseAddress!)
            guard scalarCount <= maximumInputLength else { throw .tooLong }
            let digitCapacity = scalarCount &+ 24
            return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: digitCapacity &* 4) {
                digitBuffer throws(PhoneParseFailure) -> R in
                let parser = PhoneParser(
                    md: md, input: scalars, inputCount: scalarCount, simple: simple,
                    text: UnsafePointer(scalars.baseAddress!), scratchText: scalars.baseAddress! + scalarCount,
                    digits: digitBuffer.baseAddress!,
                    digitCapacity: digitCapacity)
                return try body(parser)
            }
        }
    }

    /// Bit b is set for the bytes of simple input: 0-9 (bits 48-57) and + space - . ( ) /
    /// (bits 43, 32, 45, 46, 40, 41, 47). A literal rather than computed on first use: a lazily
    /// initialized global costs a `swift_once` call on every access, once per parse here.
    static let simpleBytes: UInt64 = 0x03FF_EB01_0000_0000

    @inline(__always)
    static func decodeUTF8(
        _ utf8: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt32>
    )
        -> (count: Int, simple: Bool)
    {
        var n = 0
        var i = 0
        let count = utf8.count
        let mask = simpleBytes
        var simple = true
        // Bit 0 is set once an ASCII byte outside the simple set was seen: an integer
        // accumulated without branches rather than a chain of short-circuit tests.
        var outsideSimple: UInt64 = 0
        while i < count {
            let b0 = UInt32(utf8[i])
            if b0 < 0x80 {
                out[n] = b0
                outsideSimple |= b0 < 64 ? (~mask >> UInt64(b0)) & 1 : 1
                i &+= 1
            } else if b0 < 0xE0 {
                simple = false
                out[n] = (b0 & 0x1F) << 6 | UInt32(utf8[i &+ 1] & 0x3F)
                i &+= 2
            } else if b0 < 0xF0 {
                simple = false
                out[n] = (b0 & 0x0F) << 12 | UInt32(utf8[i &+ 1] & 0x3F) << 6 | UInt32(utf8[i &+ 2] & 0x3F)
                i &+= 3
            } else {
                simple = false
                out[n] =
                    (b0 & 0x07) << 18 | UInt32(utf8[i &+ 1] & 0x3F) << 12 | UInt32(utf8[i &+ 2] & 0x3F) << 6
                    | UInt32(utf8[i &+ 3] & 0x3F)
                i &+= 4
            }
            n &+= 1
        }
        return (n, simple && outsideSimple == 0)
    }

    // MARK: - parse

    /// Parses the input as libphonenumber's `parse(number, region)` does.
    ///
    /// - Parameters:
    ///   - region: the entity index of the default region, or nil.
    func parse(
        region: Int?
    ) throws(PhoneParseFailure)
        -> PhoneParseResult
    {
        var parser = self
        let built = try buildNationalNumberForParsing()
        parser.text = built.text
        return try parser.parseBuilt(built.length, region: region)
    }

    private func parseBuilt(
        _ builtLength: Int, region: Int?
    )
        throws(PhoneParseFailure) -> PhoneParseResult
    {
        var length = builtLength
        guard isViablePhoneNumber(length) else { throw .notANumber }
        let startsWithPlus = length > 0 && Self.isPlus(text[0])
        if region == nil && !startsWithPlus { throw .missingRegion }

        // Extension.
        var extensionDigits = UnsafeBufferPointer<UInt8>(start: digits, count: 0)
        if !simple, let start = extensionStart(length), isViablePhoneNumber(start) {
            let out = digits + 4 &* digitCapacity - 24
            var end = length
            if text[end - 1] == UInt32(UInt8(ascii: "#")) { end -= 1 }
            var first = end
            while first > start, md.decimalValue(text[first - 1]) != nil { first -= 1 }
            var n = 0
            for i in first..<end where n < 20 {
                out[n] = 0x30 &+ md.decimalValue(text[i])!
                n += 1
            }
            extensionDigits = UnsafeBufferPointer(start: out, count: n)
            length = start
        }

        var entity = region
        let d1 = digits
        let d2 = digits + digitCapacity
        let d3 = digits + 2 &* digitCapacity

        var extracted: (callingCode: Int, national: UnsafeBufferPointer<UInt8>)
        do throws(PhoneParseFailure) {
            extracted = try maybeExtractCountryCode(
                from: 0, to: length, entity: entity, into: d1, scratch: d2)
        } catch {
            guard error == .invalidCountryCode, startsWithPlus else { throw error }
            var p = 0
            while p < length, Self.isPlus(text[p]) { p += 1 }
            extracted = try maybeExtractCountryCode(
                from: p, to: length, entity: entity, into: d1, scratch: d2)
            if extracted.callingCode == 0 { throw .invalidCountryCode }
        }

        var callingCode = extracted.callingCode
        var national: UnsafeBufferPointer<UInt8>
        if callingCode != 0 {
            // Parsed with the rules of the calling code's main region (GB for +44).
            entity = md.mainEntity(forCallingCode: callingCode)
            national = extracted.national
        } else {
            guard let region = entity else { throw .missingRegion }
            // `_normalize(national_number)`: already done by maybeExtractCountryCode, over the
            // same text (a failed plus-retry never gets here).
            national = extracted.national
            callingCode = md.entities[region].callingCode
        }
        guard national.count >= Self.minimumNationalLength else { throw .tooShortNationalNumber }
        if let entity {
            let potential = maybeStripNationalPrefix(national, entity: entity, into: d3)
            switch testNumberLength(potential.count, entity: entity) {
            case .tooShort, .possibleLocalOnly, .invalidLength: break
            default: national = potential
            }
        }
        guard national.count >= Self.minimumNationalLength else { throw .tooShortNationalNumber }
        guard national.count <= Self.maximumNationalLength else { throw .tooLong }
        return PhoneParseResult(
            callingCode: callingCode, national: national, extensionDigits: extensionDigits)
    }

    // MARK: - Building the number to parse

    /// `_build_national_number_for_parsing`: RFC 3966 phone-context, or the possible number
    /// found in free text; then drops an ISDN subaddress. Writes into `text`.
    func buildNationalNumberForParsing() throws(PhoneParseFailure) -> (text: UnsafePointer<UInt32>, length: Int) {
        let s = input.baseAddress!
        let n = inputCount
        var hasSemicolon = false
        if !simple {
            for i in 0..<n where s[i] == 0x3B {
                hasSemicolon = true
                break
            }
        }
        var text: UnsafePointer<UInt32>
        var length = 0
        if hasSemicolon, let contextIndex = Self.find(Self.phoneContext, in: s, count: n) {
            let contextStart = contextIndex + Self.phoneContext.count
            guard contextStart < n else { throw .notANumber }  // empty phone-context
            var contextEnd = contextStart
            while contextEnd < n, s[contextEnd] != 0x3B { contextEnd += 1 }
            guard contextEnd > contextStart,
                matches(md.rfc3966GlobalNumber, s + contextStart, contextEnd - contextStart)
                    || matches(md.rfc3966DomainName, s + contextStart, contextEnd - contextStart)
            else { throw .notANumber }
            if s[contextStart] == 0x2B {
                for i in contextStart..<contextEnd {
                    scratchText[length] = s[i]
                    length += 1
                }
            }
            let telIndex = Self.find(Self.telPrefix, in: s, count: n)
            let from = telIndex.map { $0 + Self.telPrefix.count } ?? 0
            if from < contextIndex {
                for i in from..<contextIndex {
                    scratchText[length] = s[i]
                    length += 1
                }
            }
            text = UnsafePointer(scratchText)
        } else {
            (text, length) = extractPossibleNumber()
        }
        if hasSemicolon, let isdn = Self.find(Self.isdnSubaddress, in: text, count: length), isdn > 0 {
            length = isdn
        }
        return (text, length)
    }

    /// `_extract_possible_number`: from the first `+` or digit, without trailing
    /// punctuation, and cut before a second number (`/x...`). A slice of the input.
    func extractPossibleNumber() -> (text: UnsafePointer<UInt32>, length: Int) {
        let s = UnsafePointer(input.baseAddress!)
        let n = inputCount
        var start = 0
        while start < n, !(Self.isPlus(s[start]) || md.decimalValue(s[start]) != nil) { start += 1 }
        guard start < n else { return (s, 0) }
        var end = n
        while end > start, isUnwantedEndCharacter(s[end - 1]) { end -= 1 }
        if simple { return (s + start, end - start) }
        // _SECOND_NUMBER_START: [\\/] *x
        var i = start
        while i < end {
            let c = s[i]
            if c == 0x5C || c == 0x2F {
                var j = i + 1
                while j < end, s[j] == 0x20 { j += 1 }
                if j < end, s[j] == UInt32(UInt8(ascii: "x")) { return (s + start, i - start) }
            }
            i += 1
        }
        return (s + start, end - start)
    }

    /// `(?:_|[^#\w])` with Python's Unicode `\w`.
    @inline(__always)
    func isUnwantedEndCharacter(_ c: UInt32) -> Bool {
        if c < 0x80 {
            let b = UInt8(truncatingIfNeeded: c)
            if b == UInt8(ascii: "#") { return false }
            return !((b &- 0x30) < 10 || ((b | 0x20) &- 0x61) < 26)
        }
        return !md.isWordCharacter(c)
    }

    // MARK: - Viability and extensions

    /// `_is_viable_phone_number` over `text[0..<length]`.
    func isViablePhoneNumber(_ length: Int) -> Bool {
        guard length >= Self.minimumNationalLength else { return false }
        // Fast path, same answer as the automaton: after any leading plus signs, only ASCII
        // digits and the common separators " -.()/" (all in VALID_PUNCTUATION). Such a
        // string is viable when it has three digits or more, or is exactly two digits.
        var i = 0
        while i < length, Self.isPlus(text[i]) { i &+= 1 }
        let afterPlus = i
        var digitCount = 0
        while i < length {
            let c = text[i]
            if (c &- 0x30) < 10 {
                digitCount &+= 1
            } else if !(c == 0x20 || c == 0x2D || c == 0x2E || c == 0x28 || c == 0x29 || c == 0x2F) {
                return matches(md.viable, text, length)
            }
            i &+= 1
        }
        return digitCount >= 3 || (afterPlus == 0 && digitCount == 2 && length == 2)
    }

    func matches(_ automaton: PhoneMetadata.ClassAutomaton, _ s: UnsafePointer<UInt32>, _ count: Int) -> Bool {
        let table = automaton.transitions.baseAddress!
        let classCount = automaton.classCount
        let ascii = md.asciiClasses.baseAddress!
        var state = automaton.start
        var i = 0
        while i < count {
            let c = s[i]
            let characterClass = c < 0x80 ? Int(ascii[Int(c)]) : md.characterClass(c)
            state = Int(table[state &* classCount &+ characterClass])
            if state == 0 { return false }
            i &+= 1
        }
        return automaton.accepting[state] != 0
    }

    /// Where `_EXTN_PATTERN.search` finds an extension in `text[0..<length]`: the leftmost
    /// start from which the extension pattern matches up to the end, or nil.
    func extensionStart(_ length: Int) -> Int? {
        guard length > 0 else { return nil }
        // Every extension ends with a digit or a hash; skip the automaton for the rest.
        let last = text[length - 1]
        guard md.decimalValue(last) != nil || last == UInt32(UInt8(ascii: "#")) else { return nil }
        let automaton = md.extensionReversed
        var state = automaton.start
        var best: Int?
        var i = length
        while i > 0 {
            i -= 1
            state = automaton.next(state, md.characterClass(text[i]))
            if state == 0 { break }
            if automaton.accepting[state] != 0 { best = i }
        }
        return best
    }

    // MARK: - Country calling code

    /// `_maybe_extract_country_code` over `text[from..<to]`. Writes the normalized number
    /// into `out`; returns the calling code (0 when none) and the national number.
    func maybeExtractCountryCode(
        from: Int, to: Int, entity: Int?, into out: UnsafeMutablePointer<UInt8>,
        scratch: UnsafeMutablePointer<UInt8>
    ) throws(PhoneParseFailure) -> (callingCode: Int, national: UnsafeBufferPointer<UInt8>) {
        // With no calling code, `national` is the whole normalized number (what parse would
        // normalize again).
        guard to > from else { return (0, UnsafeBufferPointer(start: out, count: 0)) }
        // _maybe_strip_i18n_prefix_and_normalize
        var international = false
        var start = 0
        var count: Int
        if Self.isPlus(text[from]) {
            var p = from
            while p < to, Self.isPlus(text[p]) { p += 1 }
            count = normalize(from: p, to: to, into: out)
            international = true
        } else {
            count = normalize(from: from, to: to, into: out)
            var prefixEnd: Int?
            if let entity {
                let e = md.entities[entity]
                if e.internationalPrefixRoot != 0 {
                    prefixEnd = matchPrefix(
                        root: e.internationalPrefixRoot, base: e.internationalPrefixBase, out, count
                    ).map { Int(md.alternatives[$0].length) }
                }
            }
            if let end = prefixEnd {
                // _parse_prefix_as_idd: a calling code never starts with 0.
                if end >= count || out[end] != 0x30 {
                    start = end
                    international = true
                }
            }
        }
        if international {
            let length = count - start
            guard length > Self.minimumNationalLength else { throw .tooShortAfterInternationalPrefix }
            // _extract_country_code
            guard out[start] != 0x30 else { throw .invalidCountryCode }
            var code = 0
            for k in 0..<min(3, length) {
                code = code &* 10 &+ Int(out[start + k] &- 0x30)
                if md.isCallingCode(code) {
                    return (code, UnsafeBufferPointer(start: out + start + k + 1, count: length - k - 1))
                }
            }
            throw .invalidCountryCode
        }
        if let entity {
            // The default region's calling code written without `+`.
            let e = md.entities[entity]
            var codeDigits: (UInt8, UInt8, UInt8) = (0, 0, 0)
            let codeLength = Self.digitsOf(e.callingCode, into: &codeDigits)
            if count >= codeLength,
                withUnsafeBytes(
                    of: codeDigits,
                    { raw in
                        (0..<codeLength).allSatisfy { raw[$0] == out[$0] }
                    })
            {
                let full = UnsafeBufferPointer(start: out, count: count)
                let rest = UnsafeBufferPointer(start: out + codeLength, count: count - codeLength)
                let potential = maybeStripNationalPrefix(rest, entity: entity, into: scratch)
                if (!matchesGeneral(full, entity: entity) && matchesGeneral(potential, entity: entity))
                    || testNumberLength(count, entity: entity) == .tooLong
                {
                    return (e.callingCode, potential)
                }
            }
        }
        return (0, UnsafeBufferPointer(start: out, count: count))
    }

    static func digitsOf(_ code: Int, into digits: inout (UInt8, UInt8, UInt8)) -> Int {
        if code >= 100 {
            digits = (UInt8(0x30 + code / 100), UInt8(0x30 + code / 10 % 10), UInt8(0x30 + code % 10))
            return 3
        }
        if code >= 10 {
            digits = (UInt8(0x30 + code / 10), UInt8(0x30 + code % 10), 0)
            return 2
        }
        digits = (UInt8(0x30 + code), 0, 0)
        return 1
    }

    // MARK: - National prefix

    /// `_maybe_strip_national_prefix_carrier_code`: the number without its national prefix
    /// (or carrier code), transformed by the region's rule; the number itself when nothing
    /// is stripped. May write into `out`.
    func maybeStripNationalPrefix(
        _ number: UnsafeBufferPointer<UInt8>, entity: Int, into out: UnsafeMutablePointer<UInt8>
    ) -> UnsafeBufferPointer<UInt8> {
        let e = md.entities[entity]
        guard number.count > 0, e.nationalPrefixRoot != 0,
            let alternative = matchPrefix(
                root: e.nationalPrefixRoot, base: e.nationalPrefixBase, number.baseAddress!, number.count)
        else { return number }
        let viableOriginal = matchesGeneral(number, entity: entity)
        let match = md.alternatives[alternative]
        let end = Int(match.length)
        if e.transformGroup == 0 || !match.lastGroupParticipated {
            let rest = UnsafeBufferPointer(rebasing: number[end...])
            if viableOriginal && !matchesGeneral(rest, entity: entity) { return number }
            return rest
        }
        var n = 0
        var literal = e.transformLiteral
        while n < e.transformLiteralCount {
            out[n] = UInt8(truncatingIfNeeded: literal)
            literal >>= 8
            n += 1
        }
        if match.groupStart != 0xFF {
            for i in Int(match.groupStart)..<Int(match.groupEnd) {
                out[n] = number[i]
                n += 1
            }
        }
        for i in end..<number.count {
            out[n] = number[i]
            n += 1
        }
        let transformed = UnsafeBufferPointer(start: out, count: n)
        if viableOriginal && !matchesGeneral(transformed, entity: entity) { return number }
        return transformed
    }

    // MARK: - Automata over digits

    /// `re.match` of a priority automaton: the index (in the alternative table) of the
    /// alternative Python's backtracking engine would return, or nil.
    @inline(__always)
    func matchPrefix(root: Int, base: Int, _ s: UnsafePointer<UInt8>, _ count: Int) -> Int? {
        var state = root
        var best: UInt32 = 0xFFFF
        var i = 0
        while true {
            let label = md.labels[state]
            let any = label & 0xFFFF
            if any < best { best = any }
            if i == count {
                let anchored = label >> 16
                if anchored < best { best = anchored }
                break
            }
            state = Int(md.transitions[state &* 10 &+ Int(s[i] &- 0x30)])
            if state == 0 { break }
            i &+= 1
        }
        return best == 0xFFFF ? nil : base + Int(best)
    }

    /// The label of the whole-string automaton at `root` for `number` (0 when it fails).
    @inline(__always)
    func fullLabel(root: Int, _ number: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var state = root
        for digit in number {
            state = Int(md.transitions[state &* 10 &+ Int(digit &- 0x30)])
            if state == 0 { return 0 }
        }
        return md.labels[state]
    }

    /// `_match_national_number(number, general_desc, False)`.
    @inline(__always)
    func matchesGeneral(_ number: UnsafeBufferPointer<UInt8>, entity: Int) -> Bool {
        let root = md.entities[entity].typeRoot
        return root != 0 && fullLabel(root: root, number) & 1 != 0
    }

    enum LengthResult { case possible, possibleLocalOnly, tooShort, tooLong, invalidLength }

    /// `_test_number_length(number, metadata)` for the general description.
    func testNumberLength(_ length: Int, entity: Int) -> LengthResult {
        md.testNumberLength(length, entity: entity)
    }

    // MARK: - Normalization

    /// `_normalize` of `text[from..<to]` into `out`: keypad digits for letters when the text
    /// has three or more ASCII letters (vanity numbers), else decimal digits of any script.
    func normalize(from: Int, to: Int, into out: UnsafeMutablePointer<UInt8>) -> Int {
        // One pass writes the decimal digits and counts the ASCII letters; vanity numbers
        // (three letters or more, no line break) are then rewritten with keypad digits.
        var letters = 0
        var newline = false
        var n = 0
        var i = from
        while i < to {
            let c = text[i]
            if c < 0x80 {
                let b = UInt8(truncatingIfNeeded: c)
                if (b &- 0x30) < 10 {
                    out[n] = b
                    n &+= 1
                } else if ((b | 0x20) &- 0x61) < 26 {
                    letters &+= 1
                } else if b == 0x0A {
                    newline = true
                }
            } else if let value = md.nonASCIIDecimalValue(c) {
                out[n] = 0x30 &+ value
                n &+= 1
            }
            i &+= 1
        }
        guard letters >= 3 && !newline else { return n }
        n = 0
        for i in from..<to {
            let c = text[i]
            if c < 0x80 {
                let b = UInt8(truncatingIfNeeded: c)
                if (b &- 0x30) < 10 {
                    out[n] = b
                    n += 1
                } else if ((b | 0x20) &- 0x61) < 26 {
                    out[n] = Self.keypad[Int((b | 0x20) &- 0x61)]
                    n += 1
                }
            } else if let digit = md.alphaExtra(c) {
                out[n] = digit
                n += 1
            }
        }
        return n
    }

    /// ITU E.161 keypad digits for a...z.
    static let keypad: [UInt8] = Array("22233344455566677778889999".utf8)

    // MARK: - Helpers

    @inline(__always)
    static func isPlus(_ c: UInt32) -> Bool { c == 0x2B || c == 0xFF0B }

    static let phoneContext: [UInt32] = ";phone-context=".unicodeScalars.map(\.value)
    static let telPrefix: [UInt32] = "tel:".unicodeScalars.map(\.value)
    static let isdnSubaddress: [UInt32] = ";isub=".unicodeScalars.map(\.value)

    /// The first index of `needle` in `s[0..<count]` (case-sensitive), or nil.
    static func find(_ needle: [UInt32], in s: UnsafePointer<UInt32>, count: Int) -> Int? {
        let m = needle.count
        guard count >= m else { return nil }
        let first = needle[0]
        var i = 0
        while i <= count - m {
            if s[i] == first {
                var j = 1
                while j < m, s[i + j] == needle[j] { j += 1 }
                if j == m { return i }
            }
            i += 1
        }
        return nil
    }
}

extension PhoneMetadata {
    /// The character class of a scalar, for the class automata.
    @inline(__always)
    func characterClass(_ c: UInt32) -> Int {
        if c < 0x80 { return Int(asciiClasses[Int(c)]) }
        var lo = 0
        var hi = classRanges.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if classRanges[mid].1 < c { lo = mid + 1 } else { hi = mid }
        }
        if lo < classRanges.count, classRanges[lo].0 <= c { return Int(classRanges[lo].2) }
        return 0
    }

    /// The value of a Unicode decimal digit (general category Nd), or nil.
    @inline(__always)
    func decimalValue(_ c: UInt32) -> UInt8? {
        if c < 0x80 {
            let d = UInt8(truncatingIfNeeded: c) &- 0x30
            return d < 10 ? d : nil
        }
        return nonASCIIDecimalValue(c)
    }

    func nonASCIIDecimalValue(_ c: UInt32) -> UInt8? {
        // The largest zero <= c.
        var lo = 0
        var hi = decimalZeros.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if decimalZeros[mid] <= c { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        let offset = c - decimalZeros[lo - 1]
        return offset < 10 ? UInt8(offset) : nil
    }

    /// Whether a non-ASCII scalar is a word character for Python's `\w`.
    func isWordCharacter(_ c: UInt32) -> Bool {
        var lo = 0
        var hi = wordRanges.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if wordRanges[mid].1 < c { lo = mid + 1 } else { hi = mid }
        }
        return lo < wordRanges.count && wordRanges[lo].0 <= c
    }

    /// The keypad digit of a non-ASCII character whose uppercase is an ASCII letter.
    func alphaExtra(_ c: UInt32) -> UInt8? {
        for (scalar, digit) in alphaExtras where scalar == c { return digit }
        return nil
    }

    /// `_test_number_length` for the general description of an entity.
    func testNumberLength(_ length: Int, entity: Int) -> PhoneParser.LengthResult {
        let e = entities[entity]
        if length < 32, e.localOnlyLengths & (1 << UInt32(length)) != 0 { return .possibleLocalOnly }
        let possible = e.possibleLengths
        let minimum = possible.trailingZeroBitCount
        let maximum = 31 - possible.leadingZeroBitCount
        if length == minimum { return .possible }
        if length < minimum { return .tooShort }
        if length > maximum { return .tooLong }
        return possible & (1 << UInt32(length)) != 0 ? .possible : .invalidLength
    }
}
