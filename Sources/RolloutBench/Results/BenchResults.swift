/// Everything one benchmark run measured: written as `results.json`, rendered as Markdown and SVG.
public struct BenchResults: Codable, Sendable {
    /// The machine and software.
    public var machine: MachineDescription
    /// How the run was configured.
    public var configuration: RunConfiguration
    /// Time to verdict, per case and tool.
    public var verdict: [VerdictResult] = []
    /// Scale, per case and tool.
    public var scale: [ScaleResult] = []
    /// Requests while the gate waits with nothing changing.
    public var idle: IdleResult?
    /// Decoding and evaluation throughput.
    public var throughput: [ThroughputResult] = []
    /// Start-up, per command.
    public var startup: [StartupResult] = []
    /// The goals, each met or not.
    public var goals: [GoalResult] = []

    /// Creates results for a run about to start.
    public init(machine: MachineDescription, configuration: RunConfiguration) {
        self.machine = machine
        self.configuration = configuration
    }
}

/// The run's parameters, as given on the command line (or the profile's defaults).
public struct RunConfiguration: Codable, Sendable, Hashable {
    /// `full` or `ci`.
    public var profile: String
    /// The exact command that produced the results.
    public var command: String
    /// The gate's binary.
    public var gateBinary: String
    /// The simulator's binary.
    public var simulatorBinary: String
    /// kubectl's binary, if found.
    public var kubectlBinary: String?
    /// Repeats of each time-to-verdict case for the gate.
    public var verdictRepeats: Int
    /// Repeats of each time-to-verdict case for kubectl.
    public var kubectlVerdictRepeats: Int
    /// Repeats of each scale case for the gate.
    public var scaleRepeats: Int
    /// Repeats of each scale case for kubectl.
    public var kubectlScaleRepeats: Int
    /// The most kubectl processes running at once in a scale case.
    public var kubectlParallelism: Int
    /// Start-up repeats.
    public var startupRepeats: Int
}

/// One time-to-verdict run.
public struct VerdictRun: Codable, Sendable, Hashable {
    /// How the process ended.
    public var termination: ProcessOutcome.Termination
    /// The gate's `error.code`, or `succeeded`; kubectl's last output line.
    public var reported: String
    /// Whether the tool ended the way the case expects.
    public var expected: Bool
    /// The decisive instant, if one was found.
    public var moment: DecisiveMoment?
    /// From the decisive instant to the process's exit.
    public var latencyMilliseconds: Double?
    /// From the process's start to the decisive instant (small values mean the gate was still starting).
    public var decisiveAfterStartMilliseconds: Double?
    /// The process's whole run.
    public var wallMilliseconds: Double
    /// CPU seconds of the process.
    public var cpuSeconds: Double
    /// Peak RSS of the process.
    public var peakRSSBytes: Int
}

/// Time to verdict for one case and one tool.
public struct VerdictResult: Codable, Sendable, Hashable {
    /// The case.
    public var verdictCase: VerdictCase
    /// `rollout-status` or `kubectl`.
    public var tool: String
    /// Every run.
    public var runs: [VerdictRun]

    /// Latency over the runs that ended as expected and had a decisive instant.
    public var latency: Distribution? {
        Distribution(runs.filter(\.expected).compactMap(\.latencyMilliseconds))
    }

    /// Runs that did not end as the case expects.
    public var unexpected: Int { runs.filter { !$0.expected }.count }
}

