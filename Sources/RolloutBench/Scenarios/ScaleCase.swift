/// One row of the scale table: Deployments spread over namespaces beside unrelated pods, all updated at
/// once, healthy or with one failure.
///
/// Every Deployment has two replicas of revision 1 rolled out when the simulator starts, and the labels
/// `app: svc-N` (its own selector) and `tier: bench` (what the witness filters on). Each namespace also
/// holds bare pods that no target owns, labelled `app: unrelated`. The benchmark sets every image to
/// `…:2.0.0`, or one of them to `…:2.0.0-broken` (an image that cannot be pulled), then starts the gate
/// over all the namespaces.
public struct ScaleCase: Sendable, Hashable, Codable {
    /// Deployments in all.
    public var deployments: Int
    /// Namespaces they are spread over.
    public var namespaces: Int
    /// Unrelated pods per namespace.
    public var unrelatedPodsPerNamespace: Int
    /// Whether one Deployment's new revision cannot pull its image.
    public var withFailure: Bool

    /// Creates a case.
    public init(deployments: Int, namespaces: Int, unrelatedPodsPerNamespace: Int, withFailure: Bool) {
        self.deployments = deployments
        self.namespaces = namespaces
        self.unrelatedPodsPerNamespace = unrelatedPodsPerNamespace
        self.withFailure = withFailure
    }

    /// `100 × 10 ns, healthy`.
    public var id: String {
        "\(deployments)x\(namespaces)-\(withFailure ? "one-failure" : "healthy")"
    }

    /// The image every target is set to.
    public static let newImage = "registry.example.com/bench/svc:2.0.0"
    /// The image of the one failing target.
    public static let brokenImage = "registry.example.com/bench/svc:2.0.0-broken"
    /// An image whose pods take ten minutes to become ready (the idle measurement).
    public static let slowImage = "registry.example.com/bench/svc:2.0.0-slow"

    /// The targets' `progressDeadlineSeconds`: kubectl waits this long on the failing one.
    public static let progressDeadlineSeconds = 30

    /// The namespaces: `scale-01`, `scale-02` and so on.
    public var namespaceNames: [String] {
        let width = max(2, String(namespaces).count)
        return (1...namespaces).map { index in
            let digits = String(index)
            return "scale-" + String(repeating: "0", count: width - digits.count) + digits
        }
    }

    /// The targets, spread round-robin so every namespace gets `deployments / namespaces` (± 1).
    public var targets: [DeploymentName] {
        let names = namespaceNames
        return (0..<deployments).map { index in
            DeploymentName(namespace: names[index % names.count], name: "svc-\(index + 1)")
        }
    }

    /// The one target that fails, in the middle of the list.
    public var failingTarget: DeploymentName? {
        withFailure ? targets[deployments / 2] : nil
    }

    /// The kube-sim scenario.
    public var scenarioYAML: String {
        var lines = [
            "# rollout-bench scale case \(id): \(deployments) Deployments over \(namespaces) namespaces,",
            "# \(unrelatedPodsPerNamespace) unrelated pods per namespace.",
            "name: bench-scale-\(id)",
            "workloads:",
            "  deployments:",
        ]
        for target in targets {
            lines += [
                "    - name: \(target.name)",
                "      namespace: \(target.namespace)",
                "      labels: {app: \(target.name), tier: bench}",
                "      replicas: 2",
                "      start: rolled-out",
                "      image: registry.example.com/bench/svc:1.0.0",
                "      behaviour: healthy after 1s",
                "      progressDeadlineSeconds: \(Self.progressDeadlineSeconds)",
            ]
        }
        if unrelatedPodsPerNamespace > 0 {
            lines += [
                "  pods:",
                "    - name: unrelated-{i}",
                "      count: \(unrelatedPodsPerNamespace)",
                "      namespace: [\(namespaceNames.joined(separator: ", "))]",
                "      labels: {app: unrelated}",
            ]
        }
        lines += [
            "  rules:",
            "    - image: \"*:2.0.0-broken\"",
            "      behaviour: image-pull-error after 1s",
            "    - image: \"*:2.0.0-slow\"",
            "      behaviour: slow-start after 600s",
            "    - image: \"*:2.0.0\"",
            "      behaviour: healthy after 1s",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
