import Foundation
import Testing
import Yams

@testable import KubeSimulator

/// Reading a scenario's `workloads:` section, and rejecting bad ones with `FILE:LINE: problem`.
@Suite struct BehaviourLoadingTests {
    static func load(_ yaml: String) throws -> BehaviourModel {
        let node = try #require(try Yams.compose(yaml: yaml))
        return try BehaviourModel.load(workloads: node, file: "scenarios/bad.yaml")
    }

    static func problem(_ yaml: String) throws -> ScenarioError {
        let node = try #require(try Yams.compose(yaml: yaml))
        do {
            _ = try BehaviourModel.load(workloads: node, file: "scenarios/bad.yaml")
        } catch {
            return error
        }
        Issue.record("the section loaded")
        return ScenarioError(file: "", line: nil, problem: "")
    }

    @Test func declarationsExpandOverNamespacesAndCount() throws {
        let model = try Self.load(
            """
            timeScale: 0.5
            nodes: 5
            default: healthy after 3s
            deployments:
              - name: svc-{i}
                namespace: [ns-1, ns-2]
                count: 3
                replicas: 2
            rules:
              - {namespace: "ns-*", image: "*:bad", behaviour: crash-loop}
            """
        )
        let configuration = model.controlPlane.configuration
        #expect(configuration.timeScale == 0.5)
        #expect(configuration.nodeCount == 5)
        #expect(configuration.defaultBehaviour == PodBehaviour(kind: .healthy, after: 3))
        #expect(
            configuration.workloads.map(\.key.description) == [
                "Deployment ns-1/svc-1", "Deployment ns-1/svc-2", "Deployment ns-1/svc-3",
                "Deployment ns-2/svc-1", "Deployment ns-2/svc-2", "Deployment ns-2/svc-3",
            ]
        )
        #expect(
            configuration.rules.first?.matches(kind: "Deployment", namespace: "ns-9", name: "x", images: ["a:bad"])
                == true
        )
        #expect(
            configuration.rules.first?.matches(kind: "Deployment", namespace: "other", name: "x", images: ["a:bad"])
                == false
        )
        let object = try #require(configuration.workloads.first?.object)
        #expect(object[path: ["spec", "replicas"]] == 2)
        #expect(object[path: ["spec", "strategy", "rollingUpdate", "maxSurge"]] == "25%")
        #expect(object[path: ["spec", "progressDeadlineSeconds"]] == 600)
        #expect(object[path: ["spec", "selector", "matchLabels", "app"]] == "svc-1")
    }

    @Test func behaviourShapesTheTemplate() throws {
        let model = try Self.load(
            """
            deployments:
              - {name: a, behaviour: missing-configmap}
              - {name: b, behaviour: {name: missing-secret, secret: db-credentials}}
              - {name: c, behaviour: failed-mount}
              - {name: d, behaviour: never-ready}
              - {name: e, behaviour: init-crash}
              - {name: f, behaviour: unschedulable}
            """
        )
        let specs = model.controlPlane.configuration.workloads.map { $0.object[path: ["spec", "template", "spec"]] }
        #expect(
            specs[0]?["containers"]?.arrayValue?.first?[path: ["envFrom"]]?.arrayValue?.first?[path: [
                "configMapRef", "name",
            ]] == "a-config"
        )
        #expect(model.controlPlane.configuration.workloads[0].behaviour.resource == "a-config")
        #expect(
            specs[1]?["containers"]?.arrayValue?.first?["env"]?.arrayValue?.first?[path: [
                "valueFrom", "secretKeyRef", "name",
            ]] == "db-credentials"
        )
        #expect(specs[2]?["volumes"]?.arrayValue?.first?[path: ["secret", "secretName"]] == "tls")
        #expect(specs[3]?["containers"]?.arrayValue?.first?[path: ["readinessProbe", "httpGet", "path"]] == "/ready")
        #expect(specs[4]?["initContainers"]?.arrayValue?.count == 1)
        #expect(specs[5]?["containers"]?.arrayValue?.first?[path: ["resources", "requests", "cpu"]] == "64")
    }

    @Test(arguments: [
        (
            "deployments:\n  - name: web\n    behaviour: crashloop\n",
            3,
            "unknown behaviour \"crashloop\"; known behaviours: healthy, slow-start, crash-loop"
        ),
        (
            "deployments:\n  - name: web\n    replica: 3\n", 3,
            "unknown key \"replica\" in a Deployment; known keys: name,"
        ),
        ("deployments:\n  - replicas: 3\n", 2, "a Deployment needs a name"),
        ("timeScale: fast\n", 1, "timeScale must be a number greater than 0"),
        (
            "deployments:\n  - name: web\n    behaviour: healthy after soon\n", 3,
            "a behaviour is a name, optionally followed by"
        ),
        ("deployments:\n  - name: web\n    updates:\n      - image: web:2\n", 4, "an update needs at"),
        (
            "deployments:\n  - name: web\n  - name: web\n", 3,
            "Deployment default/web is declared twice (first on line 2)"
        ),
        ("jobs:\n  - name: j\n    completions: zero\n", 3, "completions must be an integer of at least 1"),
        ("rules:\n  - image: x\n", 2, "a rule needs a behaviour"),
        ("- name: web\n", 1, "workloads must be a mapping"),
    ])
    func badSectionsNameTheLineAndTheProblem(yaml: String, line: Int, problem: String) throws {
        let error = try Self.problem(yaml)
        #expect(error.file == "scenarios/bad.yaml")
        #expect(error.line == line)
        #expect(error.problem.hasPrefix(problem), "\(error.problem)")
        #expect(error.description.hasPrefix("scenarios/bad.yaml:\(line): "))
    }

    @Test func unknownBehaviourListsEveryKnownOne() throws {
        let error = try Self.problem("default: sleepy\n")
        for name in BehaviourModel.knownBehaviours { #expect(error.problem.contains(name)) }
    }

    @Test(arguments: [("2s", 2.0), ("500ms", 0.5), ("1m30s", 90.0), ("1.5s", 1.5), ("3", 3.0), ("1h", 3_600.0)])
    func durations(text: String, seconds: Double) {
        #expect(DurationText.seconds(text) == seconds)
    }

    @Test(arguments: ["", "s", "2x", "-1", "soon"])
    func badDurations(text: String) {
        #expect(DurationText.seconds(text) == nil)
    }
}

