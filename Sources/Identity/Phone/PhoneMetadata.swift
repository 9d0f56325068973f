/// libphonenumber's numbering plans and parsing patterns, precompiled into tables.
///
/// `Scripts/generate-phone-metadata.py` turns every regular expression libphonenumber
/// applies while parsing into an automaton, and writes the tables, base64-encoded, into
/// `PhoneMetadata+Generated.swift`. They are decoded once, on first use, into buffers that
/// live as long as the process; parsing then only indexes into them.
///
/// Two kinds of automata share one table (`transitions`/`labels`, alphabet: the ten digits):
/// - whole-string automata (a region's general and per-type number patterns, tagged with
///   one bit per pattern, and leading-digits patterns);
/// - priority automata for patterns applied with `re.match` where the end of the match and
///   the capturing groups matter (international and national prefixes): a state's label
///   names the highest-priority alternative that ends there, and ``Alternative`` says how
///   long it is and where its transform group sits.
struct PhoneMetadata: @unchecked Sendable {
    // @unchecked: a pointer to buffers that are written once, when the tables are decoded,
    // and never written again or freed. No reference counting on the hot path.

    /// One entry of the priority automata's alternative table.
    struct Alternative {
        /// The number of digits the alternative matches.
        let length: UInt8
        /// Start and end of the group the transform rule copies; 0xFF when it took no part.
        let groupStart: UInt8
        let groupEnd: UInt8
        /// Whether the pattern's last capturing group took part (libphonenumber applies the
        /// transform rule only then).
        let lastGroupParticipated: Bool
    }

    /// An automaton over character classes, for libphonenumber's own parsing patterns.
    struct ClassAutomaton {
        let start: Int
        let classCount: Int
        let transitions: UnsafeBufferPointer<UInt16>
        let accepting: UnsafeBufferPointer<UInt8>

        @inline(__always)
        func next(_ state: Int, _ characterClass: Int) -> Int {
            Int(transitions[state &* classCount &+ characterClass])
        }
    }

    /// A region's (or a non-geographic entity's) numbering plan: plain values only, so
    /// reading one costs no reference counting on the hot path.
    struct Entity {
        let callingCode: Int
        /// Whether this is the main region of its calling code (US for +1, GB for +44).
        let isMainRegion: Bool
        let sameMobileAndFixedLinePattern: Bool
        /// Root of the type automaton: label bit 0 is the general pattern, bits 1-10 the
        /// types in libphonenumber's order (premium rate ... voicemail, fixed line, mobile).
        let typeRoot: Int
        /// Root of the leading-digits automaton (0 when the region has none).
        let leadingDigitsRoot: Int
        let internationalPrefixRoot: Int
        let internationalPrefixBase: Int
        let nationalPrefixRoot: Int
        let nationalPrefixBase: Int
        /// The ASCII digits the transform rule puts before the group it copies, first digit
        /// in the lowest byte.
        let transformLiteral: UInt64
        let transformLiteralCount: Int
        /// The group the transform rule copies; 0 when the region has no transform rule.
        let transformGroup: UInt8
        /// Bit n is set when a national significant number of n digits is possible.
        let possibleLengths: UInt32
        /// Lengths possible only for local dialling (without an area code).
        let localOnlyLengths: UInt32
    }

    /// The decoded tables, allocated once and never freed; a `PhoneMetadata` is only a
    /// pointer to them, so passing it around copies 8 bytes.
    struct Tables {
        let transitions: UnsafeBufferPointer<UInt16>
        let labels: UnsafeBufferPointer<UInt32>
        let alternatives: UnsafeBufferPointer<Alternative>
        let asciiClasses: UnsafeBufferPointer<UInt8>
        /// Non-ASCII class ranges: (low, high, class), sorted.
        let classRanges: UnsafeBufferPointer<(UInt32, UInt32, UInt16)>
        let viable: ClassAutomaton
        let extensionReversed: ClassAutomaton
        let rfc3966GlobalNumber: ClassAutomaton
        let rfc3966DomainName: ClassAutomaton
        /// The code points of every Unicode decimal digit zero (Nd), sorted.
        let decimalZeros: UnsafeBufferPointer<UInt32>
        /// Non-ASCII ranges of Python's `\w`, sorted.
        let wordRanges: UnsafeBufferPointer<(UInt32, UInt32)>
        /// Non-ASCII characters whose uppercase is one ASCII letter, with its keypad digit.
        let alphaExtras: UnsafeBufferPointer<(UInt32, UInt8)>
        let entities: UnsafeBufferPointer<Entity>
        /// Each entity's region as two ASCII letters (first in the high byte), or 0 for a
        /// non-geographic entity (+800, +882, ...).
        let regionCodes: UnsafeBufferPointer<UInt16>
        /// Possible lengths per entity and type label bit (11 per entity; all bits set when the
        /// type lists none, 0 when the region has no such type).
        let typeLengths: UnsafeBufferPointer<UInt32>
        /// Entity index by region code (26 * 26 slots), -1 when unknown.
        let entityByRegion: UnsafeBufferPointer<Int16>
        /// Per calling code 0...999: the range of `entitiesByCallingCodeList` that holds its
        /// entities, main region first (empty when unassigned).
        let callingCodeRanges: UnsafeBufferPointer<(start: Int32, end: Int32)>
        let entitiesByCallingCodeList: UnsafeBufferPointer<Int16>

