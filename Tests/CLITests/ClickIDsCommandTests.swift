import Foundation
import Testing

@Suite struct ClickIDsCommandTests {
    @Test func explainsEachLineAndSynthesizesFbcFromAStoredClick() throws {
        let input = """
            {"url":"https://shop.example.com/p?fbclid=IwAR2F4-dbP0l7Mn_x","now_ms":1780828882512}
            {"url":"https://shop.example.com/thanks","cookies":{"_fbp":"fb.1.1780828882512.83179243"},"click":{"fbclid":"IwZXh0bgNhZW0","landing_ms":1780828000000},"now_ms":1780828882512}
            {"url":"https://shop.example.com/","cookies":{"_fbc":"fb1.1.123.abc"},"now_ms":1780828882512}
            not json

            """
        let result = try CAPIBinary.run(["click-ids", "--jsonl"], input: Data((input + "\n").utf8))
        #expect(result.status == 0)
        let lines = result.lines
        try #require(lines.count == 5)
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        #expect(objects[0]["fbc"] as? String == "fb.1.1780828882512.IwAR2F4-dbP0l7Mn_x")
        #expect((objects[0]["set_cookies"] as? [[String: Any]])?.contains { $0["name"] as? String == "_fbp" } == true)
        #expect(objects[1]["fbc"] as? String == "fb.1.1780828000000.IwZXh0bgNhZW0")
        #expect(objects[1]["fbp"] as? String == "fb.1.1780828882512.83179243")
        #expect(objects[2]["fbc"] is NSNull)
        #expect((objects[2]["notes"] as? [String])?.isEmpty == false)
        #expect(objects[3]["error"] != nil)
        #expect(objects[4]["error"] != nil)  // a blank line still gets its own answer
    }
}
