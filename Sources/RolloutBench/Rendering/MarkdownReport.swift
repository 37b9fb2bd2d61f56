import Foundation

/// The results as Markdown tables (`docs/benchmarks/results.md`, and the block between the markers in
/// `BENCHMARKS.md`), and the charts as SVG files beside them.
public struct MarkdownReport: Sendable {
    /// The results.
    public var results: BenchResults
    /// The charts' directory, relative to the Markdown file that links them.
    public var chartPath: String

    /// Creates a report.
    public init(results: BenchResults, chartPath: String) {
        self.results = results
        self.chartPath = chartPath
    }

    /// The whole Markdown block.
    public var markdown: String {
        var out: [String] = []
        let machine = results.machine
        out += [
            "Produced by `\(results.configuration.command)` (profile `\(results.configuration.profile)`) on "
                + "\(machine.date).",
            "",
            "| machine | |",
            "| --- | --- |",
            "| CPU | \(machine.cpuModel), \(machine.cores) cores |",
            "| memory | \(String(format: "%.1f GiB", Double(machine.memoryBytes) / 1_073_741_824)) |",
            "| kernel | \(machine.kernel) |",
            "| Swift | \(machine.swiftVersion) |",
            "| kubectl | \(machine.kubectlVersion) |",
            "| commit | `\(machine.commit)` |",
            "| load average (1 min), start → end | "
                + machine.loadAverage.map { String(format: "%.2f", $0) }.joined(separator: " → ") + " |",
            "",
        ]
        out += goalsSection + [""]
        out += verdictSection + [""]
        out += scaleSection + [""]
        out += throughputSection + [""]
        out += startupSection
        return out.joined(separator: "\n") + "\n"
    }

    var goalsSection: [String] {
        var lines = ["### Goals", "", "| goal | target | measured | |", "| --- | --- | --- | --- |"]
        for goal in results.goals {
            let mark =
                switch goal.status {
                case .met: "met"
                case .missed: "**missed**"
                case .notMeasured: "not measured"
                }
            lines.append("| \(goal.goal) | \(goal.target) | \(goal.measured) | \(mark) |")
        }
        return lines
    }

    var verdictSection: [String] {
        guard !results.verdict.isEmpty else { return ["### Time to verdict", "", "Not measured in this run."] }
        let configuration = results.configuration
        var lines = [
            "### Time to verdict",
            "",
            "From the decisive instant (the simulator's publish time of the change that makes the verdict certain, "
                + "found by replaying every change through the rules; for thresholds, the instant they pass) to the "
                + "process's exit. rollout-status: \(configuration.verdictRepeats) runs per case; kubectl rollout "
                + "status: \(configuration.kubectlVerdictRepeats). Deployments use `progressDeadlineSeconds: "
                + "\(VerdictCase.shortDeadline)`.",
            "",
            "![time to verdict](\(chartPath)/verdict.svg)",
            "",
            "| case | decisive change | rollout-status p50 | p95 | kubectl p50 | p95 | kubectl says |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for verdictCase in cases {
            let gate = result(verdictCase, .gate)
            let kubectl = result(verdictCase, .kubectl)
            let moment = (gate ?? kubectl)?.runs.compactMap(\.moment).first
            let decisive = moment.map { "\($0.basis.rawValue): \($0.rule)" } ?? "—"
            let said = kubectl?.runs.last.map { "\($0.termination): \(Self.cell($0.reported, limit: 70))" } ?? "not run"
            lines.append(
                "| \(verdictCase.id) (\(verdictCase.summary)) | \(decisive) | \(Self.milliseconds(gate?.latency?.median)) | "
                    + "\(Self.milliseconds(gate?.latency?.p95))\(Self.unexpected(gate)) | "
                    + "\(Self.milliseconds(kubectl?.latency?.median)) | \(Self.milliseconds(kubectl?.latency?.p95))"
                    + "\(Self.unexpected(kubectl)) | \(said) |"
            )
        }
        return lines
    }