        init(base64: StaticString) {
            let bytes = base64.withUTF8Buffer { Self.decodeBase64($0) }
            var reader = Reader(bytes: bytes)
            precondition(reader.bytes(4) == Array("RPPH".utf8) && reader.u16() == 1, "phone metadata: unknown format")

            let stateCount = Int(reader.u32())
            transitions = Self.permanent((0..<(stateCount * 10)).map { _ in reader.u16() })
            labels = Self.permanent((0..<stateCount).map { _ in reader.u32() })
            let alternativeCount = Int(reader.u32())
            alternatives = Self.permanent(
                (0..<alternativeCount).map { _ in
                    Alternative(
                        length: reader.u8(), groupStart: reader.u8(), groupEnd: reader.u8(),
                        lastGroupParticipated: reader.u8() != 0)
                })

            let classCount = Int(reader.u16())
            asciiClasses = Self.permanent(reader.bytes(128))
            classRanges = Self.permanent((0..<Int(reader.u32())).map { _ in (reader.u32(), reader.u32(), reader.u16()) })
            func classAutomaton() -> ClassAutomaton {
                let states = Int(reader.u32())
                let start = Int(reader.u32())
                let table = (0..<(states * classCount)).map { _ in reader.u16() }
                let accepting = reader.bytes(states)
                return ClassAutomaton(
                    start: start, classCount: classCount, transitions: Self.permanent(table),
                    accepting: Self.permanent(accepting))
            }
            viable = classAutomaton()
            extensionReversed = classAutomaton()
            rfc3966GlobalNumber = classAutomaton()
            rfc3966DomainName = classAutomaton()

            decimalZeros = Self.permanent((0..<Int(reader.u32())).map { _ in reader.u32() })
            wordRanges = Self.permanent((0..<Int(reader.u32())).map { _ in (reader.u32(), reader.u32()) })
            alphaExtras = Self.permanent((0..<Int(reader.u32())).map { _ in (reader.u32(), reader.u8()) })

            var entities: [Entity] = []
            var regions: [RegionCode?] = []
            var typeLengths: [UInt32] = []
            let entityCount = Int(reader.u32())
            for _ in 0..<entityCount {
                let code = reader.bytes(2)
                regions.append(code[0] == 0 ? nil : RegionCode(code[0], code[1]))
                let callingCode = Int(reader.u16())
                let flags = reader.u8()
                let typeRoot = Int(reader.u32())
                let leadingDigitsRoot = Int(reader.u32())
                let iddRoot = Int(reader.u32())
                let iddBase = Int(reader.u32())
                let nppRoot = Int(reader.u32())
                let nppBase = Int(reader.u32())
                let literal = reader.bytes(Int(reader.u8()))
                precondition(literal.count <= 8, "phone metadata: transform literal too long")
                let group = reader.u8()
                let possible = reader.u32()
                let local = reader.u32()
                for _ in 0..<11 { typeLengths.append(reader.u32()) }
                entities.append(
                    Entity(
                        callingCode: callingCode, isMainRegion: flags & 1 != 0,
                        sameMobileAndFixedLinePattern: flags & 2 != 0, typeRoot: typeRoot,
                        leadingDigitsRoot: leadingDigitsRoot, internationalPrefixRoot: iddRoot,
                        internationalPrefixBase: iddBase, nationalPrefixRoot: nppRoot, nationalPrefixBase: nppBase,
                        transformLiteral: literal.reversed().reduce(0) { $0 << 8 | UInt64($1) },
                        transformLiteralCount: literal.count, transformGroup: group, possibleLengths: possible,
                        localOnlyLengths: local))
            }
            precondition(reader.bytes(4) == Array("END!".utf8), "phone metadata: truncated")
            self.entities = Self.permanent(entities)
            self.regionCodes = Self.permanent(
                regions.map { $0?.packed ?? 0 })
            self.typeLengths = Self.permanent(typeLengths)

            var byRegion = [Int16](repeating: -1, count: 26 * 26)
            var lists = [[Int16]](repeating: [], count: 1000)
            for (index, entity) in entities.enumerated() {
                if let slot = regions[index].flatMap(PhoneMetadata.slot) { byRegion[slot] = Int16(index) }
                if entity.isMainRegion {
                    lists[entity.callingCode].insert(Int16(index), at: 0)
                } else {
                    lists[entity.callingCode].append(Int16(index))
                }
            }
            entityByRegion = Self.permanent(byRegion)
            var flat: [Int16] = []
            var ranges: [(start: Int32, end: Int32)] = []
            for list in lists {
                let start = Int32(flat.count)
                flat += list
                ranges.append((start, Int32(flat.count)))
            }
            callingCodeRanges = Self.permanent(ranges)
            entitiesByCallingCodeList = Self.permanent(flat)
        }

        // MARK: Decoding

