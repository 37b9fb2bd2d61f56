import Testing

@testable import KubeSimulator

@Suite("JSONValue parsing and serialization")
struct JSONValueTests {
    @Test(
        "documents round-trip through the parser and serializer",
        arguments: [
            #"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#,
            #"{"replicas":3,"ratio":0.25,"big":-9007199254740993}"#,
            #"["line\nbreak","tab\t","quote\"","backslash\\","\u0001"]"#,
            #"{}"#,
            #"[]"#,
        ]
    )
    func roundTrip(text: String) throws {
        let value = try JSONValue.parse(text)
        #expect(try JSONValue.parse(value.serialized()) == value)
    }

    @Test("integers stay integers, fractions stay doubles")
    func numbers() throws {
        let value = try JSONValue.parse(#"{"replicas":3,"ratio":0.5,"exp":1e3}"#)
        #expect(value["replicas"] == .int(3))
        #expect(value["ratio"] == .double(0.5))
        #expect(value["exp"] == .double(1000))
        #expect(value.serializedString() == #"{"exp":1000,"ratio":0.5,"replicas":3}"#)
    }

    @Test("escapes and surrogate pairs decode to the right characters")
    func escapes() throws {
        let value = try JSONValue.parse(#""caf\u00e9 \ud83d\ude80 \/""#)
        #expect(value == .string("café 🚀 /"))
    }

    @Test(
        "malformed documents are errors with an offset, never a crash",
        arguments: [
            "", "{", "[1,]", #"{"a"}"#, #"{"a":}"#, "tru", "01x", #""unterminated"#, "{} {}", #"{"a":1,}"#,
            "-", "1.", "1e", #""\x""#, String(repeating: "[", count: 10_000),
        ]
    )
    func malformed(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test("serialization sorts keys so output is deterministic")
    func sortedKeys() {
        let value: JSONValue = ["kind": "Pod", "apiVersion": "v1", "metadata": ["name": "a"]]
        #expect(value.serializedString() == #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}"#)
    }

    @Test("setValue creates intermediate objects and nil removes")
    func setValue() {
        var value: JSONValue = [:]
        value.setValue(3, at: ["spec", "replicas"])
        #expect(value[path: ["spec", "replicas"]] == .int(3))
        value.setValue(nil, at: ["spec", "replicas"])
        #expect(value == ["spec": [:]])
    }
}
