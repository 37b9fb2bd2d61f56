import KubeModel
import RolloutCoordinator
import RolloutReport
import RolloutRules

/// A command line, checked and resolved into values; manifests are named but not read yet.
///
/// Reading manifests is I/O and belongs to the run, not to `validate()`; everything else about the
/// command line is decided here, once.
public struct GateInvocation: Sendable, Hashable {
    /// The request, without manifest targets.
    public var request: GateRequest
    /// The `-f` inputs, in order.
    public var manifestPaths: [String]
    /// `-R`.
    public var recursive: Bool
    /// What stdout carries.
    public var format: OutputOptions.Format
    /// `--report-file`.
    public var reportFile: String?
    /// `--junit`.
    public var junitFile: String?
    /// Notes for stderr about accepted-but-ignored flags.
    public var notes: [String]
}

/// The command line is not usable: one sentence naming the flag.
public struct GateUsageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The sentence.
    public var message: String

    /// Creates the error.
    public init(_ message: String) {
        self.message = message
    }

    /// The sentence.
    public var description: String { message }
}

extension RolloutStatusCommand {
    /// Resolves the parsed flags; the one place where flags, aliases and their combinations are checked.
    public func invocation() throws(GateUsageError) -> GateInvocation {
        var notes: [String] = []

        // Namespaces. The original's `-namespace ""` (its default) listed every namespace.
        let originalAll = targets.originalNamespace.contains { $0.trimmingSpaces().isEmpty }
        var namespaces: [String] = []
        for value in targets.namespace + targets.originalNamespace.filter({ !$0.trimmingSpaces().isEmpty }) {
            for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                let name = part.trimmingSpaces()
                guard NamespaceName.isValid(name) else {
                    throw GateUsageError(
                        "invalid namespace \"\(name)\" (lower-case letters, digits and -, at most 63 characters)"
                    )
                }
                if !namespaces.contains(name) { namespaces.append(name) }
            }
        }
        let allNamespaces = targets.allNamespaces || originalAll
        if allNamespaces && !namespaces.isEmpty {
            let flag = targets.allNamespaces ? "-A (all namespaces)" : "-namespace \"\" (all namespaces)"
            throw GateUsageError("\(flag) cannot be combined with -n \(namespaces.joined(separator: ","))")
        }

        // Selector.
        if let selector = targets.selector, let original = targets.originalSelector, selector != original {
            throw GateUsageError("-l \"\(selector)\" and -selector \"\(original)\" disagree; give one")
        }
        var selector: String?
        if let given = targets.selector ?? targets.originalSelector {
            do {
                selector = try SelectorSyntax.validate(given)
            } catch {
                throw GateUsageError(error.description)
            }
        }

        // Manifests.
        let manifestPaths = targets.filename
        if manifestPaths.contains(where: \.isEmpty) { throw GateUsageError("-f needs a path (or - for stdin)") }
        if selector == nil && manifestPaths.isEmpty {
            throw GateUsageError("nothing to wait for: give a label selector (-l) or manifests (-f)")
        }
        if allNamespaces && selector == nil {
            throw GateUsageError("-A applies to a label selector (-l); manifests (-f) name their own namespaces")
        }
        if targets.recursive && manifestPaths.isEmpty {
            throw GateUsageError("-R applies to directories given to -f")
        }

        // Kinds.
        var kinds = Set<WorkloadKind>()
        for value in targets.kind {
            kinds.formUnion(try Self.kinds(value, flag: "--kind"))
        }
        if let filter = targets.originalKindFilter {
            // The original lists Deployments, StatefulSets and Jobs when the filter is empty.
            kinds.formUnion(
                filter.trimmingSpaces().isEmpty
                    ? [.deployment, .statefulSet, .job] : try Self.kinds(filter, flag: "-kind-filter")
            )
        }
        if kinds.isEmpty { kinds = [.deployment] }

        // Cluster.
        if let context = cluster.context, let original = cluster.originalContext, context != original {
            throw GateUsageError("--context \"\(context)\" and -kubecontext \"\(original)\" disagree; give one")
        }
        if cluster.kubeconfig?.isEmpty == true { throw GateUsageError("--kubeconfig needs a path") }
        let clusterSelection = ClusterSelection(
            kubeconfig: cluster.kubeconfig,
            context: cluster.context ?? cluster.originalContext
        )

        // Waiting.
        var timeout: Duration?
        if let text = gate.timeout {
            let value = try Self.duration(text, flag: "--timeout")
            guard value > .zero else { throw GateUsageError("--timeout must be longer than 0s") }
            timeout = value
        }
        if let interval = gate.originalInterval {
            _ = try Self.duration(interval, flag: "-interval")
            notes.append(
                "note: -interval \(interval) is accepted for compatibility and ignored: rollout-status watches instead of polling"
            )
        }

