import KubeClient
import KubeModel
import Testing

/// A deterministic random source for reproducible protocol runs.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Drives the watch state machine against an in-memory model of the API server's watch semantics
/// (a global resourceVersion, a bounded event history, 410 for versions older than the history) with
/// faults injected at random, and checks the property the coordinator relies on: applying the updates in
/// order yields exactly the server's state, with no update for a change the consumer already has.
@Suite("Watch protocol model check")
struct WatchModelCheckTests {
    struct Server {
        var objects: [String: Thing] = [:]
        var version = 100
        var history: [(version: Int, event: WatchEvent<Thing>)] = []
        var oldestResumable = 100

        mutating func change(_ random: inout SplitMix64) {
            version += 1
            let name = "o\(Int.random(in: 0..<12, using: &random))"
            if let existing = objects[name] {
                if Bool.random(using: &random) {
                    let updated = Thing(name, rv: version, value: existing.value + 1)
                    objects[name] = updated
                    history.append((version, .modified(updated)))
                } else {
                    objects[name] = nil
                    history.append((version, .deleted(Thing(name, rv: version, value: existing.value))))
                }
            } else {
                let created = Thing(name, rv: version)
                objects[name] = created
                history.append((version, .added(created)))
            }
        }

        func events(after resumeVersion: Int) -> [WatchEvent<Thing>] {
            history.filter { $0.version > resumeVersion }.map(\.event)
        }
    }

    @Test("the consumer's view equals the server's after random changes and faults", arguments: 1...25)
    func randomRun(seed: UInt64) throws {
        var random = SplitMix64(state: seed)
        var server = Server()
        for _ in 0..<5 { server.change(&random) }
        var machine = WatchStateMachine<Thing>(
            policy: RetryPolicy(maximumAttempts: 1_000),
            request: request
        )
        var view: [String: Thing] = [:]
        var synced = false
        var stream: [WatchEvent<Thing>] = []
        var pendingPages: [[Thing]] = []
        var listVersion = 0

        func apply(_ action: WatchStateMachine<Thing>.Action) throws {
            for update in action.updates {
                switch update {
                case .added(let thing):
                    #expect(view[thing.metadata.name] == nil, "added twice: \(thing.metadata.name)")
                    view[thing.metadata.name] = thing
                case .modified(let thing):
                    let old = try #require(view[thing.metadata.name], "modified before added")
                    #expect(old.metadata.resourceVersion != thing.metadata.resourceVersion, "duplicate update")
                    view[thing.metadata.name] = thing
                case .deleted(let thing):
                    #expect(view.removeValue(forKey: thing.metadata.name) != nil, "deleted twice")
                case .synced:
                    #expect(!synced, "synced twice")
                    synced = true
                }
            }
        }

        var action = machine.start()
        try apply(action)
        var steps = 0
        var quiet = false
        while true {
            steps += 1
            if steps > 3_000 { quiet = true }
            if steps > 6_000 {
                Issue.record("did not converge")
                break
            }
            switch action.next {
            case .fail(let error):
                Issue.record("the watch gave up: \(error)")
                return
            case .wait:
                action = machine.delayElapsed()
            case .request(.list(let token)):
                if !quiet, Int.random(in: 0..<10, using: &random) == 0 {
                    action = machine.failed(WatchStateMachine.classify(apiError(503)), random: 0.5)
                } else if token == nil {
                    let items = server.objects.values.sorted { $0.metadata.name < $1.metadata.name }
                    let cut = items.isEmpty ? 0 : Int.random(in: 0...items.count, using: &random)
                    listVersion = server.version
                    pendingPages = [Array(items[cut...])]
                    action = machine.listPage(
                        items: Array(items[..<cut]),
                        resourceVersion: String(listVersion),
                        continueToken: "next"
                    )
                } else {
                    action = machine.listPage(
                        items: pendingPages.removeFirst(),
                        resourceVersion: String(listVersion),
                        continueToken: nil
                    )
                }
            case .request(.watch(let version)):
                let resumeVersion = try #require(Int(version))
                if resumeVersion < server.oldestResumable {
                    if Bool.random(using: &random) {
                        action = machine.failed(WatchStateMachine.classify(apiError(410)))
                    } else {
                        action = machine.streamOpened()
                        action = machine.event(.error(APIStatus(reason: "Expired", code: 410)))
                    }
                } else {
                    stream = server.events(after: resumeVersion)
                    action = machine.streamOpened()
                }
            case .readStream:
                // Steps that only change the server leave the machine reading, with nothing new to apply.
                action = .init(updates: [], next: .readStream)
                let roll = quiet ? 0 : Int.random(in: 0..<100, using: &random)
                switch roll {
                case 0..<50:
                    if stream.isEmpty {
                        if quiet {
                            if synced, view == server.objects { return }
                            action = machine.streamEnded(random: 0.5)
                        } else {
                            server.change(&random)
                            stream.append(server.history[server.history.count - 1].event)
                        }
                    } else {
                        action = machine.event(stream.removeFirst())
                    }
                case 50..<70: server.change(&random); stream.append(server.history[server.history.count - 1].event)
                case 70..<76: action = machine.event(.bookmark(resourceVersion: String(server.version - stream.count)))
                case 76..<84: action = machine.streamEnded(random: 0.5)
                case 84..<90:
                    action = machine.failed(
                        WatchStateMachine.classify(.unreachable(server: "s", detail: "dropped mid-line")),
                        random: 0.5
                    )
                case 90..<94:
                    action = machine.failed(WatchStateMachine.classify(apiError(429, retryAfter: .seconds(1))))
                case 94..<97:
                    server.oldestResumable = server.version
                default:
                    action = machine.event(.error(APIStatus(reason: "InternalError", code: 500)))
                }
            }
            try apply(action)
        }
    }
}
