import Foundation
import Testing

@testable import KubeSimulator

/// The kubelet and scheduler as a pure function: a pod's status and events at a time, per behaviour.
@Suite struct PodLifecycleTests {
    static let born = Date(timeIntervalSince1970: 1_795_000_000)

    static func facts(
        _ behaviour: PodBehaviour,
        restartPolicy: String = "Always",
        initContainers: [ContainerFacts] = [],
        image: String = "registry.example.com/shop/web:1.0.0"
    ) -> PodFacts {
        PodFacts(
            namespace: "shop",
            name: "web-5d8b8d4c9f-x7k2p",
            uid: "uid-42",
            nodeName: "node-2",
            hostIP: "172.18.0.3",
            podIP: "10.244.2.7",
            containers: [ContainerFacts(name: "app", image: image, pullPolicy: "IfNotPresent", isInit: false)],
            initContainers: initContainers,
            restartPolicy: restartPolicy,
            bornAt: born,
            behaviour: behaviour,
            scale: 1,
            nodeCount: 3,
            deletionRequestedAt: nil
        )
    }

    static func state(_ facts: PodFacts, at seconds: Double) -> PodLifeState {
        PodLifecycle(facts: facts).evaluate(at: born + seconds)
    }

    static func waitingReason(_ state: PodLifeState, initContainer: Bool = false) -> String? {
        let statuses = initContainer ? state.initContainerStatuses : state.containerStatuses
        if case .waiting(let reason, _) = statuses.first?.segment.state { return reason }
        return nil
    }

    static func waitingMessage(_ state: PodLifeState) -> String? {
        if case .waiting(_, let message) = state.containerStatuses.first?.segment.state { return message }
        return nil
    }

    static func condition(_ state: PodLifeState, _ type: String) -> PodConditionState? {
        state.conditions.first { $0.type == type }
    }

