/// One entry of `containerStatuses` or `initContainerStatuses`: what the kubelet knows of a container.
public struct ContainerStatus: Codable, Sendable, Hashable {
    /// The container's name, as in the pod spec.
    public var name: String
    /// The image the container runs (as resolved by the runtime).
    public var image: String?
    /// Whether the readiness probe passes.
    public var ready: Bool
    /// Whether the startup probe passed (or the container has none and runs); `nil` when not reported.
    public var started: Bool?
    /// How many times the kubelet restarted the container: the crash threshold counts these.
    public var restartCount: Int
    /// The current state: waiting (with the reason it cannot run), running or terminated.
    public var state: ContainerState
    /// The previous instance's final state: an `OOMKilled` or `Error` behind a `CrashLoopBackOff` is here.
    public var lastState: ContainerState

    /// Creates a container status.
    public init(
        name: String,
        image: String? = nil,
        ready: Bool = false,
        started: Bool? = nil,
        restartCount: Int = 0,
        state: ContainerState = .unknown,
        lastState: ContainerState = .unknown
    ) {
        self.name = name
        self.image = image
        self.ready = ready
        self.started = started
        self.restartCount = restartCount
        self.state = state
        self.lastState = lastState
    }

    private enum CodingKeys: String, CodingKey { case name, image, ready, started, restartCount, state, lastState }

    /// Decodes a status; absent fields read as the API's defaults (not ready, no restarts, no state).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.value(.name, or: "")
        image = try container.decodeIfPresent(String.self, forKey: .image)
        ready = try container.value(.ready, or: false)
        started = try container.decodeIfPresent(Bool.self, forKey: .started)
        restartCount = try container.value(.restartCount, or: 0)
        state = try container.value(.state, or: .unknown)
        lastState = try container.value(.lastState, or: .unknown)
    }
}

/// A container's state: exactly one of waiting, running or terminated (or none, written `{}`).
///
/// On the wire this is an object with one of three keys; as an enum the exclusive states cannot be
/// mixed up. Should an object carry several keys (the kubelet never writes that), `waiting` wins over
/// `terminated`, which wins over `running`: the reason a container cannot run is the signal the gate needs.
public enum ContainerState: Codable, Sendable, Hashable {
    /// Not running: being created, pulling its image, or backing off after failures.
    case waiting(Waiting)
    /// Running since `startedAt`.
    case running(Running)
    /// Exited, with an exit code and a reason such as `Error`, `OOMKilled` or `Completed`.
    case terminated(Terminated)
    /// No state reported (`{}` or absent), as for `lastState` of a container that never restarted.
    case unknown

    /// `state.waiting`: why the container is not running.
    public struct Waiting: Codable, Sendable, Hashable {
        /// Such as `ContainerCreating`, `ErrImagePull`, `CrashLoopBackOff`, `CreateContainerConfigError`.
        public var reason: String?
        /// The detail, such as `secret "db" not found` or `back-off 40s restarting failed container`.
        public var message: String?

        /// Creates a waiting state.
        public init(reason: String? = nil, message: String? = nil) {
            self.reason = reason
            self.message = message
        }
    }

    /// `state.running`.
    public struct Running: Codable, Sendable, Hashable {
        /// When the container (this instance) started.
        public var startedAt: KubeTime?

        /// Creates a running state.
        public init(startedAt: KubeTime? = nil) {
            self.startedAt = startedAt
        }
    }

    /// `state.terminated`: how the container (or its previous instance) ended.
    public struct Terminated: Codable, Sendable, Hashable {
        /// The process's exit code; 137 after a SIGKILL such as the OOM killer's.
        public var exitCode: Int
        /// The signal that ended the process, when the runtime reports it.
        public var signal: Int?
        /// Such as `Error`, `OOMKilled`, `Completed`, `ContainerCannotRun`, `StartError`.
        public var reason: String?
        /// The runtime's detail, such as the `exec format error` of a wrong-architecture image.
        public var message: String?
        /// When the instance started.
        public var startedAt: KubeTime?
        /// When it ended.
        public var finishedAt: KubeTime?

        /// Creates a terminated state.
        public init(
            exitCode: Int,
            signal: Int? = nil,
            reason: String? = nil,
            message: String? = nil,
            startedAt: KubeTime? = nil,
            finishedAt: KubeTime? = nil
        ) {
            self.exitCode = exitCode
            self.signal = signal
            self.reason = reason
            self.message = message
            self.startedAt = startedAt
            self.finishedAt = finishedAt
        }

        private enum CodingKeys: String, CodingKey { case exitCode, signal, reason, message, startedAt, finishedAt }

        /// Decodes a terminated state; a missing exit code reads as 0, the API's default.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            exitCode = try container.value(.exitCode, or: 0)
            signal = try container.decodeIfPresent(Int.self, forKey: .signal)
            reason = try container.decodeIfPresent(String.self, forKey: .reason)
            message = try container.decodeIfPresent(String.self, forKey: .message)
            startedAt = try container.decodeIfPresent(KubeTime.self, forKey: .startedAt)
            finishedAt = try container.decodeIfPresent(KubeTime.self, forKey: .finishedAt)
        }
    }

    private enum CodingKeys: String, CodingKey { case waiting, running, terminated }

    /// Decodes whichever of the three keys is present.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let waiting = try container.decodeIfPresent(Waiting.self, forKey: .waiting) {
            self = .waiting(waiting)
        } else if let terminated = try container.decodeIfPresent(Terminated.self, forKey: .terminated) {
            self = .terminated(terminated)
        } else if let running = try container.decodeIfPresent(Running.self, forKey: .running) {
            self = .running(running)
        } else {
            self = .unknown
        }
    }

    /// Encodes the object with its one key (or `{}`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .waiting(let waiting): try container.encode(waiting, forKey: .waiting)
        case .running(let running): try container.encode(running, forKey: .running)
        case .terminated(let terminated): try container.encode(terminated, forKey: .terminated)
        case .unknown: break
        }
    }

    /// The waiting state, if the container is waiting.
    public var waiting: Waiting? {
        if case .waiting(let waiting) = self { return waiting }
        return nil
    }

    /// The terminated state, if the container has terminated.
    public var terminated: Terminated? {
        if case .terminated(let terminated) = self { return terminated }
        return nil
    }

    /// Whether the container is running.
    public var isRunning: Bool {
        if case .running = self { return true }
        return false
    }
}