/// Names, hashes and timestamps, as the real components spell them.
@Suite struct NamingTests {
    @Test func templateHashesUseTheSafeAlphabetsDigitLetters() {
        // SafeEncodeString over a decimal number maps 0-9 to "456789bcdf".
        #expect(Naming.safeEncode("0123456789") == "456789bcdf")
        let hash = Naming.templateHash(["spec": ["containers": [["name": "app", "image": "web:1"]]]])
        #expect(hash.allSatisfy { "456789bcdf".contains($0) })
        #expect((6...10).contains(hash.count))
        #expect(hash == Naming.templateHash(["spec": ["containers": [["image": "web:1", "name": "app"]]]]))
        #expect(hash != Naming.templateHash(["spec": ["containers": [["name": "app", "image": "web:2"]]]]))
        #expect(
            hash
                != Naming.templateHash(
                    ["spec": ["containers": [["name": "app", "image": "web:1"]]]],
                    collisionCount: 1
                )
        )
    }

    @Test func suffixesAreFiveSafeCharactersAndStable() {
        let suffix = Naming.suffix("web-abc#0")
        #expect(suffix.count == 5)
        #expect(suffix.allSatisfy { Naming.safeAlphabet.contains($0) })
        #expect(suffix == Naming.suffix("web-abc#0"))
        #expect(suffix != Naming.suffix("web-abc#1"))
    }

    @Test(arguments: [
        ("nginx", "docker.io/library/nginx:latest"),
        ("nginx:1.27", "docker.io/library/nginx:1.27"),
        ("bitnami/redis:7", "docker.io/bitnami/redis:7"),
        ("registry.example.com/shop/web:1.0.0", "registry.example.com/shop/web:1.0.0"),
        ("localhost:5000/web", "localhost:5000/web:latest"),
    ])
    func qualifiedImages(image: String, qualified: String) {
        #expect(Naming.qualifiedImage(image) == qualified)
    }

    @Test(arguments: [
        ("nginx", "Always"), ("nginx:latest", "Always"), ("nginx:1.27", "IfNotPresent"),
        ("localhost:5000/web", "Always"),
    ])
    func pullPolicies(image: String, policy: String) {
        #expect(Naming.defaultPullPolicy(image) == policy)
    }

    @Test(
        arguments: [
            ("nginx:1.27", nil), ("registry.example.com/shop/web:1.0.0", nil),
            ("NGINX", "invalid reference format: repository name (NGINX) must be lowercase"),
            (
                "registry.example.com/Shop/web:1",
                "invalid reference format: repository name (Shop/web) must be lowercase"
            ),
            ("web//api:1", "invalid reference format"),
        ] as [(String, String?)]
    )
    func imageReferences(image: String, problem: String?) {
        #expect(Naming.imageNameProblem(image) == problem)
    }

    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00Z"), (1_795_000_000.7, "2026-11-18T11:06:40Z"), (951_782_400, "2000-02-29T00:00:00Z"),
    ])
    func timestamps(seconds: Double, text: String) throws {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(KubeTimestamp.seconds(date) == text)
        let parsed = try #require(KubeTimestamp.parse(text))
        #expect(parsed.timeIntervalSince1970 == seconds.rounded(.down))
        #expect(KubeTimestamp.micro(date).count == 27)
        #expect(
            KubeTimestamp.parse(KubeTimestamp.micro(date)).map { abs($0.timeIntervalSince1970 - seconds) < 0.000_01 }
                == true
        )
    }

    @Test(arguments: [(10.0, "10s"), (80, "1m20s"), (300, "5m0s"), (0.5, "500ms"), (1.25, "1.25s"), (3_700, "1h1m40s")])
    func goDurations(seconds: Double, text: String) {
        #expect(GoDuration.format(seconds) == text)
    }

    @Test func globs() {
        #expect(GlobPattern(text: "*:broken").matches("web:broken"))
        #expect(!GlobPattern(text: "*:broken").matches("web:broken-not"))
        #expect(GlobPattern(text: "team-*-prod").matches("team-a-prod"))
        #expect(GlobPattern(text: "web").matches("web") && !GlobPattern(text: "web").matches("web2"))
        #expect(GlobPattern(text: "*").matches(""))
    }

    @Test(arguments: [
        (IntOrPercent.percent(25), 3, true, 1), (.percent(25), 3, false, 0), (.percent(25), 4, false, 1),
        (.percent(50), 5, true, 3), (.int(2), 10, true, 2),
    ])
    func intOrPercentRounding(value: IntOrPercent, total: Int, roundUp: Bool, expected: Int) {
        #expect(value.scaled(total: total, roundUp: roundUp) == expected)
    }

    @Test func fencepostsNeverLeaveBothAtZero() {
        let deployment: JSONValue = [
            "spec": ["replicas": 1, "strategy": ["rollingUpdate": ["maxSurge": 0, "maxUnavailable": "25%"]]]
        ]
        let spec = DeploymentSpecView(deployment)
        #expect(spec.maxSurge == 0)
        #expect(spec.maxUnavailable == 1)
        #expect(spec.progressDeadlineSeconds == 600)
        #expect(spec.revisionHistoryLimit == 10)
    }
}