        // Thresholds.
        var resolved = RolloutThresholds()
        switch (thresholds.maxRestarts, thresholds.originalRetryLimit) {
        case (.some, .some):
            throw GateUsageError("--max-restarts and -retry-limit set the same threshold; give one")
        case (.some(let limit), nil):
            guard limit >= 0 else { throw GateUsageError("--max-restarts must be 0 or more, not \(limit)") }
            resolved.maxRestarts = limit
        case (nil, .some(let limit)):
            guard limit >= -1 else { throw GateUsageError("-retry-limit must be -1 (no limit) or more, not \(limit)") }
            resolved.maxRestarts = limit == -1 ? nil : limit
        case (nil, nil):
            break
        }
        switch (thresholds.pendingDeadline, thresholds.originalPendingDeadline) {
        case (.some, .some):
            throw GateUsageError("--pending-deadline and -pending-deadline set the same threshold; give one")
        case (.some(let text), nil):
            resolved.pendingDeadline = try Self.nonNegativeDuration(text, flag: "--pending-deadline")
        case (nil, .some(let text)):
            // The original takes whole seconds, -1 to disable.
            resolved.pendingDeadline =
                text.trimmingSpaces() == "-1" ? nil : try Self.nonNegativeDuration(text, flag: "-pending-deadline")
        case (nil, nil):
            break
        }
        if let text = thresholds.imagePullGrace {
            resolved.imagePullGrace = try Self.nonNegativeDuration(text, flag: "--image-pull-grace")
        }
        if let text = thresholds.mountGrace {
            resolved.mountGrace = try Self.nonNegativeDuration(text, flag: "--mount-grace")
        }
        resolved.ignoreSecretNotFound = thresholds.ignoreSecretNotFound
        resolved.allowPaused = thresholds.allowPaused
        resolved.requireOldPodsGone = thresholds.requireOldPodsGone

        var logLimits = LogLimits()
        if let lines = thresholds.logLines {
            guard (0...10_000).contains(lines) else {
                throw GateUsageError("--log-lines must be 0 to 10000, not \(lines)")
            }
            logLimits.lines = lines
        }
        if let bytes = thresholds.logBytes {
            guard (1...1_048_576).contains(bytes) else {
                throw GateUsageError("--log-bytes must be 1 to 1048576, not \(bytes)")
            }
            logLimits.bytes = bytes
        }

        // Output.
        if output.quiet && output.verbose { throw GateUsageError("--quiet and --verbose contradict each other") }
        if let report = output.reportFile, report == output.junit {
            throw GateUsageError("--report-file and --junit name the same file \"\(report)\"")
        }
        for (flag, path) in [("--report-file", output.reportFile), ("--junit", output.junit)] {
            guard let path else { continue }
            if path.isEmpty { throw GateUsageError("\(flag) needs a path") }
        }
        let verbosity: Verbosity = output.quiet ? .quiet : output.verbose ? .verbose : .normal

        let namespaceScope: NamespaceScope =
            allNamespaces ? .all : namespaces.isEmpty ? .contextDefault : .named(namespaces)
        let request = GateRequest(
            namespaces: namespaceScope,
            selector: selector,
            kinds: kinds.sorted(),
            cluster: clusterSelection,
            timeout: timeout,
            failFast: !gate.noFailFast,
            thresholds: resolved,
            logLimits: logLimits,
            verbosity: verbosity
        )
        return GateInvocation(
            request: request,
            manifestPaths: manifestPaths,
            recursive: targets.recursive,
            format: output.output,
            reportFile: output.reportFile,
            junitFile: output.junit,
            notes: notes
        )
    }

    private static func kinds(_ value: String, flag: String) throws(GateUsageError) -> Set<WorkloadKind> {
        var result = Set<WorkloadKind>()
        for part in value.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingSpaces()
            guard let kind = WorkloadKind(commandLineName: name) else {
                throw GateUsageError(
                    "unknown kind \"\(name)\" in \(flag) (expected deployment, statefulset, daemonset or job)"
                )
            }
            result.insert(kind)
        }
        return result
    }

    private static func duration(_ text: String, flag: String) throws(GateUsageError) -> Duration {
        do {
            return try GoDuration.parse(text)
        } catch {
            throw GateUsageError("\(flag): \(error.description)")
        }
    }

    private static func nonNegativeDuration(_ text: String, flag: String) throws(GateUsageError) -> Duration {
        let value = try duration(text, flag: flag)
        guard value >= .zero else { throw GateUsageError("\(flag) must not be negative, not \"\(text)\"") }
        return value
    }
}
