import Foundation
import Yams

/// A scenario: the cluster's initial objects, timed steps, and optionally a behaviour model.
///
/// Loaded from YAML (see `examples/scenarios/`) or built in Swift by tests. Top-level keys: `name`,
/// `description`, `objects` (any supported kind, in YAML or JSON form), `timeline` (steps at offsets such
/// as `at: 2s`: `create`, `replace`, `merge-patch`, `delete`, `log`), `workloads` (the behaviour
/// model's section, handed to a `BehaviourLoader`), and `behaviour` (`model`, the default, or `none`).
///
/// A scenario file always runs the behaviour model unless it says `behaviour: none`: without `workloads`
/// the model still plays the controllers and kubelets for whatever appears (a client's `kubectl apply`),
/// while objects written with a `status` of their own stay as the scenario scripts them. A scenario built
/// in Swift runs exactly the behaviour it is given (none by default); `Scenario.standard` is the empty
/// cluster with the model.
public struct Scenario: Sendable {
    /// A short name.
    public var name: String
    /// What the scenario shows.
    public var description: String
    /// Objects present at the start, created in order.
    public var objects: [JSONValue]
    /// Steps at offsets from the start, in time order.
    public var timeline: [TimelineStep]
    /// The simulated controllers and kubelet, if the scenario declares workloads.
    public var behaviour: (any ClusterBehaviour)?
    /// The file the scenario came from, for messages.
    public var file: String

    /// Creates a scenario.
    public init(
        name: String = "scenario",
        description: String = "",
        objects: [JSONValue] = [],
        timeline: [TimelineStep] = [],
        behaviour: (any ClusterBehaviour)? = nil,
        file: String = "<inline>"
    ) {
        self.name = name
        self.description = description
        self.objects = objects
        self.timeline = timeline.sorted { $0.at < $1.at }
        self.behaviour = behaviour
        self.file = file
    }

    /// An empty cluster (only the standard namespaces) where nothing moves unless a test moves it.
    public static let empty = Scenario(name: "empty")

    /// An empty cluster whose controllers and kubelets run (`BehaviourModel()`): what `kube-sim serve`
    /// plays without `--scenario`, so applied workloads roll out.
    public static var standard: Scenario { Scenario(name: "empty", behaviour: BehaviourModel()) }
}

/// One timed step of a timeline.
public struct TimelineStep: Sendable, Hashable {
    /// The offset from the scenario's start.
    public var at: Duration
    /// What happens.
    public var action: TimelineAction
    /// The line in the scenario file, for messages.
    public var line: Int?

    /// Creates a step.
    public init(at: Duration, action: TimelineAction, line: Int? = nil) {
        self.at = at
        self.action = action
        self.line = line
    }
}

/// What a timeline step does.
public enum TimelineAction: Sendable, Hashable {
    /// Creates the object (replacing it if it already exists).
    case create(JSONValue)
    /// Replaces the object (creating it if it is absent).
    case replace(JSONValue)
    /// Applies an RFC 7386 merge patch to the object named by the patch's `kind`, `metadata.namespace` and
    /// `metadata.name`.
    case mergePatch(JSONValue)
    /// Deletes an object.
    case delete(kind: String, namespace: String?, name: String)
    /// Sets a container's log texts; a nil text keeps what was there.
    case log(namespace: String, pod: String, container: String, current: String?, previous: String?)
}

/// Builds the behaviour model from a scenario's `workloads` node.
public typealias BehaviourLoader = @Sendable (_ workloads: Node, _ file: String) throws -> any ClusterBehaviour

extension Scenario {
    /// The loader used when none is given: the behaviour model (`BehaviourModel.load(workloads:file:)`).
    public static let defaultBehaviourLoader: BehaviourLoader = { workloads, file in
        try BehaviourModel.load(workloads: workloads, file: file)
    }

    /// Loads a scenario file.
    public static func load(
        file: String,
        behaviourLoader: @escaping BehaviourLoader = Scenario.defaultBehaviourLoader
    ) throws(ScenarioError) -> Scenario {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ScenarioError(file: file, line: nil, problem: "cannot read the file: \(error.localizedDescription)")
        }
        return try parse(yaml: text, file: file, behaviourLoader: behaviourLoader)
    }

    /// Parses a scenario from YAML text; `file` names it in errors.
    public static func parse(
        yaml text: String,
        file: String = "<inline>",
        behaviourLoader: @escaping BehaviourLoader = Scenario.defaultBehaviourLoader
    ) throws(ScenarioError) -> Scenario {
        var loader = ScenarioLoader(file: file, behaviourLoader: behaviourLoader)
        return try loader.load(text)
    }
}

/// Helpers around Yams for single documents.
enum YAMLDocument {
    /// The one document of `text`, or nil for an empty document.
    static func single(_ text: String) throws -> Node? {
        try Yams.compose(yaml: text)
    }

    /// The 1-based line and a short problem text of a Yams error.
    static func describe(_ error: any Error) -> (line: Int?, problem: String) {
        guard let yamlError = error as? YamlError else { return (nil, "\(error)") }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            return (mark.line, "YAML syntax error: \(prefix)\(problem)")
        case .reader(let problem, _, _, _):
            return (nil, "YAML syntax error: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return (
                context.mark.line, "YAML syntax error: duplicated key(s) \(duplicates.sorted().joined(separator: ", "))"
            )
        default:
            return (nil, "YAML syntax error: \(yamlError)")
        }
    }
}
