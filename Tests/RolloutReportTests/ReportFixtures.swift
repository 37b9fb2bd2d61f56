import Foundation
import KubeModel
import RolloutReport
import RolloutRules

/// Reports built the way the coordinator builds them, for the golden files and the sample reports.
enum ReportFixtures {
    static let startedAt = KubeTime(Date(timeIntervalSince1970: 1_780_000_000))

    static func timing(seconds: Double) -> GateTiming {
        GateTiming(
            startedAt: startedAt,
            finishedAt: KubeTime(startedAt.date.addingTimeInterval(seconds.rounded(.up))),
            duration: .milliseconds(Int64(seconds * 1000))
        )
    }

    static func timestamp(_ offset: Double) -> String {
        KubeTime(startedAt.date.addingTimeInterval(offset)).rfc3339
    }

    static let crashLog = """
        2026-05-28T20:26:41Z INFO starting api v2.4.1
        2026-05-28T20:26:41Z INFO connecting to postgres://db.shop:5432/orders
        panic: dial tcp 10.0.3.7:5432: connect: connection refused

        goroutine 1 [running]:
        main.main()
        \t/src/cmd/api/main.go:57 +0x1fb

        """

    static func succeeded(
        _ namespace: String,
        _ name: String,
        replicas: Int = 3,
        revision: String = "4"
    ) -> TargetResult {
        TargetResult(
            kind: .deployment,
            namespace: namespace,
            name: name,
            revision: revision,
            verdict: .succeeded,
            replicas: ReplicaCounts(desired: replicas, updated: replicas, ready: replicas, available: replicas)
        )
    }

    static let crashingAPI = TargetResult(
        kind: .deployment,
        namespace: "shop",
        name: "api",
        revision: "7",
        verdict: .failed,
        replicas: ReplicaCounts(desired: 3, updated: 1, ready: 0, available: 0),
        failure: TargetFailure(
            code: .processCrashing,
            reason: "CrashLoopBackOff",
            message:
                "Container \"main\" is in \"CrashLoopBackOff\": back-off 20s restarting failed container=main pod=api-6d9f7c8b5-x2x7q_shop(4f1c2e0a-8d1b-4c55-9a51-0f6f3f1f2a10)",
            rule: "container.crash-loop",
            pod: "api-6d9f7c8b5-x2x7q",
            container: "main",
            initContainer: false,
            restartCount: 3,
            lastTermination: LastTermination(exitCode: 2, reason: "Error"),
            log: LogTail(container: "main", previous: true, log: crashLog, maxLines: 50, maxBytes: 16_384)
        ),
        events: [
            WarningEvent(
                reason: "BackOff",
                message:
                    "Back-off restarting failed container main in pod api-6d9f7c8b5-x2x7q_shop(4f1c2e0a-8d1b-4c55-9a51-0f6f3f1f2a10)",
                count: 4,
                object: "Pod/api-6d9f7c8b5-x2x7q",
                lastTimestamp: timestamp(9)
            )
        ]
    )

    /// All succeeded, with a Service and a ConfigMap from the manifests skipped.
    static let success = GateReport(
        timing: timing(seconds: 41.274),
        results: [
            succeeded("shop", "web", replicas: 2),
            succeeded("shop", "api"),
            succeeded("payments", "ledger", replicas: 1, revision: "12"),
        ],
        selections: [
            SelectionResult(
                selector: "release=2026.11",
                kinds: [.deployment],
                namespaces: ["shop", "payments"],
                status: .matched,
                matched: 3
            )
        ],
        skipped: [
            SkippedObject(
                apiVersion: "v1",
                kind: "Service",
                namespace: "shop",
                name: "web",
                source: "release.yaml:14",
                reason: "Service is not a workload kind the gate waits for."
            ),
            SkippedObject(
                apiVersion: "v1",
                kind: "ConfigMap",
                namespace: "shop",
                name: "web-config",
                source: "release.yaml:2",
                reason: "ConfigMap is not a workload kind the gate waits for."
            ),
        ],
        conclusion: .completed(decisive: nil)
    )