    var cases: [VerdictCase] {
        var seen: [VerdictCase] = []
        for result in results.verdict where !seen.contains(result.verdictCase) { seen.append(result.verdictCase) }
        return seen
    }

    func result(_ verdictCase: VerdictCase, _ tool: VerdictSuite.Tool) -> VerdictResult? {
        results.verdict.first { $0.verdictCase == verdictCase && $0.tool == tool.rawValue }
    }

    var scaleSection: [String] {
        guard !results.scale.isEmpty else { return ["### Scale", "", "Not measured in this run."] }
        var lines = [
            "### Scale",
            "",
            "Deployments of 2 replicas spread over namespaces, \(results.scale[0].scaleCase.unrelatedPodsPerNamespace) "
                + "unrelated pods in each namespace, every image updated, then one gate over all the namespaces "
                + "(`-n a,b,… -l tier=bench`), or one `kubectl rollout status` per Deployment in parallel (at most "
                + "\(results.configuration.kubectlParallelism) at once). Requests, streams and bytes are the "
                + "simulator's counters with the benchmark's own witness subtracted; \"simulator delivery\" is the time from "
                + "the simulator publishing the last decisive change to the benchmark's own watch receiving it, a "
                + "delay every client's latency includes; RSS and CPU are `wait4`'s "
                + "rusage. \"owned\" is the bytes of the targets' own Deployments, ReplicaSets, pods and Warning "
                + "events over the run. Medians over the runs; kubectl RSS is the largest process (the sum of all "
                + "processes' peaks in brackets).",
            "",
            "![scale: verdict after the last decisive event](\(chartPath)/scale-latency.svg)",
            "",
            "![scale: requests](\(chartPath)/scale-requests.svg)",
            "",
            "![scale: memory](\(chartPath)/scale-memory.svg)",
            "",
            "| case | tool | runs | verdict after last decisive event | decisive after tool start | simulator delivery | "
                + "requests | watch streams | bytes received | owned | ratio | peak RSS | CPU s | simulator CPU s | notes |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for result in results.scale {
            let runs = result.runs
            func median(_ values: [Double]) -> Double? { Distribution(values)?.median }
            let latency = median(runs.compactMap(\.verdictAfterLastMilliseconds))
            let decisiveAfterStart = median(runs.compactMap(\.decisiveAfterStartMilliseconds))
            let delivery = median(runs.compactMap(\.deliveryMilliseconds))
            let requests = median(runs.map { Double($0.requests) })
            let streams = median(runs.map { Double($0.watchStreams) })
            let bytes = median(runs.map { Double($0.bytesReceived) })
            let owned = median(runs.map { Double($0.ownedBytes) })
            let rss = median(runs.map { Double($0.peakRSSBytes) })
            let summed = median(runs.compactMap { $0.summedPeakRSSBytes.map(Double.init) })
            let cpu = median(runs.map(\.cpuSeconds))
            let simulator = median(runs.map(\.simulatorCPUSeconds))
            let ratio = bytes.flatMap { bytes in owned.map { $0 > 0 ? bytes / $0 : 0 } }
            var notes = Array(Set(runs.flatMap(\.notes))).sorted()
            let unexpected = runs.filter { !$0.expected }.count
            if unexpected > 0 { notes.insert("\(unexpected) unexpected", at: 0) }
            let scaleCase = result.scaleCase
            lines.append(
                "| \(scaleCase.deployments) × \(scaleCase.namespaces) ns, \(scaleCase.withFailure ? "one failure" : "healthy") | "
                    + "\(result.tool) | \(runs.count) | \(Self.milliseconds(latency)) | "
                    + "\(Self.milliseconds(decisiveAfterStart)) | \(Self.milliseconds(delivery)) | \(Self.count(requests)) | "
                    + "\(Self.count(streams)) | \(Self.bytes(bytes)) | \(Self.bytes(owned)) | "
                    + "\(ratio.map { String(format: "%.2f×", $0) } ?? "—") | \(Self.bytes(rss))"
                    + "\(summed.map { " (\(Self.bytes($0)))" } ?? "") | \(cpu.map { String(format: "%.2f", $0) } ?? "—") | "
                    + "\(simulator.map { String(format: "%.1f", $0) } ?? "—") | "
                    + "\(Self.cell(notes.joined(separator: "; "), limit: 160)) |"
            )
        }
        if let idle = results.idle {
            lines += [
                "",
                "Requests while nothing changes (\(idle.scaleCase.deployments) Deployments over "
                    + "\(idle.scaleCase.namespaces) namespaces whose new pods stay unready): the gate sent "
                    + "\(idle.requestsAtSync) requests to start (\(idle.streamsAtSync) watch streams open), then "
                    + "**\(idle.requestsWhileIdle)** in \(Int(idle.idleSeconds)) s; one kubectl per Deployment: "
                    + "\(idle.kubectlRequestsWhileIdle.map { "**\($0)**" } ?? "not run") in the same wait.",
            ]
        }
        return lines
    }

