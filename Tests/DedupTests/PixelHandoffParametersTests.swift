import CAPIModel
import Dedup
import Foundation
import Testing

/// The hand-off's parameters are built from the custom data directly; they must equal what
/// encoding the custom data and decoding the text as a `JSONValue` gives.
@Suite struct PixelHandoffParametersTests {
    /// SplitMix64: the same varied custom data on every run.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let numbers = ["184.50", "0.1", "-3", "0", "1e3", "12345678901234567890.123", "0.000001", "49.9", "100"]
    static let strings = ["EUR", "Zoë's \"best\" </script>", "line\nbreak", "你好", "", "\u{2028}", "tab\there", "😀"]

    static func customData(_ random: inout Generator) -> CustomData {
        func maybe<T>(_ make: () -> T) -> T? { Bool.random(using: &random) ? make() : nil }
        func number() -> Decimal { Decimal(string: numbers.randomElement(using: &random)!)! }
        func string() -> String { strings.randomElement(using: &random)! }
        func json(depth: Int) -> JSONValue {
            switch Int.random(in: 0..<(depth > 1 ? 4 : 6), using: &random) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &random))
            case 2: return .number(number())
            case 3: return .string(string())
            case 4: return .array((0..<Int.random(in: 0...3, using: &random)).map { _ in json(depth: depth + 1) })
            default:
                return .object(
                    Dictionary(
                        (0..<Int.random(in: 0...3, using: &random)).map { ("k\($0)", json(depth: depth + 1)) },
                        uniquingKeysWith: { first, _ in first }))
            }
        }
        var data = CustomData(
            value: maybe(number), currency: maybe(string), contentName: maybe(string), contentCategory: maybe(string),
            contentIDs: maybe { (0..<Int.random(in: 0...3, using: &random)).map { _ in string() } },
            contents: maybe {
                (0..<Int.random(in: 0...3, using: &random)).map { index in
                    Content(
                        id: "sku-\(index)", quantity: maybe { Int.random(in: -5...500, using: &random) },
                        itemPrice: maybe(number), title: maybe(string), description: maybe(string), brand: maybe(string),
                        category: maybe(string),
                        deliveryCategory: maybe { DeliveryCategory.allCases.randomElement(using: &random)! })
                }
            },
            contentType: maybe(string), orderID: maybe(string), predictedLTV: maybe(number),
            numItems: maybe { Int.random(in: Int.min...Int.max, using: &random) }, status: maybe(string),
            searchString: maybe(string), deliveryCategory: maybe { DeliveryCategory.allCases.randomElement(using: &random)! },
            netRevenue: maybe(number), itemNumber: maybe(string))
        for index in 0..<Int.random(in: 0...3, using: &random) {
            try? data.customProperties.set(json(depth: 0), forKey: "custom_\(index)")
        }
        return data
    }

    @Test func parametersEqualTheEncodedAndDecodedCustomData() throws {
        var random = Generator(state: 21)
        for _ in 0..<500 {
            let data = Self.customData(&random)
            let handoff = try PixelHandoff(eventName: .purchase, eventID: EventID.forOrder("84213"), customData: data)
            let roundTripped = try CAPIJSON.decode(JSONValue.self, from: try CAPIJSON.encode(data))
            #expect(handoff.parameters == roundTripped)
        }
    }

    @Test func aNumberThatIsNotANumberIsRefused() {
        #expect(throws: EncodingError.self) {
            try PixelHandoff(eventName: .purchase, eventID: EventID.forOrder("1"), customData: CustomData(value: .nan))
        }
        var data = CustomData()
        try? data.customProperties.set(.array([.number(.nan)]), forKey: "ratio")
        #expect(throws: EncodingError.self) {
            try PixelHandoff(eventName: .purchase, eventID: EventID.forOrder("1"), customData: data)
        }
    }
}
