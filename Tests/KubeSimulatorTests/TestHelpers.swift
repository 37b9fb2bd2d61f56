import Foundation
import NIOHTTP1
import Testing

@testable import KubeSimulator

extension ResourceType {
    /// The resource storing `kind`, for tests that know it exists (the first resource otherwise, so a typo
    /// fails the test's expectations instead of crashing).
    static func named(_ kind: String) -> ResourceType {
        storing(kind: kind) ?? all[0]
    }
}

/// An API handler over a fresh cluster, for tests that need no network.
///
/// With a behaviour model it runs on a `ManualClock`: `advance(to:)` plays the model (and any timeline)
/// up to an offset from the start, waking it whenever it asked, without a scenario runner task.
struct HandlerFixture {
    let cluster: SimulatedCluster
    let handler: APIHandler
    let clock = ManualClock()
    let runner: ScenarioRunner
    static let admin = KubeSimulatorConfiguration.adminIdentity
    static let origin = Date(timeIntervalSince1970: 1_800_000_000)

    init(
        objects: [JSONValue] = [],
        denyRules: [AccessRule] = [],
        historyLimit: Int = 1000,
        behaviour: (any ClusterBehaviour)? = nil,
        timeline: [TimelineStep] = []
    ) {
        cluster = SimulatedCluster(
            historyLimit: historyLimit,
            behaviour: behaviour,
            clock: SimulationClock(clock: clock, origin: Self.origin)
        )
        runner = ScenarioRunner(cluster: cluster, timeline: timeline, diagnostics: { _ in }, file: "test")
        runner.seed(objects)
        if behaviour != nil { cluster.reconcileNow() }
        handler = APIHandler(
            cluster: cluster,
            settings: APISettings(
                serverAddress: { "127.0.0.1:0" },
                denyRules: denyRules,
                defaultWatchTimeout: .seconds(60)
            )
        )
    }

    /// A fixture playing a scenario: its objects, timeline and behaviour model.
    init(scenario: Scenario) {
        self.init(objects: scenario.objects, behaviour: scenario.behaviour, timeline: scenario.timeline)
    }

    /// Plays scenario time up to `offset` from the start: timeline steps at their offsets, the behaviour
    /// model at every wake-up it asked for; `observe` sees the cluster after each step.
    func advance(to offset: Duration, observe: (SimulatedCluster) -> Void = { _ in }) {
        var next = runner.timeline.firstIndex { $0.at > clock.now.offset } ?? runner.timeline.count
        var callsAtThisInstant = 0
        var instant = clock.now.offset
        while true {
            callsAtThisInstant = clock.now.offset == instant ? callsAtThisInstant + 1 : 0
            instant = clock.now.offset
            if callsAtThisInstant > 1_000 {
                Issue.record("the behaviour kept asking to be woken at \(instant)")
                return
            }
            var target = offset
            if next < runner.timeline.count { target = min(target, runner.timeline[next].at) }
            if let wake = cluster.nextWake {
                target = min(target, max(cluster.clock.offset(of: wake), clock.now.offset))
            }
            if target > clock.now.offset { clock.advance(by: target - clock.now.offset) }
            while next < runner.timeline.count, runner.timeline[next].at <= clock.now.offset {
                runner.apply(runner.timeline[next])
                next += 1
            }
            cluster.reconcileNow()
            observe(cluster)
            if clock.now.offset >= offset { return }
        }
    }

    /// Sends a request and returns the full response (a watch plan is a test failure here).
    func send(
        _ method: String,
        _ uri: String,
        body: String = "",
        contentType: String = "application/json",
        accept: String = "application/json",
        identity: Identity = HandlerFixture.admin
    ) -> FullResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Accept", value: accept)
        let request = APIRequest(method: method, uri: uri, headers: headers, body: Array(body.utf8))
        switch handler.handle(request, identity: identity) {
        case .full(let response): return response
        case .watch: return FullResponse(status: -1, contentType: "", body: [])
        }
    }

    /// Sends a watch request and returns its plan, or the error response.
    func watch(_ uri: String, accept: String = "application/json") -> Result<WatchPlan, HandlerFailure> {
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: accept)
        switch handler.handle(APIRequest(method: "GET", uri: uri, headers: headers), identity: Self.admin) {
        case .watch(let plan): return .success(plan)
        case .full(let response): return .failure(HandlerFailure(response: response))
        }
    }
}

/// A watch request answered with a complete (error) response.
struct HandlerFailure: Error {
    let response: FullResponse
}

extension FullResponse {
    /// The body parsed as JSON (`.null` when it is not JSON).
    var json: JSONValue { (try? JSONValue.parse(body)) ?? .null }
    /// The body as text.
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Objects for tests, in the shape a real API server returns them.
enum Fixtures {
    static func deployment(_ name: String, namespace: String = "shop", labels: [String: String] = [:]) -> JSONValue {
        var labelValues: [String: JSONValue] = ["app": .string(name)]
        for (key, value) in labels { labelValues[key] = .string(value) }
        return [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": .object(labelValues)],
            "spec": [
                "replicas": 2, "selector": ["matchLabels": ["app": .string(name)]],
                "template": [
                    "metadata": ["labels": ["app": .string(name)]],
                    "spec": ["containers": [["name": "app", "image": .string("\(name):1")]]],
                ],
            ],
        ]
    }

    static func pod(
        _ name: String,
        namespace: String = "shop",
        labels: [String: String] = [:],
        phase: String = "Running"
    )
        -> JSONValue
    {
        [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": [
                "name": .string(name), "namespace": .string(namespace),
                "labels": .object(labels.mapValues { JSONValue.string($0) }),
            ],
            "spec": [
                "nodeName": "node-1",
                "containers": [["name": "app", "image": "app:1"], ["name": "sidecar", "image": "proxy:1"]],
            ],
            "status": ["phase": .string(phase)],
        ]
    }

    static func event(
        _ name: String,
        namespace: String = "shop",
        involvedKind: String,
        involvedName: String,
        type: String
    )
        -> JSONValue
    {
        [
            "apiVersion": "v1", "kind": "Event", "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "involvedObject": [
                "kind": .string(involvedKind), "name": .string(involvedName), "namespace": .string(namespace),
            ],
            "reason": "BackOff", "message": "Back-off restarting failed container", "type": .string(type),
            "source": ["component": "kubelet"],
        ]
    }
}
