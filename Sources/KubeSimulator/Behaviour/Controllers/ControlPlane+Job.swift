import Foundation

/// The Job controller (`pkg/controller/job`): pods until `completions` succeed, a back-off between failed
/// pods, and the terminal conditions (`SuccessCriteriaMet` then `Complete`, or `FailureTarget` then
/// `Failed` with `BackoffLimitExceeded`).
extension ControlPlane {
    mutating func syncJob(_ key: ObjectKey, _ workspace: inout Workspace, queue: inout WorkQueue) {
        guard let job = workspace.get(key) else { return }
        guard let uid = job.metaUID else {
            carry.insert(key)
            return
        }
        keyOfUID[uid] = key
        if unmanagedUIDs.contains(uid) || job.isTerminating { return }
        let now = workspace.now
        let spec = job["spec"] ?? .object([:])
        let completions = Int(spec["completions"]?.intValue ?? 1)
        let parallelism = Int(spec["parallelism"]?.intValue ?? 1)
        let backoffLimit = Int(spec["backoffLimit"]?.intValue ?? 6)
        var status = job["status"]?.objectValue ?? [:]
        let conditions = status["conditions"]?.arrayValue ?? []
        let finished = conditions.contains { condition in
            let type = condition["type"]?.stringValue
            return (type == "Complete" || type == "Failed") && condition["status"]?.stringValue == "True"
        }

        var active: [JSONValue] = []
        var succeeded = 0
        var failed = 0
        var terminating = 0
        var ready = 0
        var lastFailure: Date?
        for podKey in (podsByOwner[uid] ?? []).sorted() {
            guard let pod = workspace.get(podKey) else { continue }
            if pod.isTerminating {
                terminating += 1
                continue
            }
            switch pod[path: ["status", "phase"]]?.stringValue {
            case "Succeeded": succeeded += 1
            case "Failed":
                failed += 1
                let finishedAt = (pod[path: ["status", "containerStatuses"]]?.arrayValue ?? []).compactMap {
                    $0[path: ["state", "terminated", "finishedAt"]]?.stringValue.flatMap(KubeTimestamp.parse)
                }.max()
                if let finishedAt { lastFailure = max(lastFailure ?? finishedAt, finishedAt) }
            default:
                active.append(pod)
                failed += Int(PodRanking.restarts(pod))
                if PodRanking.readySince(pod) != nil { ready += 1 }
            }
        }
        if status["startTime"] == nil { status["startTime"] = .string(KubeTimestamp.seconds(now)) }

        var newConditions = conditions
        func condition(_ type: String, _ reason: String, _ message: String) -> JSONValue {
            [
                "type": .string(type), "status": "True", "lastProbeTime": .string(KubeTimestamp.seconds(now)),
                "lastTransitionTime": .string(KubeTimestamp.seconds(now)), "reason": .string(reason),
                "message": .string(message),
            ]
        }
        if !finished {
            if failed > backoffLimit {
                let message = "Job has reached the specified backoff limit"
                newConditions += [
                    condition("FailureTarget", "BackoffLimitExceeded", message),
                    condition("Failed", "BackoffLimitExceeded", message),
                ]
                for pod in active { deletePod(pod.objectKey(kind: "Pod"), &workspace, queue: &queue) }
                active = []
                recorder.record(
                    about: job,
                    type: "Warning",
                    reason: "BackoffLimitExceeded",
                    message: message,
                    source: .controller("job-controller"),
                    at: now,
                    into: &workspace
                )
            } else if succeeded >= completions {
                let message = "Reached expected number of succeeded pods"
                newConditions += [
                    condition("SuccessCriteriaMet", "CompletionsReached", message),
                    condition("Complete", "CompletionsReached", message),
                ]
                status["completionTime"] = .string(KubeTimestamp.seconds(now))
                recorder.record(
                    about: job,
                    type: "Normal",
                    reason: "Completed",
                    message: "Job completed",
                    source: .controller("job-controller"),
                    at: now,
                    into: &workspace
                )
            } else {
                let wanted = min(parallelism, completions - succeeded)
                if active.count < wanted {
                    // The pod failure back-off: 10 s after the first failure, doubling, at most 6 minutes.
                    let backOff =
                        failed == 0
                        ? 0 : scaled(min(10 * pow(2, Double(failed - 1)), 360))
                    let allowedAt = (lastFailure ?? .distantPast) + backOff
                    if allowedAt <= now {
                        for _ in active.count..<wanted { createJobPod(of: job, &workspace) }
                    } else {
                        wake(key, at: allowedAt)
                    }
                }
            }
        }
        status["conditions"] = newConditions.isEmpty ? nil : .array(newConditions)
        status["active"] = .nonZero(active.count)
        status["ready"] = .integer(ready)
        status["succeeded"] = .nonZero(succeeded)
        status["failed"] = .nonZero(failed)
        status["terminating"] = .integer(terminating)
        status["uncountedTerminatedPods"] = .object([:])
        let latest = workspace.get(key) ?? job
        if latest["status"] != .object(status) { workspace.put(latest.setting(["status"], .object(status)), as: key) }
    }

    mutating func createJobPod(of job: JSONValue, _ workspace: inout Workspace) {
        let uid = job.metaUID ?? ""
        let name = generatedPodName(owner: job, workspace: workspace)
        var template = job[path: ["spec", "template"]] ?? .object([:])
        if template[path: ["spec", "restartPolicy"]] == nil { template.set(["spec", "restartPolicy"], "Never") }
        let (pod, record) = makePod(
            name: name,
            template: template,
            owner: job,
            extraLabels: [
                "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": job.metaName,
                "controller-uid": uid, "job-name": job.metaName,
            ],
            bornAt: workspace.now
        )
        createPod(pod, record: record, &workspace)
        recorder.record(
            about: job,
            type: "Normal",
            reason: "SuccessfulCreate",
            message: "Created pod: \(name)",
            source: .controller("job-controller"),
            at: workspace.now,
            into: &workspace
        )
    }
}
