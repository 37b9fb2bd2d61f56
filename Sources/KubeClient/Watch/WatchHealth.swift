/// Whether a watch is getting answers, reported to ``KubeClientEnvironment/watchHealth`` as it changes.
///
/// A watch hides transient failures from its consumer (it waits and retries), which is right for the
/// updates but leaves a caller with a deadline unable to tell a rollout that is still progressing from an
/// API server that has not answered for minutes. These reports let it tell the two apart.
public enum WatchHealth: Sendable {
    /// A request or the stream of this watch failed with this error; the watch waits and retries.
    case retrying(RequestDescription, KubeClientError)
    /// The watch got an answer again after failing.
    case recovered(RequestDescription)
}
