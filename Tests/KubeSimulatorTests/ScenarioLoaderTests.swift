import Foundation
import Testing
import Yams

@testable import KubeSimulator

@Suite("Scenario files")
struct ScenarioLoaderTests {
    @Test("a timeline scenario loads objects and steps in time order")
    func loads() throws {
        let scenario = try Scenario.parse(
            yaml: """
                name: demo
                description: one pod, then a log
                objects:
                - kind: Pod
                  metadata: {name: web-1}
                  spec: {containers: [{name: app, image: web:1}]}
                - {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"}}
                timeline:
                - at: 1m30s
                  delete: {kind: Pod, name: web-1}
                - at: 500ms
                  log: {pod: web-1, container: app, previous: "boom"}
                - at: 2
                  merge-patch: {kind: Pod, metadata: {name: web-1}, status: {phase: Failed}}
                """,
            file: "demo.yaml"
        )
        #expect(scenario.name == "demo")
        #expect(scenario.objects.count == 2)
        #expect(scenario.objects[0]["apiVersion"] == "v1")
        #expect(scenario.objects[0][path: ["metadata", "namespace"]] == "default")
        #expect(scenario.timeline.map(\.at) == [.milliseconds(500), .seconds(2), .seconds(90)])
        #expect(
            scenario.timeline[0].action
                == .log(namespace: "default", pod: "web-1", container: "app", current: nil, previous: "boom")
        )
    }

    @Test(
        "mistakes are one line naming the file, the line and the problem",
        arguments: [
            ("objects:\n- kind: Pod\n  metadata: {name: [x}\n", "bad.yaml:3:", "YAML syntax error"),
            ("objects:\n- kind: Pod\n  metadata: {namespace: x}\n", "bad.yaml:2:", "without a name"),
            ("objects:\n- kind: Gizmo\n  metadata: {name: g}\n", "bad.yaml:2:", "unknown kind"),
            ("timeline:\n- at: 1s\n  explode: {kind: Pod}\n", "bad.yaml:3:", "unknown step type 'explode'"),
            ("timeline:\n- create: {kind: Pod, metadata: {name: p}}\n", "bad.yaml:2:", "without 'at'"),
            ("timeline:\n- at: soon\n  delete: {kind: Pod, name: p}\n", "bad.yaml:2:", "duration"),
            ("nmae: typo\n", "bad.yaml:1:", "unknown key 'nmae'"),
            ("workloads:\n  web: {behaviour: healthy}\n", "bad.yaml:2:", "unknown key \"web\" in workloads"),
            ("workloads:\n  deployments:\n  - {name: web, behaviour: crashloop}\n", "bad.yaml:3:", "unknown behaviour"),
            ("objects:\n- kind: Pod\n  metadata: {name: Bad_Name}\n", "bad.yaml:2:", "invalid name"),
            ("behaviour: off\n", "bad.yaml:1:", "behaviour must be model"),
            ("behaviour: none\nworkloads:\n  default: healthy\n", "bad.yaml:1:", "cannot be combined with workloads"),
        ]
    )
    func rejects(yaml: String, location: String, problem: String) {
        let error = #expect(throws: ScenarioError.self) { try Scenario.parse(yaml: yaml, file: "bad.yaml") }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.hasPrefix(location), "\(text)")
        #expect(text.contains(problem), "\(text)")
        #expect(!text.contains("\n"))
    }

    @Test("the workloads node goes to the behaviour loader")
    func behaviourHook() throws {
        struct Recorder: ClusterBehaviour {
            var keys: [String]
            mutating func reconcile(now: Date, cluster: any ClusterSnapshot) -> BehaviourStep { BehaviourStep() }
        }
        let scenario = try Scenario.parse(
            yaml: "workloads:\n  web: {behaviour: healthy}\n  api: {behaviour: crash-loop}\n",
            file: "w.yaml",
            behaviourLoader: { node, _ in Recorder(keys: node.mapping?.keys.compactMap(\.string) ?? []) }
        )
        let recorder = try #require(scenario.behaviour as? Recorder)
        #expect(recorder.keys.sorted() == ["api", "web"])
    }

    @Test("without workloads the behaviour model still runs, unless the scenario says behaviour: none")
    func defaultBehaviour() throws {
        let plain = try Scenario.parse(yaml: "name: timeline-only\n", file: "t.yaml")
        #expect(plain.behaviour is BehaviourModel)
        let explicit = try Scenario.parse(yaml: "behaviour: model\n", file: "t.yaml")
        #expect(explicit.behaviour is BehaviourModel)
        let none = try Scenario.parse(yaml: "name: pure\nbehaviour: none\n", file: "t.yaml")
        #expect(none.behaviour == nil)
        #expect(Scenario.standard.behaviour is BehaviourModel)
        #expect(Scenario.empty.behaviour == nil)
    }

    @Test(
        "Go-style durations",
        arguments: [("2s", 2000), ("500ms", 500), ("1m30s", 90_000), ("1.5s", 1500), ("1h", 3_600_000)]
    )
    func durations(text: String, milliseconds: Int64) {
        #expect(ScenarioLoader.parseDuration(text) == .milliseconds(milliseconds))
    }

    @Test("the example timeline scenario loads")
    func example() throws {
        let scenario = try Scenario.load(file: RepositoryPaths.scenario("timeline-crashed-pod"))
        #expect(scenario.objects.count == 3)
        #expect(scenario.timeline.count == 3)
    }
}

/// The repository's example files, found from this source file.
enum RepositoryPaths {
    static func scenario(_ name: String) -> String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("examples/scenarios/\(name).yaml").path
    }
}
