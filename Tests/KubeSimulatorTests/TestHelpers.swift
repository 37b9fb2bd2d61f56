import Foundation
import NIOHTTP1

@testable import KubeSimulator

extension ResourceType {
    /// The resource storing `kind`, for tests that know it exists (the first resource otherwise, so a typo
    /// fails the test's expectations instead of crashing).
    static func named(_ kind: String) -> ResourceType {
        storing(kind: kind) ?? all[0]
    }
}

/// An API handler over a fresh cluster, for tests that need no network.
struct HandlerFixture {
    let cluster: SimulatedCluster
    let handler: APIHandler
    static let admin = KubeSimulatorConfiguration.adminIdentity

    init(objects: [JSONValue] = [], denyRules: [AccessRule] = [], historyLimit: Int = 1000) {
        cluster = SimulatedCluster(
            historyLimit: historyLimit,
            behaviour: nil,
            clock: SimulationClock(clock: ContinuousClock(), origin: Date(timeIntervalSince1970: 1_800_000_000))
        )
        ScenarioRunner(cluster: cluster, timeline: [], diagnostics: { _ in }, file: "test").seed(objects)
        handler = APIHandler(
            cluster: cluster,
            settings: APISettings(
                serverAddress: { "127.0.0.1:0" },
                denyRules: denyRules,
                defaultWatchTimeout: .seconds(60)
            )
        )
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
