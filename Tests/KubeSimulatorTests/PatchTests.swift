import Testing

@testable import KubeSimulator

@Suite("Patch formats")
struct PatchTests {
    static let deployment: JSONValue = [
        "metadata": ["name": "web", "labels": ["app": "web", "old": "x"]],
        "spec": [
            "replicas": 2,
            "template": [
                "spec": [
                    "containers": [
                        ["name": "app", "image": "web:1", "env": [["name": "A", "value": "1"]]],
                        ["name": "sidecar", "image": "proxy:1"],
                    ]
                ]
            ],
        ],
    ]

    @Test("merge patch: objects merge, null deletes, lists replace")
    func mergePatch() {
        let patch: JSONValue = ["metadata": ["labels": ["old": .null, "new": "y"]], "spec": ["replicas": 5]]
        let result = Patch.merge(Self.deployment, patch)
        #expect(result[path: ["metadata", "labels"]] == ["app": "web", "new": "y"])
        #expect(result[path: ["spec", "replicas"]] == 5)
        #expect(result[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.count == 2)
    }

    @Test("strategic merge patch merges containers by name, as kubectl set image and apply expect")
    func strategicContainers() throws {
        let patch: JSONValue = [
            "spec": ["template": ["spec": ["containers": [["name": "app", "image": "web:2"]]]]]
        ]
        let result = try #require(try Patch.strategicMerge(Self.deployment, patch))
        let containers = try #require(result[path: ["spec", "template", "spec", "containers"]]?.arrayValue)
        #expect(containers.count == 2)
        #expect(containers[0]["image"] == "web:2")
        #expect(containers[0]["env"]?.arrayValue?.count == 1)
        #expect(containers[1]["image"] == "proxy:1")
    }

    @Test("strategic merge patch directives: delete an element, replace a list, order, retain keys")
    func directives() throws {
        let deleteSidecar: JSONValue = [
            "spec": ["template": ["spec": ["containers": [["name": "sidecar", "$patch": "delete"]]]]]
        ]
        let deleted = try #require(try Patch.strategicMerge(Self.deployment, deleteSidecar))
        #expect(deleted[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.count == 1)

        let reorder: JSONValue = [
            "spec": ["template": ["spec": ["$setElementOrder/containers": [["name": "sidecar"], ["name": "app"]]]]]
        ]
        let ordered = try #require(try Patch.strategicMerge(Self.deployment, reorder))
        #expect(ordered[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["name"] == "sidecar")

        let restart: JSONValue = [
            "spec": [
                "template": ["metadata": ["annotations": ["kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:00Z"]]]
            ]
        ]
        let restarted = try #require(try Patch.strategicMerge(Self.deployment, restart))
        #expect(
            restarted[path: ["spec", "template", "metadata", "annotations", "kubectl.kubernetes.io/restartedAt"]] != nil
        )

        let retain: JSONValue = ["spec": ["$retainKeys": ["replicas"], "replicas": 1]]
        let retained = try #require(try Patch.strategicMerge(Self.deployment, retain))
        #expect(retained["spec"] == ["replicas": 1])
    }

    @Test("JSON patch operations, and a failed test operation is an error")
    func jsonPatch() throws {
        let patch: JSONValue = [
            ["op": "replace", "path": "/spec/replicas", "value": 4],
            ["op": "add", "path": "/metadata/labels/tier", "value": "fe"],
            ["op": "remove", "path": "/metadata/labels/old"],
            ["op": "add", "path": "/spec/template/spec/containers/-", "value": ["name": "third"]],
            ["op": "copy", "from": "/metadata/name", "path": "/metadata/labels/name"],
            ["op": "test", "path": "/spec/replicas", "value": 4],
        ]
        let result = try Patch.jsonPatch(Self.deployment, patch)
        #expect(result[path: ["spec", "replicas"]] == 4)
        #expect(result[path: ["metadata", "labels"]] == ["app": "web", "tier": "fe", "name": "web"])
        #expect(result[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.count == 3)
        let failing: JSONValue = [["op": "test", "path": "/spec/replicas", "value": 9]]
        #expect(throws: APIError.self) { try Patch.jsonPatch(Self.deployment, failing) }
        let missing: JSONValue = [["op": "remove", "path": "/nope"]]
        #expect(throws: APIError.self) { try Patch.jsonPatch(Self.deployment, missing) }
    }
}
