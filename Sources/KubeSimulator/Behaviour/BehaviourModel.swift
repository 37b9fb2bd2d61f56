import Foundation

/// The simulated cluster's behaviour: controllers, scheduler and kubelets playing a scenario's workloads.
///
/// A scenario's `workloads:` section declares workloads and what their pods do (`healthy after 2s`,
/// `crash-loop`, `image-pull-error`, `quota-exceeded`, …); the model creates them, plays the Deployment,
/// ReplicaSet, StatefulSet, DaemonSet and Job controllers and the kubelet, and writes the objects, Events
/// and container logs a real cluster would show, with the same reasons and message shapes. It reacts to
/// every object in the store, not only declared ones: a Deployment a client applies later rolls out with
/// the scenario's default behaviour (`healthy after 1s` unless the scenario says otherwise), and rules
/// keyed on names or images decide what its pods do, so `kubectl set image` to a broken image fails as
/// it would on a cluster. Objects that arrive with a `status` of their own (hand-written scenario
/// objects) are left alone, with everything they own.
///
/// The model is a pure value: the runner passes the time and a snapshot, the model answers with writes
/// and the next time it needs to be called. Loading is `BehaviourModel.load(workloads:file:)`; the
/// section's format is described in `examples/scenarios/WORKLOADS.md`.
public struct BehaviourModel: ClusterBehaviour {
    var controlPlane: ControlPlane

    /// A model with no declared workloads: every workload that appears rolls out healthy after 1 s on 3 nodes.
    public init() {
        controlPlane = ControlPlane(configuration: BehaviourConfiguration())
    }

    init(configuration: BehaviourConfiguration) {
        controlPlane = ControlPlane(configuration: configuration)
    }

    /// The behaviour names a scenario may use, for help texts and error messages.
    public static var knownBehaviours: [String] { BehaviourKind.allCases.map(\.rawValue) }

    /// Reconciles every controller and kubelet against the snapshot at `now`.
    public mutating func reconcile(now: Date, cluster: any ClusterSnapshot) -> BehaviourStep {
        controlPlane.reconcile(now: now, cluster: cluster)
    }
}
