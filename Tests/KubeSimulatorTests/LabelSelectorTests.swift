import Testing

@testable import KubeSimulator

@Suite("Label selector grammar")
struct LabelSelectorTests {
    static let labels = ["app": "web", "tier": "frontend", "track": "stable", "version": "3"]

    @Test(
        "requirements match as kubectl's grammar says",
        arguments: [
            ("", true),
            ("app=web", true),
            ("app==web", true),
            ("app=api", false),
            ("app!=api", true),
            ("app!=web", false),
            ("missing!=x", true),
            ("app in (web,api)", true),
            ("app in (api, db)", false),
            ("app notin (api,db)", true),
            ("missing notin (a)", true),
            ("app", true),
            ("missing", false),
            ("!missing", true),
            ("!app", false),
            ("app=web,tier=frontend", true),
            ("app=web, tier=backend", false),
            ("app=web,!canary,track in (stable)", true),
            ("version>2", true),
            ("version<3", false),
            ("  app  =  web  ", true),
            ("example.com/role=x", false),
        ]
    )
    func matches(selector: String, expected: Bool) throws {
        let parsed = try LabelSelector(parsing: selector)
        #expect(parsed.matches(Self.labels) == expected)
    }

    @Test(
        "malformed selectors are rejected",
        arguments: [
            "app in web", "app in (web", "app=web,", ",app", "=web", "app notin", "app=(x)", "a b", "app=we b",
            "version>x", "app=web!", "bad key=1", "-app=x",
        ]
    )
    func rejects(selector: String) {
        #expect(throws: SelectorParseError.self) { try LabelSelector(parsing: selector) }
    }

    @Test("a selector object renders as the string the API server prints")
    func fromObject() {
        let object: JSONValue = [
            "matchLabels": ["app": "web", "tier": "fe"],
            "matchExpressions": [["key": "env", "operator": "In", "values": ["prod", "staging"]]],
        ]
        #expect(LabelSelector(object: object).description == "app=web,env in (prod,staging),tier=fe")
    }
}
