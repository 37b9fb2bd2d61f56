import Testing

@testable import KubeSimulator

@Suite("Field selectors")
struct FieldSelectorTests {
    @Test(
        "terms match field values",
        arguments: [
            ("metadata.name=web", true),
            ("metadata.name==web", true),
            ("metadata.name!=web", false),
            ("metadata.name=web,type=Warning", true),
            ("type!=Normal", true),
            ("involvedObject.kind=Pod", false),
            ("reason=", false),
            ("", true),
        ]
    )
    func matches(selector: String, expected: Bool) throws {
        let fields = ["metadata.name": "web", "type": "Warning", "involvedObject.kind": "Deployment", "reason": "x"]
        #expect(try FieldSelector(parsing: selector).matches(fields) == expected)
    }

    @Test("backslash escapes commas and equals signs in values")
    func escapes() throws {
        let selector = try FieldSelector(parsing: #"message=a\,b\=c,type=Normal"#)
        #expect(selector.terms.count == 2)
        #expect(selector.terms[0].value == "a,b=c")
    }

    @Test("malformed terms are rejected", arguments: ["name", "=x", #"a=b\"#, #"a=\q"#])
    func rejects(selector: String) {
        #expect(throws: SelectorParseError.self) { try FieldSelector(parsing: selector) }
    }

    @Test("each resource supports its own field labels, and values come from the object")
    func resourceFields() throws {
        let events = try #require(ResourceType.storing(kind: "Event"))
        #expect(events.supportedFields.contains("involvedObject.uid"))
        let pods = try #require(ResourceType.storing(kind: "Pod"))
        #expect(!pods.supportedFields.contains("involvedObject.uid"))
        let event: JSONValue = [
            "metadata": ["name": "e1", "namespace": "shop"],
            "involvedObject": ["kind": "Pod", "name": "web-1", "uid": "u-1"], "type": "Warning",
            "source": ["component": "kubelet"],
        ]
        #expect(events.fieldValue("involvedObject.uid", of: event) == "u-1")
        #expect(events.fieldValue("regarding.name", of: event) == "web-1")
        #expect(events.fieldValue("source", of: event) == "kubelet")
        #expect(events.fieldValue("metadata.namespace", of: event) == "shop")
    }
}
