import Foundation
import KubeModel
import RolloutRules

/// The instant from which a verdict's latency is measured, and why that instant.
///
/// "Time to verdict" starts when the cluster's published state first makes the verdict certain. The
/// benchmark finds that instant by replaying everything the witness saw, in publish order, through the
/// gate's own rules (`RolloutEvaluator`): the first change after which the verdict is final is the
/// decisive change. For the time-based rules (`--pending-deadline`, the image-pull and mount graces) no
/// change is decisive: the instant is the one at which the threshold passes, computed from the objects'
/// timestamps, which are all the gate can know.
public struct DecisiveMoment: Codable, Sendable, Hashable {
    /// How the instant was obtained.
    public enum Basis: String, Codable, Sendable, Hashable {
        /// The simulator's publish time of the decisive change (its store's clock).
        case published
        /// The witness's receive time of the decisive change: an upper bound of the publish time, used when
        /// the simulator does not report publish times.
        case received
        /// A time-based threshold passing: a timestamp of the objects plus the threshold.
        case threshold
        /// The gate's `--timeout` passing, measured from the gate process's start.
        case deadline
        /// Nothing changes: the state that decides was there when the gate started (`not-found`).
        case processStart = "process-start"
    }

    /// The instant.
    public var instant: WallInstant
    /// How it was obtained.
    public var basis: Basis
    /// `succeeded`, or the failure code the replay reached.
    public var verdict: String
    /// The rule that decided in the replay.
    public var rule: String
    /// The decisive change, such as `Pod bench/web-7d9c-abcde rv 1042`.
    public var change: String
    /// When the witness received the decisive change, if a change decided.
    ///
    /// Minus a `published` instant, it is how long the simulator took to deliver the change to a watch:
    /// the share of a tool's latency that is the simulator's, not the tool's.
    public var receivedAt: WallInstant?

    /// Creates a moment.
    public init(
        instant: WallInstant,
        basis: Basis,
        verdict: String,
        rule: String,
        change: String,
        receivedAt: WallInstant? = nil
    ) {
        self.instant = instant
        self.basis = basis
        self.verdict = verdict
        self.rule = rule
        self.change = change
        self.receivedAt = receivedAt
    }

    /// Replays `records` and returns the moment the verdict of `namespace/name` became final, or `nil` if
    /// it never did before `until`.
    ///
    /// - Parameters:
    ///   - records: what the witness saw, initial lists included.
    ///   - namespace: the Deployment's namespace.
    ///   - name: the Deployment's name.
    ///   - after: the benchmark's change; verdicts about the state before it (the previous, finished
    ///     rollout) are not the gate's. Once a change is applied, the Deployment is judged only from the
    ///     first record that shows its new generation: until the witness has seen it, the replay would
    ///     judge the previous, finished rollout.
    ///   - until: the end of the window searched for thresholds passing.
    ///   - thresholds: the thresholds the gate ran with.
    ///   - publishedAt: the simulator's publish time of a record, when it reports one.
    public static func find(
        in records: [WitnessRecord],
        namespace: String,
        name: String,
        after: WallInstant,
        until: WallInstant,
        thresholds: RolloutThresholds,
        changed: Bool = true,
        publishedAt: (WitnessRecord) -> WallInstant? = { _ in nil }
    ) -> DecisiveMoment? {
        let target = DeploymentName(namespace: namespace, name: name)
        return findAll(
            in: records,
            targets: [target],
            after: after,
            until: until,
            thresholds: thresholds,
            changed: changed,
            publishedAt: publishedAt
        )[target]
    }

    /// Replays `records` once and returns, for each target whose verdict became final, that moment.
    ///
    /// After each change, only the targets of the change's namespace are judged (a Deployment change
    /// judges that Deployment alone), so a thousand targets cost one evaluation per relevant change.
    public static func findAll(
        in records: [WitnessRecord],
        targets: Set<DeploymentName>,
        after: WallInstant,
        until: WallInstant,
        thresholds: RolloutThresholds,
        changed: Bool = true,
        publishedAt: (WitnessRecord) -> WallInstant? = { _ in nil }
    ) -> [DeploymentName: DecisiveMoment] {
        let timed = records.map { record in
            let published = publishedAt(record)
            return (record: record, time: published ?? record.receivedAt, published: published != nil)
        }
        let changes = timed.filter { !$0.record.initial }.sorted { $0.time < $1.time }
        var state = ReplayState()
        for entry in timed where entry.record.initial { state.apply(entry.record) }
        // The generation each target had before the change; judging starts above it.
        var initialGeneration: [DeploymentName: Int64] = [:]
        if changed {
            for target in targets {
                initialGeneration[target] = state.deployments[target.namespace]?[target.name]?.metadata.generation ?? 0
            }
        }
        let evaluator = RolloutEvaluator(thresholds: thresholds)
        let limits = Self.limits(thresholds)
        var byNamespace: [String: [DeploymentName]] = [:]
        for target in targets { byNamespace[target.namespace, default: []].append(target) }
        var found: [DeploymentName: DecisiveMoment] = [:]

        for (index, entry) in changes.enumerated() {
            state.apply(entry.record)
            guard entry.time >= after else { continue }
            let metadata = entry.record.object.metadata
            let namespace = metadata.namespace ?? ""
            let judged: [DeploymentName]
            if case .deployment = entry.record.object {
                judged = [DeploymentName(namespace: namespace, name: metadata.name)]
            } else {
                judged = byNamespace[namespace] ?? []
            }
            let next = index + 1 < changes.count ? changes[index + 1].time : until
            for target in judged where targets.contains(target) && found[target] == nil {
                guard let observation = state.observation(of: target) else { continue }
                if let initial = initialGeneration[target], (observation.workload.metadata.generation ?? 0) <= initial {
                    continue
                }
                let now = Date(timeIntervalSince1970: entry.time.secondsSince1970)
                let verdict = evaluator.evaluate(observation, now: now)
                if verdict.isFinal {
                    found[target] = DecisiveMoment(
                        instant: entry.time,
                        basis: entry.published ? .published : .received,
                        verdict: verdict.failure?.code.rawValue ?? "succeeded",
                        rule: verdict.rule.rawValue,
                        change: "\(entry.record.object.kind) \(namespace)/\(metadata.name)"
                            + (metadata.resourceVersion.map { " rv \($0)" } ?? ""),
                        receivedAt: entry.record.receivedAt
                    )
                } else if let moment = thresholdMoment(
                    observation,
                    limits: limits,
                    from: entry.time,
                    to: next,
                    evaluator: evaluator
                ) {
                    // No change until the next one, and a threshold passes in between.
                    found[target] = moment
                }
            }
        }
        return found
    }

