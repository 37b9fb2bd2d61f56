import KubeModel
import Testing

@Suite struct LabelSelectorTests {
    /// Valid selectors and their canonical text (requirements sorted by key, values sorted and unique).
    @Test(arguments: [
        ("", ""),
        ("   ", ""),
        ("app=web", "app=web"),
        ("app==web", "app==web"),
        ("app!=web", "app!=web"),
        ("app = web , tier=frontend", "app=web,tier=frontend"),
        ("tier=frontend,app=web", "app=web,tier=frontend"),
        ("env in (prod, staging)", "env in (prod,staging)"),
        ("env in (staging,prod,prod)", "env in (prod,staging)"),
        ("env notin (dev)", "env notin (dev)"),
        ("canary", "canary"),
        ("!canary", "!canary"),
        ("! canary", "!canary"),
        ("app.kubernetes.io/name=web", "app.kubernetes.io/name=web"),
        ("example.com/team-a_x.y=Z9", "example.com/team-a_x.y=Z9"),
        ("app=", "app="),
        ("app=,tier", "app=,tier"),
        ("env in ()", "env in ()"),
        ("env in (,a)", "env in (,a)"),
        ("env in (a,)", "env in (,a)"),
        ("x in (in,notin)", "x in (in,notin)"),
        ("in=notin", "in=notin"),
        ("replicas>2", "replicas>2"),
        ("replicas<10", "replicas<10"),
        ("a=b\t,\nc", "a=b,c"),
    ])
    func parsesValidSelectors(text: String, canonical: String) throws {
        let selector = try LabelSelector(parsing: text)
        #expect(selector.description == canonical)
        #expect(try LabelSelector(parsing: selector.description) == selector)
    }

