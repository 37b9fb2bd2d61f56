import KubeModel
import RolloutStatusCLI
import Testing

@Suite struct GoDurationTests {
    @Test(arguments: [
        ("90s", Duration.seconds(90)), ("5m", .seconds(300)), ("1h30m", .seconds(5400)), ("500ms", .milliseconds(500)),
        ("1.5h", .seconds(5400)), ("2h45m30.5s", .milliseconds(9_930_500)), ("180", .seconds(180)),
        ("0", .zero), ("1.5", .milliseconds(1500)), ("300us", .microseconds(300)), ("300µs", .microseconds(300)),
        ("42ns", .nanoseconds(42)), ("-1s", .seconds(-1)), (" 10s ", .seconds(10)), ("+3m", .seconds(180)),
    ])
    func parsesGoDurations(text: String, expected: Duration) throws {
        #expect(try GoDuration.parse(text) == expected)
    }

    @Test(arguments: ["", "banana", "5x", "m", "1h30", ".s", "1..5s", "5 m", "1e9h", "--5s"])
    func rejectsWithTheValueQuoted(text: String) throws {
        let error = try #require(throws: GoDurationError.self) { try GoDuration.parse(text) }
        #expect(error.description.hasPrefix("invalid duration \"\(text)\""))
    }
}

@Suite struct SelectorSyntaxTests {
    @Test(arguments: [
        "app=web", "app==web", "app!=web", "app", "!app", "app in (web,api)", "tier notin (cache)",
        "app.kubernetes.io/name=web,env in (prod, staging),!canary", "", "a=", "example.com/team=payments",
    ])
    func acceptsKubectlGrammar(selector: String) throws {
        #expect(try SelectorSyntax.validate(selector) == selector)
    }

    @Test(arguments: [
        "app in (web", "app in web", "app=web,", ",", "app=(x)", "-app=x", "app=x y", "a/b/c=x",
        "Example.com/x=y", String(repeating: "k", count: 64) + "=v", "app >= 3",
    ])
    func rejectsWithOneLine(selector: String) throws {
        let error = try #require(throws: LabelSelectorError.self) { try SelectorSyntax.validate(selector) }
        #expect(error.description.hasPrefix("invalid label selector"))
        #expect(!error.description.contains("\n"))
    }
}