/// One scale run.
public struct ScaleRun: Codable, Sendable, Hashable {
    /// How the gate ended (for kubectl: the first process that did not exit 0, else exit 0).
    public var termination: ProcessOutcome.Termination
    /// Whether it ended as expected (exit 0 healthy, exit 1 with the failure, `invalid-config`).
    public var expected: Bool
    /// From the last decisive event (healthy: the last Deployment complete; with a failure: the failure)
    /// to the exit of the gate (kubectl: of the last process).
    public var verdictAfterLastMilliseconds: Double?
    /// From the tool's start to the last decisive event; negative when it came before the start, so the
    /// figure above includes the tool's own start-up and initial lists.
    public var decisiveAfterStartMilliseconds: Double?
    /// From the simulator's publish time of the last decisive change to its arrival at the benchmark's
    /// own watch: the simulator's delivery delay, which every client's latency includes.
    public var deliveryMilliseconds: Double?
    /// Targets for which the replay found no decisive instant.
    public var undecided: Int
    /// Requests the tool sent, from the simulator's counters (the witness's own subtracted).
    public var requests: Int
    /// Requests by verb.
    public var requestsByVerb: [String: Int]
    /// Watch streams the tool opened.
    public var watchStreams: Int
    /// Response body bytes the tool received.
    public var bytesReceived: Int
    /// The bytes of the targets' own objects over the same interval (what a watch of exactly those
    /// objects receives: initial lists and every change).
    public var ownedBytes: Int
    /// Peak RSS (kubectl: the largest process, and the sum over processes).
    public var peakRSSBytes: Int
    /// kubectl only: the sum of every process's peak RSS.
    public var summedPeakRSSBytes: Int?
    /// CPU seconds (kubectl: summed over processes).
    public var cpuSeconds: Double
    /// Wall time of the whole run, from the first start to the last exit.
    public var wallMilliseconds: Double
    /// kubectl only: processes run.
    public var processes: Int?
    /// The simulator's CPU seconds during the run.
    public var simulatorCPUSeconds: Double
    /// Anything unusual.
    public var notes: [String]
}

/// Scale for one case and one tool.
public struct ScaleResult: Codable, Sendable, Hashable {
    /// The case.
    public var scaleCase: ScaleCase
    /// `rollout-status` or `kubectl`.
    public var tool: String
    /// Every run.
    public var runs: [ScaleRun]
}

/// Requests sent while the gate waits and nothing changes: a polling client grows them with time.
public struct IdleResult: Codable, Sendable, Hashable {
    /// The case the gate waited on (its rollouts never finish).
    public var scaleCase: ScaleCase
    /// Requests and streams from the start until every watch was open.
    public var requestsAtSync: Int
    /// Watch streams open once synced.
    public var streamsAtSync: Int
    /// Seconds waited with nothing changing.
    public var idleSeconds: Double
    /// Requests sent during that wait.
    public var requestsWhileIdle: Int
    /// kubectl's requests during the same wait, one process per Deployment (nil if not run).
    public var kubectlRequestsWhileIdle: Int?
}

/// Decoding and evaluation throughput, one mode.
public struct ThroughputResult: Codable, Sendable, Hashable {
    /// What was measured.
    public var mode: String
    /// What it covers.
    public var description: String
    /// Events per round.
    public var events: Int
    /// Mean bytes per event.
    public var bytesPerEvent: Int
    /// Events per second of wall time, over the rounds.
    public var eventsPerSecond: Distribution
    /// Events per second of the process's own CPU time (user + system), over the rounds.
    ///
    /// On a core shared with other work the wall-time rate counts the time the process waited for the
    /// core; the CPU-time rate is what one core delivers to it. `nil` in results of older runs.
    public var eventsPerCPUSecond: Distribution?
    /// Whether the process was pinned to one CPU.
    public var pinnedToOneCore: Bool

    /// The rate a goal is judged on: per CPU second when measured, else per wall second.
    public var oneCoreRate: Distribution { eventsPerCPUSecond ?? eventsPerSecond }
}

/// Start-up of one command.
public struct StartupResult: Codable, Sendable, Hashable {
    /// The row's name.
    public var name: String
    /// The command.
    public var command: String
    /// The exit the command gave.
    public var termination: ProcessOutcome.Termination
    /// Milliseconds from spawn to reap.
    public var milliseconds: Distribution
    /// The process's own CPU milliseconds: user plus system time, from `wait4`.
    ///
    /// On a loaded machine the wall time above also counts waiting for a core. `nil` in results of older
    /// runs.
    public var cpuMilliseconds: Distribution?
    /// Peak RSS of the last run.
    public var peakRSSBytes: Int
}

/// One of the goals.
public struct GoalResult: Codable, Sendable, Hashable {
    /// The goal.
    public var goal: String
    /// The target, such as `≤ 50 ms`.
    public var target: String
    /// What was measured.
    public var measured: String
    /// Met, missed, or not measured in this run.
    public var status: Status

    /// Whether a goal was met.
    public enum Status: String, Codable, Sendable, Hashable {
        /// Met.
        case met
        /// Missed: a finding.
        case missed
        /// This run did not measure it (a reduced run).
        case notMeasured = "not measured"
    }
}