    var throughputSection: [String] {
        guard !results.throughput.isEmpty else { return ["### Throughput", "", "Not measured in this run."] }
        var lines = [
            "### Throughput",
            "",
            "Pod watch events per second through the gate's own code in one process"
                + (results.throughput.allSatisfy(\.pinnedToOneCore) ? ", pinned to one core (`taskset`)" : "")
                + "; \(results.throughput[0].events) events per round, \(results.throughput[0].bytesPerEvent) bytes "
                + "each on average.",
            "",
            "![throughput](\(chartPath)/throughput.svg)",
            "",
            "Events per CPU second divide by the process's own CPU time (`getrusage`): on a core shared with "
                + "other work, that is what one core delivers; events per wall second include the time spent "
                + "waiting for the core.",
            "",
            "| mode | what runs | rounds | median events/CPU s | min | median events/wall s | min |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for result in results.throughput {
            let rate = result.eventsPerSecond
            let cpu = result.eventsPerCPUSecond
            lines.append(
                "| \(result.mode) | \(result.description) | \(rate.count) | "
                    + "\(cpu.map { String(format: "%.0f", $0.median) } ?? "—") | "
                    + "\(cpu.map { String(format: "%.0f", $0.min) } ?? "—") | "
                    + "\(String(format: "%.0f", rate.median)) | \(String(format: "%.0f", rate.min)) |"
            )
        }
        return lines
    }

    var startupSection: [String] {
        guard !results.startup.isEmpty else { return ["### Start-up", "", "Not measured in this run."] }
        var lines = [
            "### Start-up",
            "",
            "From `posix_spawn` to the exit, \(results.configuration.startupRepeats) runs after 2 unmeasured ones.",
            "",
            "CPU is the process's own user + system time (`wait4`): where it is far below the wall time, the "
                + "process spent the difference waiting for a core on the shared machine.",
            "",
            "| command | exit | median | p95 | CPU median | peak RSS |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for result in results.startup {
            lines.append(
                "| \(result.name) | \(result.termination) | \(Self.milliseconds(result.milliseconds.median)) | "
                    + "\(Self.milliseconds(result.milliseconds.p95)) | "
                    + "\(Self.milliseconds(result.cpuMilliseconds?.median)) | \(Self.bytes(Double(result.peakRSSBytes))) |"
            )
        }
        return lines
    }

