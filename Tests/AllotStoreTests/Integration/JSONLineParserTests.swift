import Testing
import Foundation
@testable import AllotStore

@Suite("The event line JSON parser")
struct JSONLineParserTests {
    static let corpus = [
        #"{"id":"e1","source":"erp","seq":12,"type":"order.upserted","at":"2026-11-29T08:00:00Z","data":{"order_id":"SO-1","lines":[{"line_no":1,"qty":2}]}}"#,
        #"{"a":-0,"b":2.5,"c":1e3,"d":-12.25E-2,"e":true,"f":false,"g":null,"h":[],"i":{},"j":"x\"y\\z\/\n\t\u00e9\ud83d\ude00"}"#,
        #"  {"big":9223372036854775807,"bigger":92233720368547758070, "neg":-9223372036854775808}  "#,
        #"{"dup":1,"dup":2}"#,
        #"{"unicode":"Zürich – 東京"}"#,
        #"[1,[2,[3,{"k":[4]}]]]"#,
        #""just a string""#,
        #"{"n":2.0}"#,
    ]
    static let invalid = [
        "", "{", "{\"a\":}", "{\"a\":1,}", "[1,]", "{'a':1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":tru}",
        "{\"a\":\"\u{01}\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\ud83d\"}", "{\"a\":1} x", "nul", "{\"a\" 1}", "{\"a\":\"unterminated}",
    ]

    @Test("it reads every line exactly as JSONDecoder reads it into JSONValue")
    func sameAsJSONDecoder() throws {
        for text in Self.corpus {
            let expected = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            let mine = try JSONLineParser.parse(text)
            #expect(mine == expected, "\(text): \(mine) vs \(expected)")
        }
    }

    @Test("it refuses what is not JSON")
    func refusesInvalid() {
        for text in Self.invalid {
            #expect(throws: JSONLineParser.Failure.self, "\(text)") { try JSONLineParser.parse(text) }
        }
    }
}
