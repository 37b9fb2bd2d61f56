import Foundation
import RolloutCoordinator
import RolloutReport
import TestSupport
import Testing

/// The manifest loader (`-f`) on mutated and random input (seeded), read through standard input as the
/// binary reads it: it never crashes or hangs, every failure is a `ManifestError` printed as one line
/// that names the input, and every workload it returns has a kind, a name and a source line.
@Suite("Manifest loader fuzzing", .timeLimit(.minutes(3)))
struct ManifestLoaderFuzzTests {
    static let seeds = [
        """
        # Source: shop/templates/service.yaml
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec: {ports: [{port: 80}]}
        ---
        # Source: shop/templates/deployment.yaml
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
          labels: &labels {app: web}
        spec:
          replicas: 3
          selector: {matchLabels: *labels}
          template:
            metadata: {labels: *labels}
            spec:
              containers:
              - name: app
                image: "registry.example.com/shop/web:1.0.0"
        ---
        ---
        # only a comment
        ...
        """,
        """
        {"apiVersion": "v1", "kind": "List", "items": [
          {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db", "namespace": "data"}},
          {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate-7"}},
          {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent", "namespace": "kube-system"}}
        ]}
        """,
        """
        apiVersion: apps/v1
        kind: DeploymentList
        items:
        - apiVersion: apps/v1
          kind: Deployment
          metadata: {name: a}
        - apiVersion: apps/v1
          kind: Deployment
          metadata: {name: b, namespace: "x"}
        """,
    ]

    static let mutator = InputMutator(dictionary: [
        "---\n", "...\n", ":", ": ", "\n", "\n  ", "- ", "[", "]", "{", "}", "\"", "'", "&x ", "*x", "*labels",
        "!!str ", "!!binary ", "null", "~", "kind", "apiVersion", "metadata", "name", "namespace", "items", "List",
        "Deployment", "apps/v1", "#", "|\n", ">\n", "? ", "%YAML 1.1\n", "\u{FEFF}", "\t",
    ])

    /// Loads `bytes` as standard input; checks the properties of the outcome.
    static func check(_ bytes: [UInt8]) {
        let data = Data(bytes)
        let loader = ManifestLoader(kinds: Set(WorkloadKind.allCases), standardInput: { data })
        do {
            let set = try loader.load(paths: ["-"], recursive: false)
            for workload in set.workloads {
                #expect(!workload.name.isEmpty)
                #expect(workload.source.hasPrefix("-:"))
            }
        } catch {
            #expect(error.path == "-")
            #expect(!error.description.contains("\n"), "not one line: \(error.description)")
        }
    }

    @Test("mutants of Helm-style, JSON and List manifests", arguments: 0..<6)
    func mutants(round: UInt64) {
        var random = SeededGenerator(seed: 0x3A41_0000 &+ round)
        let seeds = Self.seeds.map { Array($0.utf8) }
        for _ in 0..<300 {
            Self.check(Self.mutator.mutate(seeds[Int.random(in: 0..<seeds.count, using: &random)], using: &random))
        }
    }

    @Test("random bytes", arguments: 0..<2)
    func randomBytes(round: UInt64) {
        var random = SeededGenerator(seed: 0x3A42_0000 &+ round)
        for _ in 0..<400 {
            Self.check(InputMutator.randomBytes(maximumLength: 800, using: &random))
        }
    }

    @Test("alias bombs, deep nesting and many documents end with an answer")
    func bombs() {
        let laughs = InputMutator.yamlAliasBomb
        let cases = [
            "apiVersion: v1\nkind: List\n" + laughs + "items: *a9\n",
            "apiVersion: apps/v1\nkind: Deployment\n" + laughs + "metadata: {name: *a9}\n",
            "apiVersion: apps/v1\nkind: Deployment\n" + laughs.replacingOccurrences(of: "\n", with: "\n  ")
                + "metadata: {name: web}\n",
            "? " + laughs.replacingOccurrences(of: "\n", with: " ") + "\n: x\n",
            String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000),
            String(repeating: "{a: ", count: 2_000) + "b" + String(repeating: "}", count: 2_000),
            String(repeating: "---\n", count: 50_000),
            String(repeating: "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\n", count: 5_000),
        ]
        for text in cases { Self.check(Array(text.utf8)) }
    }
}