    /// The SVG charts, by file name.
    public var charts: [String: String] {
        var charts: [String: String] = [:]
        if !results.verdict.isEmpty {
            let cases = cases
            charts["verdict.svg"] =
                BarChart(
                    title: "Time to verdict after the decisive change",
                    unit: "milliseconds",
                    categories: cases.map(\.id),
                    series: [VerdictSuite.Tool.gate, .kubectl].map { tool in
                        BarChart.Series(
                            name: tool == .gate ? "rollout-status" : "kubectl rollout status",
                            color: tool == .gate ? "#2e86c1" : "#aab7b8",
                            values: cases.map { result($0, tool)?.latency?.median },
                            whiskers: cases.map { result($0, tool)?.latency?.p95 }
                        )
                    },
                    logarithmic: true,
                    goal: (50, "goal p50 ≤ 50 ms")
                ).svg
        }
        if !results.scale.isEmpty {
            let keys = scaleKeys
            func series(_ metric: (ScaleResult) -> Double?) -> [BarChart.Series] {
                [VerdictSuite.Tool.gate, .kubectl].map { tool in
                    BarChart.Series(
                        name: tool == .gate ? "rollout-status (one process)" : "kubectl (one process per Deployment)",
                        color: tool == .gate ? "#2e86c1" : "#aab7b8",
                        values: keys.map { key in
                            results.scale.first { $0.scaleCase == key && $0.tool == tool.rawValue }.flatMap(metric)
                        }
                    )
                }
            }
            let labels = keys.map {
                "\($0.deployments) × \($0.namespaces) ns" + ($0.withFailure ? ", one failure" : "")
            }
            charts["scale-latency.svg"] =
                BarChart(
                    title: "Verdict after the last decisive event (median)",
                    unit: "milliseconds",
                    categories: labels,
                    series: series { Distribution($0.runs.compactMap(\.verdictAfterLastMilliseconds))?.median },
                    logarithmic: true,
                    goal: (1000, "goal ≤ 1 s at 1000")
                ).svg
            charts["scale-requests.svg"] =
                BarChart(
                    title: "Requests to the API server (median)",
                    unit: "requests",
                    categories: labels,
                    series: series { Distribution($0.runs.map { Double($0.requests) })?.median },
                    logarithmic: true
                ).svg
            charts["scale-memory.svg"] =
                BarChart(
                    title: "Memory: peak RSS (kubectl: sum over its processes)",
                    unit: "MB",
                    categories: labels,
                    series: series { result in
                        Distribution(result.runs.map { Double($0.summedPeakRSSBytes ?? $0.peakRSSBytes) / 1_000_000 })?
                            .median
                    },
                    logarithmic: true,
                    goal: (100, "goal ≤ 100 MB")
                ).svg
        }
        if !results.throughput.isEmpty {
            charts["throughput.svg"] =
                BarChart(
                    title: "Pod watch events per second, one core",
                    unit: "events per second",
                    categories: results.throughput.map(\.mode),
                    series: [
                        BarChart.Series(
                            name: "per CPU second",
                            color: "#2e86c1",
                            values: results.throughput.map { $0.oneCoreRate.median },
                            whiskers: []
                        ),
                        BarChart.Series(
                            name: "per wall second (shared core)",
                            color: "#aab7b8",
                            values: results.throughput.map { $0.eventsPerSecond.median },
                            whiskers: []
                        ),
                    ],
                    logarithmic: false,
                    goal: (20_000, "goal ≥ 20 000/s")
                ).svg
        }
        return charts
    }

    var scaleKeys: [ScaleCase] {
        var seen: [ScaleCase] = []
        for result in results.scale where !seen.contains(result.scaleCase) { seen.append(result.scaleCase) }
        return seen
    }

    static func milliseconds(_ value: Double?) -> String {
        guard let value else { return "—" }
        if value >= 10_000 { return String(format: "%.1f s", value / 1000) }
        if value >= 100 { return String(format: "%.0f ms", value) }
        return String(format: "%.1f ms", value)
    }

    static func count(_ value: Double?) -> String {
        value.map { String(format: "%.0f", $0) } ?? "—"
    }

    static func bytes(_ value: Double?) -> String {
        guard let value else { return "—" }
        if value >= 1_000_000 { return String(format: "%.1f MB", value / 1_000_000) }
        if value >= 1000 { return String(format: "%.0f kB", value / 1000) }
        return String(format: "%.0f B", value)
    }

    static func unexpected(_ result: VerdictResult?) -> String {
        guard let result, result.unexpected > 0 else { return "" }
        return " (\(result.unexpected)/\(result.runs.count) unexpected)"
    }

    /// Text safe inside a table cell.
    static func cell(_ text: String, limit: Int) -> String {
        let flat = text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
        return flat.count > limit ? String(flat.prefix(limit - 1)) + "…" : flat
    }
}