    /// The seed's example, across namespaces: one crash loop, fail-fast cancels the rest.
    static let crashLoop = GateReport(
        timing: timing(seconds: 9.412),
        results: [
            succeeded("shop", "web", replicas: 2),
            crashingAPI,
            TargetResult(
                kind: .deployment,
                namespace: "payments",
                name: "ledger",
                revision: "13",
                verdict: .cancelled,
                replicas: ReplicaCounts(desired: 2, updated: 1, ready: 1, available: 1),
                waitingFor: "1 of 2 updated replicas are available"
            ),
        ],
        selections: [
            SelectionResult(
                selector: "tier=backend",
                kinds: [.deployment],
                namespaces: nil,
                status: .matched,
                matched: 3
            )
        ],
        conclusion: .completed(decisive: TargetReference(kind: .deployment, namespace: "shop", name: "api"))
    )

    /// `--no-fail-fast`: two failures of different kinds, a log that could not be fetched, an OOM kill.
    static let noFailFast = GateReport(
        timing: timing(seconds: 63.5),
        results: [
            TargetResult(
                kind: .deployment,
                namespace: "shop",
                name: "web",
                revision: "5",
                verdict: .failed,
                replicas: ReplicaCounts(desired: 2, updated: 1, ready: 0, available: 0),
                failure: TargetFailure(
                    code: .invalidConfig,
                    reason: "ImagePullBackOff",
                    message:
                        "Container \"web\" is in \"ImagePullBackOff\": Back-off pulling image \"registry.example.com/shop/web:v2.5.0\"",
                    rule: "container.image-pull",
                    pod: "web-59c7d8f6b4-q8m2d",
                    container: "web",
                    initContainer: false,
                    restartCount: 0
                ),
                events: [
                    WarningEvent(
                        reason: "Failed",
                        message:
                            "Failed to pull image \"registry.example.com/shop/web:v2.5.0\": rpc error: code = NotFound desc = failed to pull and unpack image: not found",
                        count: 3,
                        object: "Pod/web-59c7d8f6b4-q8m2d",
                        lastTimestamp: timestamp(20)
                    ),
                    WarningEvent(
                        reason: "Failed",
                        message: "Error: ErrImagePull",
                        count: 3,
                        object: "Pod/web-59c7d8f6b4-q8m2d",
                        lastTimestamp: timestamp(20)
                    ),
                ]
            ),
            TargetResult(
                kind: .statefulSet,
                namespace: "data",
                name: "cache",
                revision: "cache-7b9d6f5c4",
                verdict: .failed,
                replicas: ReplicaCounts(desired: 3, updated: 0, ready: 2, available: 2),
                failure: TargetFailure(
                    code: .resourceLimitsExceeded,
                    reason: "OOMKilled",
                    message: "Container \"redis\" was OOMKilled (exit code 137).",
                    rule: "container.oom-killed",
                    pod: "cache-2",
                    container: "redis",
                    initContainer: false,
                    restartCount: 1,
                    lastTermination: LastTermination(exitCode: 137, reason: "OOMKilled", signal: 9),
                    log: LogTail(
                        container: "redis",
                        previous: true,
                        content: .unavailable("The API server answered 404 for the previous instance's log.")
                    )
                )
            ),
            TargetResult(
                kind: .job,
                namespace: "shop",
                name: "migrate-7",
                verdict: .succeeded,
                job: JobCounts(completions: 1, active: 0, succeeded: 1, failed: 1)
            ),
            TargetResult(
                kind: .daemonSet,
                namespace: "kube-system",
                name: "log-agent",
                revision: "3",
                verdict: .succeeded,
                replicas: ReplicaCounts(desired: 4, updated: 4, ready: 4, available: 4)
            ),
        ],
        selections: [
            SelectionResult(
                selector: "app in (web,worker)",
                kinds: [.deployment],
                namespaces: ["shop"],
                status: .matched,
                matched: 2
            ),
            // A selector with a typo: with --no-fail-fast an earlier failure is decisive, and this one
            // would be invisible without its own record.
            SelectionResult(
                selector: "app=log-agnet",
                kinds: [.daemonSet],
                namespaces: ["kube-system"],
                status: .matchedNothing,
                matched: 0,
                failure: TargetFailure(
                    code: .notFound,
                    message: "Found no daemonsets matching app=log-agnet in namespace kube-system.",
                    rule: "selection.matched-nothing"
                )
            ),
        ],
        conclusion: .completed(decisive: nil)
    )

