import Foundation

/// One row of the time-to-verdict table: a rollout that ends one way, the gate and kubectl invocations
/// that wait for it, and what both should report.
///
/// Every case starts from the same cluster: `bench/web`, three replicas of revision 1 rolled out. The
/// benchmark then sets the image to `…:2.0.0` (as `kubectl set image` would) and starts the waiting
/// process at once, as a pipeline does after `kubectl apply`; the scenario's rule gives the new pods
/// their behaviour. `progressDeadlineSeconds` is shortened so that kubectl, which has no failure rules of
/// its own, ends within the benchmark.
public struct VerdictCase: Sendable, Hashable, Codable {
    /// The row's identifier, such as `process-crashing`.
    public var id: String
    /// What happens, for the table.
    public var summary: String
    /// The kube-sim behaviour of the new revision's pods (`nil`: no change is applied).
    public var behaviour: String?
    /// The scenario's `timeScale` (kubelet delays and back-offs).
    public var timeScale: Double
    /// The Deployment's `progressDeadlineSeconds`.
    public var progressDeadlineSeconds: Int
    /// Extra gate flags.
    public var gateArguments: [String]
    /// The gate's selector (`app=web`, or one that matches nothing).
    public var selector: String
    /// kubectl's `rollout status` target and extra flags.
    public var kubectlArguments: [String]
    /// The gate's expected exit code.
    public var expectedExit: Int32
    /// The gate's expected `error.code`, or `succeeded`.
    public var expectedVerdict: String
    /// How the decisive instant is found.
    public var basis: Basis

    /// How the decisive instant of a case is found.
    public enum Basis: String, Sendable, Hashable, Codable {
        /// By replaying the witness's changes through the rules.
        case replay
        /// The gate's `--timeout` after its start.
        case deadline
        /// The gate's start: the state that decides is there from the beginning.
        case processStart = "process-start"
    }

    /// The namespace of every case.
    public static let namespace = "bench"
    /// The Deployment of every case.
    public static let deployment = "web"
    /// The image of revision 1.
    public static let baseImage = "registry.example.com/bench/web:1.0.0"
    /// The image the benchmark sets.
    public static let newImage = "registry.example.com/bench/web:2.0.0"
    /// The progress deadline of the cases where kubectl must reach it.
    public static let shortDeadline = 10

    /// The cases, one or more per failure code and one for success.
    public static let all: [VerdictCase] = [
        VerdictCase(
            id: "success",
            summary: "rolling update, every new pod ready",
            behaviour: "healthy after 1s",
            timeScale: 1,
            expectedExit: 0,
            expectedVerdict: "succeeded"
        ),
        VerdictCase(
            id: "process-crashing",
            summary: "CrashLoopBackOff past --max-restarts 2",
            behaviour: "crash-loop after 1s",
            timeScale: 0.1,
            expectedExit: 1,
            expectedVerdict: "process-crashing"
        ),
        VerdictCase(
            id: "resource-limits-exceeded/oom",
            summary: "OOMKilled past --max-restarts 2",
            behaviour: "oom after 1s",
            timeScale: 0.1,
            expectedExit: 1,
            expectedVerdict: "resource-limits-exceeded"
        ),
        VerdictCase(
            id: "resource-limits-exceeded/quota",
            summary: "ReplicaSet ReplicaFailure (exceeded quota)",
            behaviour: "quota-exceeded",
            timeScale: 1,
            expectedExit: 1,
            expectedVerdict: "resource-limits-exceeded"
        ),
        VerdictCase(
            id: "invalid-config/image-pull",
            summary: "ErrImagePull, --image-pull-grace 0",
            behaviour: "image-pull-error after 1s",
            timeScale: 1,
            expectedExit: 1,
            expectedVerdict: "invalid-config"
        ),
        VerdictCase(
            id: "invalid-config/config-error",
            summary: "CreateContainerConfigError (missing ConfigMap)",
            behaviour: "missing-configmap after 1s",
            timeScale: 1,
            expectedExit: 1,
            expectedVerdict: "invalid-config"
        ),
        VerdictCase(
            id: "scheduling",
            summary: "Unschedulable past --pending-deadline 2s",
            behaviour: "unschedulable",
            timeScale: 1,
            gateArguments: ["--pending-deadline", "2s"],
            expectedExit: 1,
            expectedVerdict: "scheduling"
        ),
        VerdictCase(
            id: "not-progressing",
            summary: "never ready; ProgressDeadlineExceeded at \(shortDeadline) s",
            behaviour: "never-ready",
            timeScale: 1,
            expectedExit: 1,
            expectedVerdict: "not-progressing"
        ),
        VerdictCase(
            id: "timeout",
            summary: "slow start, --timeout 2s passes",
            behaviour: "slow-start after 60s",
            timeScale: 1,
            gateArguments: ["--timeout", "2s"],
            kubectlArguments: ["--timeout", "2s"],
            expectedExit: 2,
            expectedVerdict: "timeout",
            basis: .deadline
        ),
        VerdictCase(
            id: "not-found",
            summary: "the selector matches nothing",
            behaviour: nil,
            timeScale: 1,
            selector: "app=missing",
            kubectlTarget: "deployment/missing",
            expectedExit: 1,
            expectedVerdict: "not-found",
            basis: .processStart
        ),
    ]

    init(
        id: String,
        summary: String,
        behaviour: String?,
        timeScale: Double,
        gateArguments: [String] = [],
        selector: String = "app=web",
        kubectlTarget: String = "deployment/web",
        kubectlArguments: [String] = [],
        expectedExit: Int32,
        expectedVerdict: String,
        basis: Basis = .replay
    ) {
        self.id = id
        self.summary = summary
        self.behaviour = behaviour
        self.timeScale = timeScale
        self.progressDeadlineSeconds = Self.shortDeadline
        self.gateArguments = gateArguments
        self.selector = selector
        self.kubectlArguments = [kubectlTarget, "-n", Self.namespace] + kubectlArguments
        self.expectedExit = expectedExit
        self.expectedVerdict = expectedVerdict
        self.basis = basis
    }

    /// The kube-sim scenario of this case.
    public var scenarioYAML: String {
        var lines = [
            "# rollout-bench time-to-verdict case \(id): \(summary).",
            "name: bench-\(id.replacingOccurrences(of: "/", with: "-"))",
            "workloads:",
            "  timeScale: \(timeScale)",
            "  deployments:",
            "    - name: \(Self.deployment)",
            "      namespace: \(Self.namespace)",
            "      replicas: 3",
            "      start: rolled-out",
            "      image: \(Self.baseImage)",
            "      behaviour: healthy after 1s",
            "      progressDeadlineSeconds: \(progressDeadlineSeconds)",
        ]
        if let behaviour {
            lines += [
                "  rules:",
                "    - image: \"*:2.0.0\"",
                "      behaviour: \(behaviour)",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