    /// The time-based thresholds in seconds (those set and above zero).
    static func limits(_ thresholds: RolloutThresholds) -> [Double] {
        let durations: [Duration?] = [thresholds.pendingDeadline, thresholds.imagePullGrace, thresholds.mountGrace]
        var seconds: [Double] = []
        for case let duration? in durations where duration > .zero {
            seconds.append(duration.seconds)
        }
        return seconds
    }

    /// The first instant in `(from, to)` at which a time-based threshold makes `observation` final.
    static func thresholdMoment(
        _ observation: RolloutObservation,
        limits: [Double],
        from: WallInstant,
        to: WallInstant,
        evaluator: RolloutEvaluator
    ) -> DecisiveMoment? {
        guard !limits.isEmpty else { return nil }
        var candidates: [(instant: WallInstant, pod: String)] = []
        for pod in observation.pods where pod.metadata.deletionTimestamp == nil {
            let starts = [pod.metadata.creationTimestamp] + pod.status.conditions.map(\.lastTransitionTime)
            for start in starts.compactMap({ $0?.date }) {
                for limit in limits {
                    let instant = WallInstant(secondsSince1970: start.timeIntervalSince1970 + limit)
                    if instant > from && instant < to { candidates.append((instant, pod.metadata.name)) }
                }
            }
        }
        for candidate in candidates.sorted(by: { $0.instant < $1.instant }) {
            // The thresholds hold for "strictly longer than": judge just after the instant.
            let now = Date(timeIntervalSince1970: candidate.instant.secondsSince1970 + 0.001)
            let verdict = evaluator.evaluate(observation, now: now)
            if verdict.isFinal {
                return DecisiveMoment(
                    instant: candidate.instant,
                    basis: .threshold,
                    verdict: verdict.failure?.code.rawValue ?? "succeeded",
                    rule: verdict.rule.rawValue,
                    change: "threshold passed for Pod \(observation.workload.metadata.namespace ?? "")/\(candidate.pod)"
                )
            }
        }
        return nil
    }
}

/// A Deployment by namespace and name.
public struct DeploymentName: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The namespace.
    public var namespace: String
    /// The name.
    public var name: String

    /// Creates a name.
    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// `namespace/name`.
    public var description: String { "\(namespace)/\(name)" }

    /// Orders by namespace, then name.
    public static func < (lhs: DeploymentName, rhs: DeploymentName) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }
}

/// The objects the witness's changes leave, by namespace and name.
struct ReplayState {
    var deployments: [String: [String: Deployment]] = [:]
    var replicaSets: [String: [String: ReplicaSet]] = [:]
    var pods: [String: [String: Pod]] = [:]
    var events: [String: [String: Event]] = [:]

    mutating func apply(_ record: WitnessRecord) {
        let metadata = record.object.metadata
        let namespace = metadata.namespace ?? ""
        let key = metadata.name
        switch record.object {
        case .deployment(let object): deployments[namespace, default: [:]][key] = record.deleted ? nil : object
        case .replicaSet(let object): replicaSets[namespace, default: [:]][key] = record.deleted ? nil : object
        case .pod(let object): pods[namespace, default: [:]][key] = record.deleted ? nil : object
        case .event(let object): events[namespace, default: [:]][key] = record.deleted ? nil : object
        }
    }

    func observation(of target: DeploymentName) -> RolloutObservation? {
        guard let deployment = deployments[target.namespace]?[target.name] else { return nil }
        func sorted<Object>(_ objects: [String: Object]?) -> [Object] {
            guard let objects else { return [] }
            return objects.keys.sorted().compactMap { objects[$0] }
        }
        return RolloutObservation(
            workload: .deployment(deployment),
            replicaSets: sorted(replicaSets[target.namespace]),
            pods: sorted(pods[target.namespace]),
            events: sorted(events[target.namespace])
        )
    }
}
