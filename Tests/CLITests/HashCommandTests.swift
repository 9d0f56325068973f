import Foundation
import Testing

@Suite struct HashCommandTests {
    @Test func hashesASingleValue() throws {
        let result = try CAPIBinary.run(["hash", "em", "  John_Smith@Gmail.com "])
        #expect(result.status == 0)
        #expect(result.stdout == "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f\n")
    }

    @Test func singleValueRejectionsExitNonZeroWithoutEchoingTheValue() throws {
        let result = try CAPIBinary.run(["hash", "em", "not-an-address"])
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("invalid_email"))
        #expect(!result.stderr.contains("not-an-address"))
    }

    @Test func nationalPhoneNumbersUseTheRegionOption() throws {
        let result = try CAPIBinary.run(["hash", "ph", "020 7946 0958", "--region", "GB", "--show-normalized"])
        #expect(result.status == 0)
        #expect(result.lines.first == "normalized: 442079460958")
        let missing = try CAPIBinary.run(["hash", "ph", "020 7946 0958"])
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("missing_region"))
    }

    /// Issue 13: country names as regions and bare international digits, as CRMs export them.
    @Test func hashReadsCountriesAndBareInternationalDigits() throws {
        let input = """
            {"field":"ph","value":"07911 123456","region":"United Kingdom"}
            {"field":"ph","value":"16505551212"}
            {"field":"ph","value":"0044 20 7946 0958"}
            {"field":"ph","value":"+44 20 7946 0958"}
            {"field":"zp","value":"\\u00a094105\\u20131234\\u00a0"}
            {"field":"st","value":"94105"}
            """
        let result = try CAPIBinary.run(["hash", "--jsonl"], input: Data((input + "\n").utf8))
        let objects = try result.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        try #require(objects.count == 6)
        #expect(objects[0]["normalized"] as? String == "447911123456")
        #expect(objects[0]["note"] == nil)
        #expect(objects[1]["normalized"] as? String == "16505551212")
        #expect(objects[1]["note"] as? String == "read_as_international")
        #expect(objects[2]["normalized"] as? String == "442079460958")
        #expect(objects[2]["note"] as? String == "read_as_international")
        #expect(objects[3]["note"] == nil)
        #expect(objects[4]["normalized"] as? String == "94105")
        #expect(objects[5]["error"] as? String == "invalid_state")
        let single = try CAPIBinary.run(["hash", "ph", "442079460958", "--region", "USA", "--show-normalized"])
        #expect(single.status == 0)
        #expect(single.stdout.contains("normalized: 442079460958"))
        #expect(single.stdout.contains("read as an international number"))
    }

    @Test func jsonlWritesOneLinePerInputLineInOrder() throws {
        let input = """
            {"field":"em","value":" John_Smith@Gmail.com "}
            {"field":"ph","value":"020 7946 0958","region":"GB"}
            not json at all
            {"field":"zz","value":"x"}
            {"field":"db","value":"31/02/1990"}

            {"field":"zp","value":98121}
            {"field":"ph","value":"020 7946 0958","region":"Narnia"}
            {"field":"fn"}
            {"field":"fn","value":"Line\\nBreak \\"quoted\\""}
            {"field":"em","value":"A665A45920422F9D417E4867EFDC4FB8A04A1F3FFF1FA07E998E86F7F7A27AE3"}
            [1,2,3]
            {"field":"ct","value":{"nested":true}}
            """
        let result = try CAPIBinary.run(["hash", "--jsonl"], input: Data((input + "\n").utf8))
        #expect(result.status == 0)
        let lines = result.lines
        try #require(lines.count == 13)
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        #expect(objects[0]["normalized"] as? String == "john_smith@gmail.com")
        #expect(objects[0]["hash"] as? String == "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f")
        #expect(objects[1]["normalized"] as? String == "442079460958")
        #expect(objects[2]["error"] as? String == "malformed_line")
        #expect(objects[2]["field"] is NSNull)
        #expect(objects[3]["error"] as? String == "unknown_field")
        #expect(objects[4]["error"] as? String == "impossible_date")
        #expect(objects[4]["field"] as? String == "db")
        #expect(objects[5]["error"] as? String == "malformed_line")
        #expect(objects[6]["normalized"] as? String == "98121")
        #expect(objects[7]["error"] as? String == "invalid_region")
        #expect(objects[8]["error"] as? String == "missing_value")
        #expect(objects[9]["normalized"] as? String == "linebreakquoted")
        #expect(objects[10]["hash"] as? String == "a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3")
        #expect(objects[11]["error"] as? String == "malformed_line")
        #expect(objects[12]["error"] as? String == "invalid_value")
        for object in objects where object["error"] != nil {
            #expect(object["message"] is String)
        }
        // Rejections never echo the value.
        #expect(!result.stdout.contains("31/02/1990"))
    }

    @Test func jsonlStreamsManyLines() throws {
        let count = 20_000
        var input = ""
        for i in 0..<count { input += #"{"field":"em","value":"user\#(i)@example.com"}"# + "\n" }
        let result = try CAPIBinary.run(["hash", "--jsonl"], input: Data(input.utf8))
        #expect(result.status == 0)
        let lines = result.lines
        #expect(lines.count == count)
        #expect(lines.last?.contains(#""normalized":"user19999@example.com""#) == true)
    }

    @Test func usageErrorsAreReported() throws {
        let both = try CAPIBinary.run(["hash", "--jsonl", "em", "x@y.z"])
        #expect(both.status != 0)
        let neither = try CAPIBinary.run(["hash"])
        #expect(neither.status != 0)
        let badField = try CAPIBinary.run(["hash", "email", "x@y.z"])
        #expect(badField.status != 0)
        #expect(badField.stderr.contains("unknown field"))
    }
}
