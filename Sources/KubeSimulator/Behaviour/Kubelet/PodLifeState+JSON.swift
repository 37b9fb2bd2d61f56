import Foundation

/// The pod status as the kubelet writes it to the API: the shape `kubectl get pod -o json` shows.
extension PodLifeState {
    func statusJSON(facts: PodFacts, previous: JSONValue?) -> JSONValue {
        var status: [String: JSONValue] = [
            "phase": .string(phase),
            "conditions": .array(conditions.map(\.json)),
        ]
        if let qosClass = previous?["qosClass"] { status["qosClass"] = qosClass }
        if let reason { status["reason"] = .string(reason) }
        if let message { status["message"] = .string(message) }
        guard scheduled else { return .object(status) }
        status["hostIP"] = .string(facts.hostIP)
        status["hostIPs"] = [["ip": .string(facts.hostIP)]]
        if podIPAssigned {
            status["podIP"] = .string(facts.podIP)
            status["podIPs"] = [["ip": .string(facts.podIP)]]
        }
        if let startTime { status["startTime"] = .string(KubeTimestamp.seconds(startTime)) }
        if !initContainerStatuses.isEmpty {
            status["initContainerStatuses"] = .array(initContainerStatuses.map(\.json))
        }
        status["containerStatuses"] = .array(containerStatuses.map(\.json))
        return .object(status)
    }
}

extension PodConditionState {
    var json: JSONValue {
        .compact([
            "type": .string(type),
            "status": .string(status ? "True" : "False"),
            "lastProbeTime": .null,
            "lastTransitionTime": .string(KubeTimestamp.seconds(lastTransitionTime)),
            "reason": reason.map(JSONValue.string),
            "message": message.map(JSONValue.string),
        ])
    }
}

extension ContainerTermination {
    var json: JSONValue {
        .compact([
            "exitCode": .integer(exitCode),
            "reason": .string(reason),
            "message": message.map(JSONValue.string),
            "startedAt": .string(KubeTimestamp.seconds(startedAt ?? finishedAt)),
            "finishedAt": .string(KubeTimestamp.seconds(finishedAt)),
            "containerID": .string(containerID),
        ])
    }
}

extension ContainerStatusState {
    var json: JSONValue {
        let state: JSONValue
        switch segment.state {
        case .waiting(let reason, let message):
            state = ["waiting": .compact(["reason": .string(reason), "message": message.map(JSONValue.string)])]
        case .running(let startedAt):
            state = ["running": ["startedAt": .string(KubeTimestamp.seconds(startedAt))]]
        case .terminated(let termination):
            state = ["terminated": termination.json]
        }
        return .compact([
            "name": .string(facts.name),
            "state": state,
            "lastState": segment.lastState.map { ["terminated": $0.json] } ?? .object([:]),
            "ready": .bool(segment.ready),
            "restartCount": .integer(segment.restartCount),
            "image": .string(segment.pulled ? Naming.qualifiedImage(facts.image) : facts.image),
            "imageID": .string(segment.pulled ? Naming.imageID(facts.image) : ""),
            "containerID": segment.containerID.map(JSONValue.string),
            "started": .bool(segment.started),
        ])
    }
}
