import Foundation

/// The goals, judged against one run's results.
///
/// A miss is a finding, reported beside the figure; it never fails the run. Where a figure has several
/// runs, the goal is judged on the stated statistic (median and p95 for latencies, the worst run for
/// the scale ceilings), so a lucky run cannot meet a goal the typical run misses.
public enum Goals {
    /// The largest scale case: 1000 Deployments over 50 namespaces.
    static let largest = (deployments: 1000, namespaces: 50)

    /// Every goal, met, missed or not measured.
    public static func evaluate(_ results: BenchResults) -> [GoalResult] {
        var goals: [GoalResult] = []
        let gateVerdicts = results.verdict.filter { $0.tool == VerdictSuite.Tool.gate.rawValue }
        if gateVerdicts.isEmpty {
            goals.append(notMeasured("time to verdict, every code", "p50 ≤ 50 ms, p95 ≤ 200 ms"))
        }
        for result in gateVerdicts {
            let goal = "time to verdict: \(result.verdictCase.id)"
            guard let latency = result.latency else {
                goals.append(
                    GoalResult(
                        goal: goal,
                        target: "p50 ≤ 50 ms, p95 ≤ 200 ms",
                        measured: "no run ended as expected",
                        status: .missed
                    )
                )
                continue
            }
            var measured = String(format: "p50 %.1f ms, p95 %.1f ms", latency.median, latency.p95)
            if result.unexpected > 0 { measured += " (\(result.unexpected) of \(result.runs.count) runs unexpected)" }
            if result.verdictCase.basis == .processStart { measured += "; from the process's start" }
            let met = latency.median <= 50 && latency.p95 <= 200 && result.unexpected == 0
            goals.append(
                GoalResult(
                    goal: goal,
                    target: "p50 ≤ 50 ms, p95 ≤ 200 ms",
                    measured: measured,
                    status: met ? .met : .missed
                )
            )
        }

        let largestRuns = results.scale.filter {
            $0.tool == VerdictSuite.Tool.gate.rawValue && $0.scaleCase.deployments == largest.deployments
                && $0.scaleCase.namespaces == largest.namespaces
        }
        let title = "\(largest.deployments) Deployments / \(largest.namespaces) namespaces"
        if largestRuns.isEmpty {
            goals += [
                notMeasured("\(title): verdict after the last decisive event", "≤ 1 s"),
                notMeasured("\(title): peak RSS", "≤ 100 MB"),
                notMeasured("\(title): bytes received / bytes of the targets' objects", "≤ 2×"),
            ]
        }
        for result in largestRuns {
            let kind = result.scaleCase.withFailure ? "one failure" : "healthy"
            let latencies = result.runs.compactMap(\.verdictAfterLastMilliseconds)
            let worst = latencies.max()
            let allExpected = result.runs.allSatisfy(\.expected)
            goals.append(
                GoalResult(
                    goal: "\(title), \(kind): verdict after the last decisive event",
                    target: "≤ 1 s (worst run)",
                    measured: (worst.map { String(format: "%.0f ms (worst of %d)", $0, latencies.count) } ?? "not found")
                        + (allExpected ? "" : "; a run did not end as expected"),
                    status: (worst.map { $0 <= 1000 } ?? false) && allExpected ? .met : .missed
                )
            )
            let rss = result.runs.map(\.peakRSSBytes).max() ?? 0
            goals.append(
                GoalResult(
                    goal: "\(title), \(kind): peak RSS",
                    target: "≤ 100 MB (worst run)",
                    measured: String(format: "%.1f MB", Double(rss) / 1_000_000),
                    status: rss <= 100_000_000 ? .met : .missed
                )
            )
            if !result.scaleCase.withFailure {
                let ratios = result.runs.filter { $0.ownedBytes > 0 }.map {
                    Double($0.bytesReceived) / Double($0.ownedBytes)
                }
                let worstRatio = ratios.max()
                goals.append(
                    GoalResult(
                        goal: "\(title), \(kind): bytes received / bytes of the targets' objects",
                        target: "≤ 2× (worst run)",
                        measured: worstRatio.map { String(format: "%.2f×", $0) } ?? "not measured",
                        status: worstRatio.map { $0 <= 2 ? .met : .missed } ?? .notMeasured
                    )
                )
            }
        }

        if let idle = results.idle {
            goals.append(
                GoalResult(
                    goal: "requests never grow with time (\(idle.scaleCase.deployments) Deployments waiting)",
                    target: "0 requests while nothing changes",
                    measured: "\(idle.requestsWhileIdle) requests in \(Int(idle.idleSeconds)) s "
                        + "(\(idle.requestsAtSync) to start, \(idle.streamsAtSync) streams)",
                    status: idle.requestsWhileIdle == 0 ? .met : .missed
                )
            )
        } else {
            goals.append(notMeasured("requests never grow with time", "0 requests while nothing changes"))
        }
        let gateScale = results.scale.filter { $0.tool == VerdictSuite.Tool.gate.rawValue && !$0.scaleCase.withFailure }
        if gateScale.count >= 2 {
            // Requests may grow with namespaces (each needs its watches) but not with Deployments per namespace.
            let perNamespace = gateScale.compactMap { result -> Double? in
                guard let run = result.runs.first else { return nil }
                return Double(run.requests) / Double(result.scaleCase.namespaces)
            }
            let spread = (perNamespace.max() ?? 0) / max(perNamespace.min() ?? 1, 1)
            goals.append(
                GoalResult(
                    goal: "requests grow with namespaces, not with Deployments",
                    target: "requests per namespace within 2× across sizes",
                    measured: perNamespace.map { String(format: "%.1f", $0) }.joined(separator: ", ")
                        + " per namespace",
                    status: spread <= 2 ? .met : .missed
                )
            )
        }

        let throughputTarget = "≥ 20 000 pod events/s, median (per CPU second when measured)"
        if results.throughput.isEmpty { goals.append(notMeasured("throughput on one core", throughputTarget)) }
        for result in results.throughput {
            let median = result.oneCoreRate.median
            goals.append(
                GoalResult(
                    goal: "throughput on one core: \(result.mode)" + (result.pinnedToOneCore ? "" : " (not pinned)"),
                    target: throughputTarget,
                    measured: String(format: "%.0f events/s", median)
                        + (result.eventsPerCPUSecond == nil ? " (wall time)" : " per CPU second")
                        + String(format: "; %.0f per wall second", result.eventsPerSecond.median),
                    status: median >= 20_000 ? .met : .missed
                )
            )
        }

        if let help = results.startup.first(where: { $0.name == "rollout-status --help" }) {
            goals.append(
                GoalResult(
                    goal: "start-up: rollout-status --help",
                    target: "≤ 30 ms, median",
                    measured: String(format: "%.1f ms", help.milliseconds.median)
                        + (help.cpuMilliseconds.map { String(format: " (CPU %.1f ms)", $0.median) } ?? ""),
                    status: help.milliseconds.median <= 30 ? .met : .missed
                )
            )
        } else {
            goals.append(notMeasured("start-up: rollout-status --help", "≤ 30 ms, median"))
        }
        return goals
    }

    static func notMeasured(_ goal: String, _ target: String) -> GoalResult {
        GoalResult(goal: goal, target: target, measured: "—", status: .notMeasured)
    }
}
