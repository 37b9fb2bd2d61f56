import RolloutRules

extension ProgressEvent {
    /// The event as one line for people, prefixed by `namespace/name`.
    ///
    /// Such as `prod/web: 1/3 ready, 3/3 updated: Waiting for deployment "web" rollout to finish: 1 of 3
    /// updated replicas are available...; pod web-7f9-x: container app CrashLoopBackOff` or
    /// `prod/web: failed (process-crashing): …`. Untrusted text (messages quoting container output) is the
    /// display's to neutralise.
    public var line: String {
        let prefix: String
        switch subject {
        case .workload(let reference): prefix = reference.qualifiedName
        case .selection(let selection): prefix = selection.description
        }
        var counts = ""
        if let replicas = progress.replicas {
            counts = "\(replicas.ready)/\(replicas.desired) ready, \(replicas.updated)/\(replicas.desired) updated: "
        }
        switch verdict {
        case nil:
            return "\(prefix): \(counts)\(progress.waitingFor)"
        case .succeeded:
            return "\(prefix): succeeded: \(progress.message)"
        case .failed(let failure):
            return "\(prefix): failed (\(failure.code.rawValue)): \(failure.message)"
        case .cancelled:
            return "\(prefix): cancelled after another target failed: \(counts)\(progress.waitingFor)"
        case .progressing:
            return "\(prefix): still progressing when the gate stopped: \(counts)\(progress.waitingFor)"
        }
    }
}