        private static func permanent<T>(_ values: [T]) -> UnsafeBufferPointer<T> {
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(values.count, 1))
            _ = buffer.initialize(from: values)
            return UnsafeBufferPointer(rebasing: buffer[0..<values.count])
        }

        private static func decodeBase64(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(text.count / 4 * 3)
            var accumulator: UInt32 = 0
            var bits = 0
            for byte in text {
                let value: UInt8
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
                case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a") + 26
                case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0") + 52
                case UInt8(ascii: "+"): value = 62
                case UInt8(ascii: "/"): value = 63
                default: continue  // line breaks, indentation and padding
                }
                accumulator = accumulator << 6 | UInt32(value)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                }
            }
            return out
        }

        private struct Reader {
            let bytes: [UInt8]
            var offset = 0

            mutating func u8() -> UInt8 {
                defer { offset += 1 }
                return bytes[offset]
            }

            mutating func u16() -> UInt16 {
                defer { offset += 2 }
                return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
            }

            mutating func u32() -> UInt32 {
                defer { offset += 4 }
                return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
                    | UInt32(bytes[offset + 3]) << 24
            }

            mutating func bytes(_ count: Int) -> [UInt8] {
                defer { offset += count }
                return Array(bytes[offset..<(offset + count)])
            }
        }
    }

    let tables: UnsafePointer<Tables>

    /// The shared tables, decoded on first use.
    static let shared: PhoneMetadata = {
        let pointer = UnsafeMutablePointer<Tables>.allocate(capacity: 1)
        pointer.initialize(to: Tables(base64: encodedTables))
        return PhoneMetadata(tables: UnsafePointer(pointer))
    }()

    @inline(__always) var transitions: UnsafeBufferPointer<UInt16> { tables.pointee.transitions }
    @inline(__always) var labels: UnsafeBufferPointer<UInt32> { tables.pointee.labels }
    @inline(__always) var alternatives: UnsafeBufferPointer<Alternative> { tables.pointee.alternatives }
    @inline(__always) var asciiClasses: UnsafeBufferPointer<UInt8> { tables.pointee.asciiClasses }
    @inline(__always) var classRanges: UnsafeBufferPointer<(UInt32, UInt32, UInt16)> { tables.pointee.classRanges }
    @inline(__always) var viable: ClassAutomaton { tables.pointee.viable }
    @inline(__always) var extensionReversed: ClassAutomaton { tables.pointee.extensionReversed }
    @inline(__always) var rfc3966GlobalNumber: ClassAutomaton { tables.pointee.rfc3966GlobalNumber }
    @inline(__always) var rfc3966DomainName: ClassAutomaton { tables.pointee.rfc3966DomainName }
    @inline(__always) var decimalZeros: UnsafeBufferPointer<UInt32> { tables.pointee.decimalZeros }
    @inline(__always) var wordRanges: UnsafeBufferPointer<(UInt32, UInt32)> { tables.pointee.wordRanges }
    @inline(__always) var alphaExtras: UnsafeBufferPointer<(UInt32, UInt8)> { tables.pointee.alphaExtras }
    @inline(__always) var entities: UnsafeBufferPointer<Entity> { tables.pointee.entities }
    @inline(__always) var regionCodes: UnsafeBufferPointer<UInt16> { tables.pointee.regionCodes }
    @inline(__always) var typeLengths: UnsafeBufferPointer<UInt32> { tables.pointee.typeLengths }
    @inline(__always) var entityByRegion: UnsafeBufferPointer<Int16> { tables.pointee.entityByRegion }
    @inline(__always) var callingCodeRanges: UnsafeBufferPointer<(start: Int32, end: Int32)> { tables.pointee.callingCodeRanges }
    @inline(__always) var entitiesByCallingCodeList: UnsafeBufferPointer<Int16> { tables.pointee.entitiesByCallingCodeList }

    // MARK: Lookups

    static func slot(_ region: RegionCode) -> Int? {
        let a = Int(region.packed >> 8) &- 65
        let b = Int(region.packed & 0xFF) &- 65
        guard a >= 0, a < 26, b >= 0, b < 26 else { return nil }
        return a &* 26 &+ b
    }

    /// An entity's region, or nil for a non-geographic entity.
    func region(ofEntity index: Int) -> RegionCode? {
        let code = regionCodes[index]
        guard code != 0 else { return nil }
        return RegionCode(UInt8(code >> 8), UInt8(code & 0xFF))
    }

    /// The entity of a region libphonenumber supports, or nil.
    func entityIndex(for region: RegionCode) -> Int? {
        guard let slot = PhoneMetadata.slot(region) else { return nil }
        let index = entityByRegion[slot]
        return index < 0 ? nil : Int(index)
    }

    /// Whether a calling code is assigned.
    @inline(__always)
    func isCallingCode(_ code: Int) -> Bool {
        code > 0 && code < 1000 && callingCodeRanges[code].start != callingCodeRanges[code].end
    }

    /// The entity libphonenumber parses a calling code's numbers with: its main region, or
    /// the non-geographic entity.
    func mainEntity(forCallingCode code: Int) -> Int {
        Int(entitiesByCallingCodeList[Int(callingCodeRanges[code].start)])
    }

}