    /// `--timeout 1m`: one target still waiting on scheduling.
    static let timeout = GateReport(
        timing: timing(seconds: 60.003),
        results: [
            succeeded("shop", "web", replicas: 2),
            TargetResult(
                kind: .deployment,
                namespace: "shop",
                name: "search",
                revision: "2",
                verdict: .progressing,
                replicas: ReplicaCounts(desired: 3, updated: 3, ready: 1, available: 1),
                waitingFor:
                    "1 of 3 updated replicas are available; pod search-7c5b9-zt4kq: Pending (0/5 nodes are available: 5 Insufficient memory)",
                events: [
                    WarningEvent(
                        reason: "FailedScheduling",
                        message:
                            "0/5 nodes are available: 5 Insufficient memory. preemption: 0/5 nodes are available: 5 No preemption victims found for incoming pod.",
                        count: 7,
                        object: "Pod/search-7c5b9-zt4kq",
                        lastTimestamp: timestamp(55)
                    )
                ]
            ),
        ],
        conclusion: .deadlineExceeded(timeout: .seconds(60))
    )

    /// CI cancelled the job: SIGTERM, a partial report.
    static let interrupted = GateReport(
        timing: timing(seconds: 12.25),
        results: [
            succeeded("shop", "web", replicas: 2),
            TargetResult(
                kind: .deployment,
                namespace: "shop",
                name: "api",
                revision: "8",
                verdict: .progressing,
                replicas: ReplicaCounts(desired: 3, updated: 2, ready: 1, available: 1),
                waitingFor: "2 out of 3 new replicas have been updated"
            ),
        ],
        conclusion: .interrupted(.sigterm)
    )

    /// A usage error: no targets were ever resolved.
    static let invalidInput = GateReport(
        timing: timing(seconds: 0.002),
        results: [],
        conclusion: .error(
            ReportError(
                program: .invalidInput,
                message: "Invalid label selector \"app in (web\": expected \")\" after the values of \"app\"."
            )
        )
    )

    /// The original's `not-found`: the selector matched nothing; `selections` says which one.
    static let notFound = GateReport(
        timing: timing(seconds: 0.118),
        results: [],
        selections: [
            SelectionResult(
                selector: "app=crashloop-backoff",
                kinds: [.deployment],
                namespaces: ["default"],
                status: .matchedNothing,
                matched: 0,
                failure: TargetFailure(
                    code: .notFound,
                    message: "Found no deployments matching app=crashloop-backoff in namespace default.",
                    rule: "selection.matched-nothing"
                )
            )
        ],
        conclusion: .completed(decisive: nil)
    )

    /// A crash log full of terminal escapes: the renderers must neutralise them.
    static let hostileLog: GateReport = {
        var result = crashingAPI
        result.failure?.log = LogTail(
            container: "main",
            previous: true,
            log:
                "ok\n\u{1B}[2J\u{1B}[H\u{1B}]0;pwned\u{07}cleared\rover\u{9B}31mred\u{202E}txt.exe\n::set-env name=X::1\n```\n<b>&</b>\n",
            maxLines: 50,
            maxBytes: 4096
        )
        return GateReport(timing: timing(seconds: 3), results: [result], conclusion: .completed(decisive: nil))
    }()

    static let all: [(name: String, report: GateReport)] = [
        ("success", success),
        ("crash-loop", crashLoop),
        ("no-fail-fast", noFailFast),
        ("timeout", timeout),
        ("interrupted", interrupted),
        ("invalid-input", invalidInput),
        ("not-found", notFound),
        ("hostile-log", hostileLog),
    ]

    /// The reports copied to `examples/reports/` as samples.
    static let samples: Set<String> = ["success", "crash-loop", "no-fail-fast", "timeout", "invalid-input"]
}
