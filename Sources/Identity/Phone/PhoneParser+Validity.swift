extension PhoneMetadata {
    /// libphonenumber's `_number_type_helper(...) != UNKNOWN`: whether the national number
    /// matches the general pattern and one of the entity's number types, lengths included.
    func isValidNumber(_ national: UnsafeBufferPointer<UInt8>, entity: Int) -> Bool {
        let e = entities[entity]
        guard e.typeRoot != 0, national.count < 32 else { return false }
        var state = e.typeRoot
        for digit in national {
            state = Int(transitions[state &* 10 &+ Int(digit &- 0x30)])
            if state == 0 { return false }
        }
        let label = labels[state]
        let lengthBit: UInt32 = 1 << UInt32(national.count)
        let lengths = entity &* 11
        func has(_ bit: Int) -> Bool { label & (1 << UInt32(bit)) != 0 && typeLengths[lengths &+ bit] & lengthBit != 0 }
        guard has(0) else { return false }
        // Premium rate, toll free, shared cost, VoIP, personal, pager, UAN, voicemail, fixed line.
        for bit in 1...9 where has(bit) { return true }
        return !e.sameMobileAndFixedLinePattern && has(10)
    }

    /// libphonenumber's `region_code_for_number`: the entity a number belongs to. For a
    /// calling code shared by several regions, the first whose leading digits match or
    /// for which the number is valid; nil when none.
    func entity(forCallingCode code: Int, national: UnsafeBufferPointer<UInt8>) -> Int? {
        lookUpEntity(forCallingCode: code, national: national)?.index
    }

    /// ``entity(forCallingCode:national:)`` when the number is valid in that entity, else nil:
    /// `isValidNumber(national, entity: own)` for the entity found, without walking the type
    /// automaton a second time when the lookup itself found the entity by its validity.
    func validEntity(forCallingCode code: Int, national: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let found = lookUpEntity(forCallingCode: code, national: national) else { return nil }
        return found.isKnownValid || isValidNumber(national, entity: found.index) ? found.index : nil
    }

    /// The lookup behind both: the entity, and whether it was chosen because the number is
    /// valid there (so that need not be checked again).
    private func lookUpEntity(
        forCallingCode code: Int, national: UnsafeBufferPointer<UInt8>
    ) -> (index: Int, isKnownValid: Bool)? {
        guard isCallingCode(code) else { return nil }
        let range = Int(callingCodeRanges[code].start)..<Int(callingCodeRanges[code].end)
        if range.count == 1 { return (Int(entitiesByCallingCodeList[range.lowerBound]), false) }
        for slot in range {
            let index = Int(entitiesByCallingCodeList[Int(slot)])
            let e = entities[index]
            if e.leadingDigitsRoot != 0 {
                if matchesLeadingDigits(root: e.leadingDigitsRoot, national) { return (index, false) }
            } else if isValidNumber(national, entity: index) {
                return (index, true)
            }
        }
        return nil
    }

    /// `re.match(leading_digits, national)`: some prefix of the number matches.
    func matchesLeadingDigits(root: Int, _ national: UnsafeBufferPointer<UInt8>) -> Bool {
        var state = root
        if labels[state] != 0 { return true }
        for digit in national {
            state = Int(transitions[state &* 10 &+ Int(digit &- 0x30)])
            if state == 0 { return false }
            if labels[state] != 0 { return true }
        }
        return false
    }
}

extension PhoneParser {
    /// Mexico dropped its mobile `1` after the country code (`+52 1 55 ...`) and the
    /// national `01`, `044` and `045` prefixes in 2019-2020; libphonenumber now parses such
    /// input into numbers that are not valid, and which would never match. When the rest is
    /// a valid Mexican number, RoasProof uses the rest.
    func mexicanLegacyForm(_ result: PhoneParseResult) -> UnsafeBufferPointer<UInt8>? {
        guard result.callingCode == 52 else { return nil }
        let national = result.national
        let drop: Int
        switch national.count {
        case 11 where national[0] == 0x31: drop = 1  // 1 + ten digits
        case 12 where national[0] == 0x30 && national[1] == 0x31: drop = 2  // 01 + ten digits
        case 13 where national[0] == 0x30 && national[1] == 0x34 && (national[2] == 0x34 || national[2] == 0x35):
            drop = 3  // 044 / 045 + ten digits
        default: return nil
        }
        let rest = UnsafeBufferPointer(rebasing: national[drop...])
        let entity = md.mainEntity(forCallingCode: 52)
        return md.isValidNumber(rest, entity: entity) ? rest : nil
    }
}