    /// Invalid selectors: each error is one line that quotes the selector and the bad part.
    @Test(arguments: [
        ("app=web=x", #"found "=", expected "," or the end at column 8"#),
        ("app in web", #"found "web", expected "(" at column 8"#),
        ("app in (a b)", #"found "b", expected "," or ")" at column 11"#),
        ("app in (a", #"found the end, expected "," or ")" at column 10"#),
        ("app in", #"found the end, expected "(" at column 7"#),
        ("app web", #"found "web" after key "app", expected one of in, notin, =, ==, !=, >, < at column 5"#),
        (",app", #"found ",", expected a key or "!" at column 1"#),
        ("app,", #"found the end, expected a requirement after "," at column 5"#),
        ("app,,b", #"found ",", expected a requirement after "," at column 5"#),
        ("=web", #"found "=", expected a key or "!" at column 1"#),
        ("!app=web", #"found "=", expected "," or the end at column 5"#),
        ("!=web", #"found "!=", expected a key or "!" at column 1"#),
        ("a=(b)", #"found "(", expected a value at column 3"#),
        ("Bad Key=1", #"found "Key" after key "Bad", expected one of"#),
        ("-app=web", #"key "-app": the name part must consist of alphanumerics"#),
        ("app_=web", #"key "app_": the name part must consist of alphanumerics"#),
        ("Example.com/app=web", #"key "Example.com/app": prefix "Example.com" must be a lowercase DNS subdomain"#),
        ("/app=web", #"key "/app": the prefix before '/' must not be empty"#),
        ("example.com/=web", #"key "example.com/": the name part must not be empty"#),
        ("a/b/c=web", #"key "a/b/c": a key is a name with an optional DNS-subdomain prefix and one '/'"#),
        (
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1",
            "the name part must be at most 63 characters"
        ),
        ("app=web!", #"found "!", expected "," or the end at column 8"#),
        ("app=-web", #"value "-web" of key "app": a label value must consist of alphanumerics"#),
        ("app in (ok,bad value)", #"found "value", expected "," or ")" at column 16"#),
        ("app=été", #"value "été" of key "app": a label value must consist of alphanumerics"#),
        ("replicas>two", #"requirement on "replicas": '>' needs one integer value, found ["two"]"#),
    ])
    func rejectsInvalidSelectorsQuotingTheBadPart(text: String, problem: String) {
        do {
            let selector = try LabelSelector(parsing: text)
            Issue.record("\"\(text)\" parsed as \(selector)")
        } catch let error as LabelSelectorError {
            #expect(error.selector == text)
            #expect(error.description.hasPrefix("invalid label selector \"\(text)\": "))
            #expect(error.description.contains(problem), "\(error)")
            #expect(!error.description.contains("\n"))
        } catch {
            Issue.record("unexpected error type: \(error)")
        }
    }

    @Test func aValueOf63CharactersIsValidAnd64IsNot() throws {
        let ok = String(repeating: "v", count: 63)
        #expect(try LabelSelector(parsing: "a=\(ok)").matches(["a": ok]))
        #expect(throws: LabelSelectorError.self) { try LabelSelector(parsing: "a=\(ok)v") }
    }

    /// Matching follows Kubernetes: `!=` and `notin` also match when the label is absent.
    @Test(arguments: [
        ("app=web", ["app": "web"], true),
        ("app=web", ["app": "api"], false),
        ("app=web", [:], false),
        ("app==web", ["app": "web"], true),
        ("app!=web", ["app": "api"], true),
        ("app!=web", [:], true),
        ("app!=web", ["app": "web"], false),
        ("env in (prod,staging)", ["env": "staging"], true),
        ("env in (prod,staging)", ["env": "dev"], false),
        ("env in (prod,staging)", [:], false),
        ("env notin (prod)", ["env": "dev"], true),
        ("env notin (prod)", [:], true),
        ("env notin (prod)", ["env": "prod"], false),
        ("canary", ["canary": ""], true),
        ("canary", [:], false),
        ("!canary", [:], true),
        ("!canary", ["canary": "true"], false),
        ("app=", ["app": ""], true),
        ("app=", [:], false),
        ("env in ()", ["env": ""], true),
        ("app=web,tier=frontend", ["app": "web", "tier": "frontend", "x": "y"], true),
        ("app=web,tier=frontend", ["app": "web"], false),
        ("app=web,app=api", ["app": "web"], false),
        ("replicas>2", ["replicas": "3"], true),
        ("replicas>2", ["replicas": "2"], false),
        ("replicas>2", ["replicas": "many"], false),
        ("replicas<2", ["replicas": "1"], true),
        ("", ["anything": "goes"], true),
    ])
    func matchesLabels(text: String, labels: [String: String], expected: Bool) throws {
        #expect(try LabelSelector(parsing: text).matches(labels) == expected)
    }

    @Test func anEmptySelectorMatchesEverythingIncludingNoLabels() throws {
        let selector = try LabelSelector(parsing: "")
        #expect(selector.isEverything)
        #expect(selector == .everything)
        #expect(selector.matches(nil))
        #expect(!(try LabelSelector(parsing: "a")).matches(nil))
    }

    @Test func convertsADeploymentSelector() throws {
        let spec = LabelSelectorSpec(
            matchLabels: ["app": "web", "tier": "frontend"],
            matchExpressions: [
                LabelSelectorRequirement(key: "env", operator: "In", values: ["prod", "staging"]),
                LabelSelectorRequirement(key: "track", operator: "NotIn", values: ["canary"]),
                LabelSelectorRequirement(key: "owner", operator: "Exists"),
                LabelSelectorRequirement(key: "legacy", operator: "DoesNotExist"),
            ]
        )
        let selector = try LabelSelector(spec)
        #expect(
            selector.description == "app=web,env in (prod,staging),!legacy,owner,tier=frontend,track notin (canary)"
        )
        #expect(selector.matches(["app": "web", "tier": "frontend", "env": "prod", "owner": "x"]))
        #expect(!selector.matches(["app": "web", "tier": "frontend", "env": "prod", "owner": "x", "legacy": "1"]))
        #expect(!selector.matches(["app": "web", "tier": "frontend", "env": "prod", "owner": "x", "track": "canary"]))
        #expect(try LabelSelector(LabelSelectorSpec()) == .everything)
    }

    @Test func convertsTheFixtureDeploymentSelector() throws {
        let deployment = try Fixture.decode(Deployment.self, "deployment")
        let selector = try LabelSelector(try #require(deployment.spec.selector))
        #expect(selector.matches(deployment.spec.template.metadata.labels))
        #expect(selector.description == "app.kubernetes.io/name=web,tier in (edge,frontend)")
    }

    @Test(arguments: [
        (
            LabelSelectorSpec(matchExpressions: [LabelSelectorRequirement(key: "a", operator: "Equals", values: ["b"])]
            ),
            #"invalid label selector "matchExpressions[0]": operator "Equals" is not one of In, NotIn, Exists, DoesNotExist"#
        ),
        (
            LabelSelectorSpec(matchExpressions: [LabelSelectorRequirement(key: "a", operator: "In", values: [])]),
            #"invalid label selector "matchExpressions[0]": requirement on "a": 'in' and 'notin' need at least one value"#
        ),
        (
            LabelSelectorSpec(matchExpressions: [LabelSelectorRequirement(key: "a", operator: "Exists", values: ["x"])]
            ),
            #"invalid label selector "matchExpressions[0]": requirement on "a": takes no values, found ["x"]"#
        ),
        (
            LabelSelectorSpec(matchLabels: ["app": "web", "bad key": "x"]),
            #"invalid label selector "matchLabels": key "bad key": the name part must consist of alphanumerics, '-', '_' or '.', and begin and end with an alphanumeric"#
        ),
    ])
    func rejectsInvalidObjectSelectors(spec: LabelSelectorSpec, message: String) {
        #expect {
            try LabelSelector(spec)
        } throws: { error in
            "\(error)" == message
        }
    }
}
