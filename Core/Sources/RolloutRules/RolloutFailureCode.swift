/// Why a rollout certainly failed: the stable `error.code` values of the report.
///
/// The first six keep the meaning they have in SocialGouv/rollout-status, so scripts written for it keep
/// working; renaming one is a breaking change of the report schema. `not-supported-strategy` is the
/// original's seventh code (it used it in code for StatefulSets with `OnDelete`, without listing it in its
/// schema). See `docs/failure-codes.md`.
public enum RolloutFailureCode: String, Codable, Sendable, CaseIterable {
    /// Nothing matched, a named workload does not exist, or it was deleted while waited on.
    case notFound = "not-found"
    /// The pods cannot start as configured: image pull errors, missing ConfigMaps or Secrets, bad mounts.
    case invalidConfig = "invalid-config"
    /// Pods cannot be created or are killed for their resources: quota, LimitRange, admission, OOMKilled.
    case resourceLimitsExceeded = "resource-limits-exceeded"
    /// Containers keep crashing beyond the restart threshold.
    case processCrashing = "process-crashing"
    /// Pods of the new ReplicaSet stay unschedulable past the pending deadline.
    case scheduling = "scheduling"
    /// The controller reports no progress (`Progressing=False`), or the Deployment is paused.
    case notProgressing = "not-progressing"
    /// The gate's global deadline passed while the rollout was still progressing.
    case timeout = "timeout"
    /// The workload's update strategy has no rollout to wait for (`OnDelete` StatefulSets and DaemonSets).
    ///
    /// Such a workload changes its pods only when someone deletes them, so "rolled out" can never be
    /// observed; reporting success would be a false pass, waiting would only end at the timeout.
    case notSupportedStrategy = "not-supported-strategy"
}