    @Test func healthyPodStartsInTheKubeletsOrderAndIsReadyAfterTheDelay() throws {
        let facts = Self.facts(PodBehaviour(kind: .healthy, after: 2))
        let starting = Self.state(facts, at: 0.05)
        #expect(starting.phase == "Pending")
        #expect(Self.waitingReason(starting) == "ContainerCreating")
        #expect(Self.condition(starting, "Ready")?.status == false)
        #expect(Self.condition(starting, "Ready")?.message == "containers with unready status: [app]")

        let ready = Self.state(facts, at: 2.5)
        #expect(ready.phase == "Running")
        #expect(
            ready.conditions.map(\.type) == [
                "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled",
            ]
        )
        #expect(ready.conditions.allSatisfy { $0.status })
        #expect(Self.condition(ready, "Ready")?.lastTransitionTime == Self.born + 2)
        let status = try #require(ready.containerStatuses.first)
        #expect(status.segment.ready && status.segment.started && status.segment.restartCount == 0)
        #expect(ready.events.map(\.reason) == ["Scheduled", "Pulling", "Pulled", "Created", "Started"])
        #expect(ready.events[0].message == "Successfully assigned shop/web-5d8b8d4c9f-x7k2p to node-2")
        #expect(ready.events[1].message == "Pulling image \"registry.example.com/shop/web:1.0.0\"")
        #expect(ready.events[3].message == "Created container: app")
        #expect(ready.events[4].message == "Started container app")
        #expect(ready.events[4].fieldPath == "spec.containers{app}")
        #expect(ready.nextChange == nil)
    }

    @Test func crashLoopRestartsAtOnceThenBacksOffTenTwentyForty() throws {
        let facts = Self.facts(PodBehaviour(kind: .crashLoop, after: 1, exitCode: 3))
        // Started at 0.6 s (sandbox 0.2, pull 0.3, start 0.1); each instance runs 1 s.
        let firstCrash = Self.state(facts, at: 1.7)
        guard case .terminated(let termination) = firstCrash.containerStatuses.first?.segment.state else {
            Issue.record(
                "expected a terminated container, got \(String(describing: firstCrash.containerStatuses.first))"
            )
            return
        }
        #expect(termination.exitCode == 3)
        #expect(termination.reason == "Error")
        #expect(firstCrash.phase == "Running")

        let restarted = Self.state(facts, at: 2.7)
        #expect(restarted.containerStatuses.first?.segment.restartCount == 1)
        #expect(restarted.containerStatuses.first?.segment.lastState?.reason == "Error")

        let backingOff = Self.state(facts, at: 5)
        #expect(Self.waitingReason(backingOff) == "CrashLoopBackOff")
        #expect(
            Self.waitingMessage(backingOff)
                == "back-off 10s restarting failed container=app pod=web-5d8b8d4c9f-x7k2p_shop(uid-42)"
        )
        #expect(backingOff.containerStatuses.first?.segment.restartCount == 1)
        #expect(
            backingOff.events.contains {
                $0.reason == "BackOff"
                    && $0.message == "Back-off restarting failed container app in pod web-5d8b8d4c9f-x7k2p_shop(uid-42)"
            }
        )

        // Crash 2 at 3.6 s → restart at 13.6 s; crash 3 at 14.6 s → 20 s back-off; crash 4 at 35.6 s → 40 s.
        #expect(Self.state(facts, at: 14).containerStatuses.first?.segment.restartCount == 2)
        #expect(Self.waitingMessage(Self.state(facts, at: 20))?.hasPrefix("back-off 20s") == true)
        #expect(Self.waitingMessage(Self.state(facts, at: 50))?.hasPrefix("back-off 40s") == true)
        #expect(Self.state(facts, at: 76).containerStatuses.first?.segment.restartCount == 4)
    }

    @Test func backOffIsCappedAtFiveMinutes() {
        let facts = Self.facts(PodBehaviour(kind: .crashLoop, after: 1))
        let late = Self.state(facts, at: 3_600)
        let message = Self.waitingMessage(late) ?? ""
        #expect(late.containerStatuses.first.map { $0.segment.restartCount > 10 } == true)
        if Self.waitingReason(late) == "CrashLoopBackOff" { #expect(message.hasPrefix("back-off 5m0s")) }
    }

    @Test func timeScaleShrinksTheBackOff() {
        var facts = Self.facts(PodBehaviour(kind: .crashLoop, after: 1))
        facts.scale = 0.1
        // Started at 0.06 s, crash at 0.16 s, restart at 0.26 s, crash at 0.36 s, 1 s back-off.
        let state = Self.state(facts, at: 0.8)
        #expect(Self.waitingMessage(state)?.hasPrefix("back-off 1s restarting failed container=app") == true)
        #expect(Self.state(facts, at: 1.5).containerStatuses.first?.segment.restartCount == 2)
    }

    @Test func oomKilledReportsExit137() {
        let state = Self.state(Self.facts(PodBehaviour(kind: .oom)), at: 20)
        #expect(state.containerStatuses.first?.segment.lastState?.reason == "OOMKilled")
        #expect(state.containerStatuses.first?.segment.lastState?.exitCode == 137)
    }

    @Test func crashThenRecoverEndsReadyWithOneRestart() {
        let state = Self.state(Self.facts(PodBehaviour(kind: .crashThenRecover)), at: 10)
        #expect(state.phase == "Running")
        #expect(state.containerStatuses.first?.segment.restartCount == 1)
        #expect(state.containerStatuses.first?.segment.ready == true)
        #expect(Self.condition(state, "Ready")?.status == true)
        #expect(state.nextChange == nil)
    }

    @Test func imagePullErrorAlternatesWithImagePullBackOff() {
        let facts = Self.facts(PodBehaviour(kind: .imagePullError), image: "registry.example.com/shop/web:nope")
        let pulled = Self.state(facts, at: 0.6)
        #expect(Self.waitingReason(pulled) == "ErrImagePull")
        #expect(
            Self.waitingMessage(pulled)
                == "rpc error: code = NotFound desc = failed to pull and unpack image \"registry.example.com/shop/web:nope\": failed to resolve reference \"registry.example.com/shop/web:nope\": registry.example.com/shop/web:nope: not found"
        )
        let backOff = Self.state(facts, at: 3)
        #expect(Self.waitingReason(backOff) == "ImagePullBackOff")
        #expect(
            Self.waitingMessage(backOff)
                == "Back-off pulling image \"registry.example.com/shop/web:nope\": ErrImagePull: rpc error: code = NotFound desc = failed to pull and unpack image \"registry.example.com/shop/web:nope\": failed to resolve reference \"registry.example.com/shop/web:nope\": registry.example.com/shop/web:nope: not found"
        )
        #expect(backOff.phase == "Pending")
        let messages = backOff.events.map { "\($0.reason): \($0.message)" }
        #expect(messages.contains("Failed: Error: ErrImagePull"))
        #expect(messages.contains("Failed: Error: ImagePullBackOff"))
        #expect(messages.contains("BackOff: Back-off pulling image \"registry.example.com/shop/web:nope\""))
        #expect(
            messages.contains {
                $0.hasPrefix("Failed: Failed to pull image \"registry.example.com/shop/web:nope\": rpc error")
            }
        )
        // The second pull, after a 10 s back-off, fails again.
        #expect(Self.waitingReason(Self.state(facts, at: 10.9)) == "ErrImagePull")
    }

    @Test(arguments: [
        (
            BehaviourKind.missingConfigMap, "app-config", "CreateContainerConfigError",
            "configmap \"app-config\" not found"
        ),
        (BehaviourKind.missingSecret, "db", "CreateContainerConfigError", "secret \"db\" not found"),
    ])
    func configErrorsWaitWithTheKubeletsMessage(kind: BehaviourKind, resource: String, reason: String, message: String)
    {
        let state = Self.state(Self.facts(PodBehaviour(kind: kind, resource: resource)), at: 25)
        #expect(Self.waitingReason(state) == reason)
        #expect(Self.waitingMessage(state) == message)
        #expect(state.phase == "Pending")
        let failures = state.events.filter { $0.reason == "Failed" }
        #expect(failures.count == 3)
        #expect(failures.allSatisfy { $0.message == "Error: \(message)" && $0.type == "Warning" })
    }

    @Test func createContainerErrorWaits() {
        let state = Self.state(
            Self.facts(PodBehaviour(kind: .createContainerError, message: "context deadline exceeded")),
            at: 5
        )
        #expect(Self.waitingReason(state) == "CreateContainerError")
        #expect(Self.waitingMessage(state) == "context deadline exceeded")
    }

    @Test func invalidImageNameIsDetectedFromTheImageItself() {
        // A healthy behaviour does not save an image reference with upper case in it.
        let state = Self.state(Self.facts(.healthy, image: "registry.example.com/Shop/Web:1.0"), at: 5)
        #expect(Self.waitingReason(state) == "InvalidImageName")
        #expect(
            Self.waitingMessage(state)
                == "Failed to apply default image tag \"registry.example.com/Shop/Web:1.0\": couldn't parse image name \"registry.example.com/Shop/Web:1.0\": invalid reference format: repository name (Shop/Web) must be lowercase"
        )
        #expect(state.events.contains { $0.reason == "InspectFailed" })
        #expect(state.events.contains { $0.reason == "Failed" && $0.message == "Error: InvalidImageName" })
    }

    @Test func runContainerErrorShowsStartErrorThenBacksOff() {
        let facts = Self.facts(PodBehaviour(kind: .runContainerError))
        let first = Self.state(facts, at: 0.7)
        #expect(Self.waitingReason(first) == "RunContainerError")
        #expect(first.containerStatuses.first?.segment.lastState?.reason == "StartError")
        #expect(first.containerStatuses.first?.segment.lastState?.exitCode == 128)
        let later = Self.state(facts, at: 5)
        #expect(Self.waitingReason(later) == "CrashLoopBackOff")
        #expect(later.containerStatuses.first?.segment.restartCount == 1)
        #expect(
            later.events.contains {
                $0.reason == "Failed" && $0.message.hasPrefix("Error: failed to create containerd task")
            }
        )
    }

    @Test func unschedulablePodStaysPendingWithTheSchedulersMessage() {
        let state = Self.state(Self.facts(PodBehaviour(kind: .unschedulable)), at: 65)
        #expect(!state.scheduled)
        #expect(state.phase == "Pending")
        let scheduled = Self.condition(state, "PodScheduled")
        #expect(scheduled?.status == false)
        #expect(scheduled?.reason == "Unschedulable")
        #expect(
            scheduled?.message
                == "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
        )
        #expect(state.events.filter { $0.reason == "FailedScheduling" }.count == 3)
        #expect(state.events.allSatisfy { $0.component == .scheduler })
        #expect(state.containerStatuses.isEmpty)
    }

    @Test func neverReadyRunsWithAFailingReadinessProbe() {
        let state = Self.state(Self.facts(PodBehaviour(kind: .neverReady)), at: 35)
        #expect(state.phase == "Running")
        #expect(state.containerStatuses.first?.segment.ready == false)
        #expect(state.containerStatuses.first?.segment.started == true)
        #expect(Self.condition(state, "Ready")?.reason == "ContainersNotReady")
        let unhealthy = state.events.filter { $0.reason == "Unhealthy" }
        // Probed 1 s after the start (0.6 s), then every 10 s.
        #expect(unhealthy.map(\.time) == [1.6, 11.6, 21.6, 31.6].map { Self.born + $0 })
        #expect(unhealthy.allSatisfy { $0.message == "Readiness probe failed: HTTP probe failed with statuscode: 503" })
    }

    @Test func slowStartBecomesReadyLate() {
        let facts = Self.facts(PodBehaviour(kind: .slowStart, after: 25))
        #expect(Self.state(facts, at: 24).containerStatuses.first?.segment.ready == false)
        #expect(Self.state(facts, at: 26).containerStatuses.first?.segment.ready == true)
        #expect(
            Self.state(facts, at: 26).events.contains {
                $0.reason == "Unhealthy" && $0.message.contains("connection refused")
            }
        )
    }

    @Test func failedMountKeepsThePodInContainerCreating() {
        let state = Self.state(Self.facts(PodBehaviour(kind: .failedMount, resource: "tls")), at: 130)
        #expect(state.phase == "Pending")
        #expect(Self.waitingReason(state) == "ContainerCreating")
        #expect(Self.condition(state, "PodReadyToStartContainers")?.status == false)
        let mounts = state.events.filter { $0.reason == "FailedMount" }.map(\.message)
        #expect(mounts.first == "MountVolume.SetUp failed for volume \"tls\" : secret \"tls\" not found")
        #expect(mounts.contains { $0.hasPrefix("Unable to attach or mount volumes: unmounted volumes=[tls]") })
    }

    @Test func initCrashKeepsThePodInitializing() {
        let initContainer = ContainerFacts(
            name: "wait-for-db",
            image: "busybox:1.36",
            pullPolicy: "IfNotPresent",
            isInit: true
        )
        let state = Self.state(Self.facts(PodBehaviour(kind: .initCrash), initContainers: [initContainer]), at: 20)
        #expect(state.phase == "Pending")
        #expect(Self.waitingReason(state, initContainer: true) == "CrashLoopBackOff")
        #expect(Self.waitingReason(state) == "PodInitializing")
        #expect(Self.condition(state, "Initialized")?.status == false)
        #expect(Self.condition(state, "Initialized")?.message == "containers with incomplete status: [wait-for-db]")
    }

    @Test func healthyInitContainerCompletesFirst() {
        let initContainer = ContainerFacts(
            name: "migrate",
            image: "busybox:1.36",
            pullPolicy: "IfNotPresent",
            isInit: true
        )
        let state = Self.state(Self.facts(.healthy, initContainers: [initContainer]), at: 5)
        #expect(state.phase == "Running")
        guard case .terminated(let termination) = state.initContainerStatuses.first?.segment.state else {
            Issue.record("the init container should have completed")
            return
        }
        #expect(termination.reason == "Completed" && termination.exitCode == 0)
        #expect(Self.condition(state, "Initialized")?.status == true)
    }

    @Test func evictedPodFailsWithTheKubeletsReason() {
        let state = Self.state(Self.facts(PodBehaviour(kind: .evicted, after: 5)), at: 6)
        #expect(state.phase == "Failed")
        #expect(state.reason == "Evicted")
        #expect(state.message?.hasPrefix("The node was low on resource: memory.") == true)
        #expect(Self.condition(state, "DisruptionTarget")?.reason == "TerminationByKubelet")
        #expect(state.events.contains { $0.reason == "Evicted" && $0.type == "Warning" })
        #expect(state.events.contains { $0.reason == "Killing" && $0.message == "Stopping container app" })
    }

    @Test(arguments: [("Never", "Failed"), ("OnFailure", "Running")])
    func restartPolicyDecidesWhatACrashDoes(policy: String, phase: String) {
        let state = Self.state(Self.facts(PodBehaviour(kind: .crashLoop), restartPolicy: policy), at: 1.8)
        #expect(state.phase == phase)
    }

    @Test func jobPodCompletes() {
        let state = Self.state(Self.facts(PodBehaviour(kind: .healthy, after: 2), restartPolicy: "Never"), at: 3)
        #expect(state.phase == "Succeeded")
        #expect(Self.condition(state, "Ready")?.reason == "PodCompleted")
    }

    /// The life is a function of time, not of how often it was looked at.
    @Test(arguments: [BehaviourKind.crashLoop, .imagePullError, .neverReady, .evicted, .healthy])
    func evaluationIsDeterministic(kind: BehaviourKind) {
        let facts = Self.facts(PodBehaviour(kind: kind))
        for seconds in [0.0, 0.5, 3, 17, 61] {
            let first = Self.state(facts, at: seconds)
            let again = Self.state(facts, at: seconds)
            #expect(first.statusJSON(facts: facts, previous: nil) == again.statusJSON(facts: facts, previous: nil))
            #expect(first.events == again.events)
            // Later evaluations keep the earlier events (the recorder relies on it).
            let later = Self.state(facts, at: seconds + 30)
            #expect(Array(later.events.filter { $0.time <= Self.born + seconds }) == first.events)
        }
    }

    @Test func statusJSONHasTheAPIsShape() throws {
        let facts = Self.facts(PodBehaviour(kind: .crashLoop))
        let status = Self.state(facts, at: 5).statusJSON(facts: facts, previous: ["qosClass": "BestEffort"])
        #expect(status["phase"] == "Running")
        #expect(status["qosClass"] == "BestEffort")
        #expect(status["hostIP"] == "172.18.0.3")
        #expect(status["podIP"] == "10.244.2.7")
        #expect(status["startTime"] == .string(KubeTimestamp.seconds(Self.born)))
        let container = try #require(status["containerStatuses"]?.arrayValue?.first)
        #expect(container[path: ["state", "waiting", "reason"]] == "CrashLoopBackOff")
        #expect(container[path: ["lastState", "terminated", "exitCode"]] == 1)
        #expect(container[path: ["lastState", "terminated", "reason"]] == "Error")
        #expect(container["image"] == "registry.example.com/shop/web:1.0.0")
        #expect(container["imageID"]?.stringValue?.hasPrefix("registry.example.com/shop/web@sha256:") == true)
        #expect(container["restartCount"] == 1)
        #expect(container["started"] == false)
        let ready = try #require(status["conditions"]?.arrayValue?.first { $0["type"] == "Ready" })
        #expect(ready["lastProbeTime"] == .null)
        #expect(ready["status"] == "False")
    }
}
