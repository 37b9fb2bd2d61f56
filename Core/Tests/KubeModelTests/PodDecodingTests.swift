import Foundation
import KubeModel
import Testing

@Suite struct PodDecodingTests {
    @Test func decodesContainerStatesAndTheLastTermination() throws {
        let pod = try Fixture.decode(Pod.self, "pod-crashloop")
        #expect(pod.metadata.controllerReference?.kind == "ReplicaSet")
        #expect(pod.metadata.labels?["pod-template-hash"] == "6d4b9c7f8")
        #expect(pod.spec.nodeName == "node-b")
        #expect(pod.spec.restartPolicy == "Always")
        #expect(pod.spec.containers.map(\.name) == ["main"])
        #expect(pod.spec.initContainers.map(\.name) == ["migrate"])
        #expect(pod.status.phase == .running)
        #expect(pod.status.startTime == (try Fixture.time("2024-05-01T10:00:02Z")))
        #expect(pod.status.conditions.first(ofType: "PodScheduled")?.status == .isTrue)
        #expect(pod.status.conditions.first(ofType: "Ready")?.reason == "ContainersNotReady")
        #expect(!pod.isTerminating)

        let main = try #require(pod.status.containerStatuses.first)
        #expect(main.name == "main")
        #expect(main.restartCount == 3)
        #expect(main.ready == false)
        #expect(main.started == false)
        #expect(main.image == "registry.example.com/web:1.4.2")
        let waiting = try #require(main.state.waiting)
        #expect(waiting.reason == "CrashLoopBackOff")
        #expect(waiting.message?.hasPrefix("back-off 40s restarting failed container=main") == true)
        let last = try #require(main.lastState.terminated)
        #expect(last.reason == "OOMKilled")
        #expect(last.exitCode == 137)
        #expect(last.signal == nil)
        #expect(last.startedAt == (try Fixture.time("2024-05-01T10:01:10Z")))
        #expect(last.finishedAt == (try Fixture.time("2024-05-01T10:01:31Z")))

        let migrate = try #require(pod.status.initContainerStatuses.first)
        #expect(migrate.state.terminated?.reason == "Completed")
        #expect(migrate.lastState == .unknown)
        #expect(migrate.ready)
    }

    @Test func nullListsAndMissingStatusesDecodeAsEmpty() throws {
        let pod = try Fixture.decode(Pod.self, "pod-just-created")
        #expect(pod.status.phase == .pending)
        #expect(pod.status.conditions.isEmpty)
        #expect(pod.status.containerStatuses.isEmpty)
        #expect(pod.status.initContainerStatuses.isEmpty)
        #expect(pod.spec.initContainers.isEmpty)
        #expect(pod.metadata.ownerReferences == nil)
        #expect(pod.isTerminating)
    }

    @Test(arguments: [
        (#"{}"#, ContainerState.unknown),
        (
            #"{"running": {"startedAt": "2024-05-01T10:00:00Z"}}"#,
            .running(.init(startedAt: KubeTime(rfc3339: "2024-05-01T10:00:00Z")))
        ),
        (#"{"waiting": {"reason": "ContainerCreating"}}"#, .waiting(.init(reason: "ContainerCreating"))),
        (
            #"{"terminated": {"exitCode": 1, "signal": 9, "reason": "Error"}}"#,
            .terminated(.init(exitCode: 1, signal: 9, reason: "Error"))
        ),
        (#"{"terminated": {"reason": "Completed"}}"#, .terminated(.init(exitCode: 0, reason: "Completed"))),
    ])
    func decodesEachContainerState(json: String, expected: ContainerState) throws {
        let state = try JSONDecoder().decode(ContainerState.self, from: Data(json.utf8))
        #expect(state == expected)
        #expect(try JSONDecoder().decode(ContainerState.self, from: JSONEncoder().encode(state)) == state)
    }

    @Test(arguments: ["Pending", "Running", "Succeeded", "Failed", "Unknown", "SomethingNew"])
    func decodesEveryPodPhase(text: String) throws {
        let phase = try JSONDecoder().decode(PodPhase.self, from: Data("\"\(text)\"".utf8))
        #expect(phase == PodPhase(rawValue: text) ?? .unknown)
    }

    @Test func decodesAnOldStyleEvent() throws {
        let event = try Fixture.decode(Event.self, "event-old-style")
        #expect(event.reason == "Unhealthy")
        #expect(event.isWarning)
        #expect(event.involvedObject.kind == "Pod")
        #expect(event.involvedObject.uid == "c2a8e6b0-5d3f-4b71-8e09-6f4d2a1c9b57")
        #expect(event.involvedObject.containerName == "main")
        #expect(event.occurrences == 14)
        #expect(event.source?.component == "kubelet")
        #expect(event.eventTime == nil)
        #expect(event.lastSeen == (try Fixture.time("2024-05-01T10:01:20Z")))
        #expect(event.firstSeen == (try Fixture.time("2024-05-01T10:00:05Z")))
    }

    @Test func decodesANewStyleEventWithMicrosecondTimes() throws {
        let event = try Fixture.decode(Event.self, "event-new-style")
        #expect(event.reason == "FailedMount")
        #expect(event.message == #"MountVolume.SetUp failed for volume "tls" : secret "tls" not found"#)
        #expect(event.firstTimestamp == nil)
        #expect(event.lastTimestamp == nil)
        #expect(event.occurrences == 5)
        #expect(event.reportingComponent == "kubelet")
        #expect(event.involvedObject.containerName == nil)
        let first = try #require(event.firstSeen)
        let last = try #require(event.lastSeen)
        #expect(abs(first.date.timeIntervalSince1970 - 1_714_557_604.512_345) < 0.000_01)
        #expect(last.date.timeIntervalSince(first.date) > 123)
    }

    @Test(
        arguments: [
            ("spec.containers{main}", "main"),
            ("spec.initContainers{migrate}", "migrate"),
            ("spec.containers{}", nil),
            ("metadata.name", nil),
        ] as [(String, String?)]
    )
    func readsTheContainerOfAFieldPath(fieldPath: String, container: String?) {
        #expect(ObjectReference(fieldPath: fieldPath).containerName == container)
    }

    @Test func decodesWatchEventsOfPods() throws {
        let lines = [
            #"{"type":"ADDED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a","resourceVersion":"10"}}}"#,
            #"{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"12"}}}"#,
            #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Expired","code":410}}"#,
        ]
        let events = try lines.map { try JSONDecoder().decode(WatchEvent<Pod>.self, from: Data($0.utf8)) }
        #expect(events[0].object?.metadata.name == "a")
        guard case .bookmark(let version) = events[1] else {
            Issue.record("expected a bookmark, got \(events[1])")
            return
        }
        #expect(version == "12")
        guard case .error(let status) = events[2] else {
            Issue.record("expected an error, got \(events[2])")
            return
        }
        #expect(status.code == 410)
    }
}
