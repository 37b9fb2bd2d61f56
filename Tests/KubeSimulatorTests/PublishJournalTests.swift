import Foundation
import Testing

@testable import KubeSimulator

/// The publish journal: when each change reached the watches, and the signals a benchmark searches for.
@Suite("Publish journal")
struct PublishJournalTests {
    static func change(_ kind: String, _ name: String, _ resourceVersion: Int64, _ value: JSONValue = [:]) -> Change {
        var object = value
        object.setValue(.string(name), at: ["metadata", "name"])
        object.setValue("shop", at: ["metadata", "namespace"])
        return Change(
            type: .modified,
            kind: kind,
            object: StoredObject(value: object, resourceVersion: resourceVersion),
            previous: nil
        )
    }

    @Test("signals: container reasons, conditions that hold and their reasons, a complete rollout")
    func signals() {
        let pod: JSONValue = [
            "status": [
                "conditions": [["type": "PodScheduled", "status": "False", "reason": "Unschedulable"]],
                "initContainerStatuses": [["state": ["terminated": ["reason": "Completed"]]]],
                "containerStatuses": [
                    ["state": ["waiting": ["reason": "CrashLoopBackOff"]]],
                    ["state": ["running": [:]]],
                ],
            ]
        ]
        #expect(JournalSignals.of(pod, kind: "Pod") == ["Unschedulable", "Completed", "CrashLoopBackOff"])
        let replicaSet: JSONValue = [
            "status": ["conditions": [["type": "ReplicaFailure", "status": "True", "reason": "FailedCreate"]]]
        ]
        #expect(JournalSignals.of(replicaSet, kind: "ReplicaSet") == ["ReplicaFailure", "FailedCreate"])
        var deployment: JSONValue = [
            "metadata": ["generation": 2], "spec": ["replicas": 2],
            "status": ["observedGeneration": 2, "replicas": 3, "updatedReplicas": 2, "availableReplicas": 2],
        ]
        #expect(!JournalSignals.of(deployment, kind: "Deployment").contains("RolloutComplete"), "an old pod is left")
        deployment.setValue(2, at: ["status", "replicas"])
        #expect(JournalSignals.of(deployment, kind: "Deployment").contains("RolloutComplete"))
        deployment.setValue(1, at: ["status", "observedGeneration"])
        #expect(!JournalSignals.of(deployment, kind: "Deployment").contains("RolloutComplete"), "not observed yet")
    }

    @Test("queries filter by kind, namespace, name, signal and resourceVersion; the oldest entries drop off")
    func queries() {
        var journal = PublishJournal(limit: 3)
        let crashing: JSONValue = [
            "status": ["containerStatuses": [["state": ["waiting": ["reason": "CrashLoopBackOff"]]]]]
        ]
        journal.record([Self.change("Pod", "a", 1), Self.change("Pod", "b", 2)], publishedAt: 100)
        journal.record([Self.change("Pod", "a", 3, crashing), Self.change("ReplicaSet", "a", 4)], publishedAt: 200)
        #expect(journal.count == 3)
        #expect(journal.dropped == 1)
        #expect(journal.oldestResourceVersion == 2)
        let first = journal.entries(matching: .init(kind: "Pod", signal: "CrashLoopBackOff", limit: 1))
        #expect(first.map(\.resourceVersion) == [3])
        #expect(first.first?.publishedAt == 200)
        #expect(journal.entries(matching: .init(name: "a")).map(\.resourceVersion) == [3, 4])
        #expect(journal.entries(matching: .init(afterResourceVersion: 3)).map(\.kind) == ["ReplicaSet"])
        #expect(journal.entries(matching: .init(namespace: "other")).isEmpty)
        #expect(PublishJournal(limit: 0).entries(matching: .init()).isEmpty)
    }

    @Test("the first published CrashLoopBackOff is the change that brought it, stamped when it was published")
    func firstCrashLoop() throws {
        let scenario = try Scenario.parse(
            yaml: """
                workloads:
                  deployments:
                    - {name: web, namespace: shop, replicas: 1, behaviour: crash-loop}
                """,
            file: "crash.yaml"
        )
        let before = PublishJournal.realtimeNanoseconds()
        let fixture = HandlerFixture(scenario: scenario)
        fixture.advance(to: .seconds(15))
        let after = PublishJournal.realtimeNanoseconds()
        let found = fixture.cluster.published(matching: .init(kind: "Pod", signal: "CrashLoopBackOff", limit: 1))
        let entry = try #require(found.entries.first)
        #expect((before...after).contains(entry.publishedAt))
        let history = try #require(fixture.cluster.read { $0.changes(kind: "Pod", after: 0) })
        let changes = history.filter { $0.object.name == entry.name }
        let index = try #require(changes.firstIndex { $0.resourceVersion == entry.resourceVersion })
        #expect(JournalSignals.of(changes[index].object.value, kind: "Pod").contains("CrashLoopBackOff"))
        #expect(
            changes[..<index].allSatisfy {
                !JournalSignals.of($0.object.value, kind: "Pod").contains("CrashLoopBackOff")
            }
        )
        let all = fixture.cluster.published(matching: .init(limit: 100_000)).entries
        #expect(all.map(\.resourceVersion) == all.map(\.resourceVersion).sorted())
        #expect(all.map(\.publishedAt) == all.map(\.publishedAt).sorted())
    }

    @Test("timestamps print as RFC 3339 with microseconds")
    func timestamps() {
        #expect(KubeTimestamp.micro(nanoseconds: 1_795_000_000_123_456_789) == "2026-11-18T11:06:40.123456Z")
        #expect(KubeTimestamp.micro(nanoseconds: 0) == "1970-01-01T00:00:00.000000Z")
    }
}
