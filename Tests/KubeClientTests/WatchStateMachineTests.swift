import KubeClient
import KubeModel
import Testing

/// A minimal object for protocol tests.
struct Thing: KubeObject, Equatable {
    static let resource = APIResource(group: "", version: "v1", plural: "things", kind: "Thing")
    var metadata: ObjectMeta
    var value: Int

    init(_ name: String, rv: Int, value: Int = 0, namespace: String = "ns") {
        metadata = ObjectMeta(name: name, namespace: namespace, resourceVersion: String(rv))
        self.value = value
    }
}

typealias Machine = WatchStateMachine<Thing>

/// Readable summaries of updates and steps for table assertions.
extension WatchUpdate where Object == Thing {
    var summary: String {
        switch self {
        case .added(let thing): "added \(thing.metadata.name)@\(thing.metadata.resourceVersion ?? "")"
        case .modified(let thing): "modified \(thing.metadata.name)@\(thing.metadata.resourceVersion ?? "")"
        case .deleted(let thing): "deleted \(thing.metadata.name)@\(thing.metadata.resourceVersion ?? "")"
        case .synced: "synced"
        }
    }
}

extension Machine.Action {
    var summaries: [String] { updates.map(\.summary) }

    var step: String {
        switch next {
        case .request(.list(let token)): "list \(token ?? "-")"
        case .request(.watch(let version)): "watch \(version)"
        case .readStream: "read"
        case .wait(let delay): "wait \(delay)"
        case .fail(let error): "fail \(error)"
        }
    }
}

let request = RequestDescription(verb: "watch", resource: "things", namespace: "ns", server: "https://test")

func apiError(_ status: Int, retryAfter: Duration? = nil) -> KubeClientError {
    .api(APIFailure(status: status, request: request, apiStatus: APIStatus(code: status), retryAfter: retryAfter))
}

@Suite("Watch state machine")
struct WatchStateMachineTests {
    static let policy = RetryPolicy(
        initialDelay: .milliseconds(100),
        maximumDelay: .seconds(2),
        maximumRetryAfter: .seconds(30),
        maximumAttempts: 3
    )

    /// A machine that has listed `things` at resourceVersion 10 and is reading its watch stream.
    static func watching(_ things: [Thing] = [Thing("a", rv: 5), Thing("b", rv: 6)]) -> Machine {
        var machine = Machine(policy: policy, request: request)
        _ = machine.start()
        _ = machine.listPage(items: things, resourceVersion: "10", continueToken: nil)
        _ = machine.streamOpened()
        return machine
    }

    @Test("the initial list arrives as added objects, then synced, then a watch from the list's version")
    func initialList() {
        var machine = Machine(policy: Self.policy, request: request)
        #expect(machine.start().step == "list -")
        let action = machine.listPage(
            items: [Thing("a", rv: 5), Thing("b", rv: 6)],
            resourceVersion: "10",
            continueToken: nil
        )
        #expect(action.summaries == ["added a@5", "added b@6", "synced"])
        #expect(action.step == "watch 10")
        #expect(machine.streamOpened().step == "read")
    }

    @Test("an empty collection still reports synced, so nothing-matched is distinguishable from not-yet-listed")
    func emptyList() {
        var machine = Machine(policy: Self.policy, request: request)
        _ = machine.start()
        let action = machine.listPage(items: [], resourceVersion: "3", continueToken: nil)
        #expect(action.summaries == ["synced"])
        #expect(action.step == "watch 3")
    }

    @Test("pages are followed and emitted together; the watch starts from the snapshot's version")
    func paging() {
        var machine = Machine(policy: Self.policy, request: request)
        _ = machine.start()
        let first = machine.listPage(items: [Thing("a", rv: 5)], resourceVersion: "10", continueToken: "page2")
        #expect(first.summaries.isEmpty)
        #expect(first.step == "list page2")
        let second = machine.listPage(items: [Thing("b", rv: 6)], resourceVersion: "10", continueToken: "")
        #expect(second.summaries == ["added a@5", "added b@6", "synced"])
        #expect(second.step == "watch 10")
    }

    @Test("watch events update the view; repeats at the same version and deletes of unknown objects are dropped")
    func events() {
        var machine = Self.watching()
        #expect(machine.event(.added(Thing("c", rv: 11))).summaries == ["added c@11"])
        #expect(machine.event(.modified(Thing("a", rv: 12, value: 1))).summaries == ["modified a@12"])
        #expect(machine.event(.modified(Thing("a", rv: 12, value: 1))).summaries == [], "duplicate")
        #expect(machine.event(.added(Thing("b", rv: 13))).summaries == ["modified b@13"], "added for a known object")
        #expect(machine.event(.deleted(Thing("c", rv: 14))).summaries == ["deleted c@14"])
        #expect(machine.event(.deleted(Thing("zz", rv: 15))).summaries == [], "never seen")
        let bookmark = machine.event(.bookmark(resourceVersion: "20"))
        #expect(bookmark.summaries.isEmpty)
        #expect(bookmark.step == "read")
        #expect(machine.resourceVersion == "20")
        #expect(machine.objects.map(\.metadata.name) == ["a", "b"])
        #expect(machine.objects.map(\.value) == [1, 0])
    }

    @Test("objects in different namespaces with the same name are different objects")
    func namespacesSeparate() {
        var machine = Self.watching([])
        #expect(machine.event(.added(Thing("web", rv: 11, namespace: "a"))).summaries == ["added web@11"])
        #expect(machine.event(.added(Thing("web", rv: 12, namespace: "b"))).summaries == ["added web@12"])
        #expect(machine.objects.count == 2)
    }

    @Test("a closed stream resumes at once from the last version seen, bookmarks included")
    func resumeAfterClose() {
        var machine = Self.watching()
        _ = machine.event(.modified(Thing("a", rv: 11)))
        _ = machine.event(.bookmark(resourceVersion: "17"))
        #expect(machine.streamEnded(random: 0.5).step == "watch 17")
    }

    @Test("streams that close without any event back off but never give up")
    func emptyStreamsBackOff() {
        var machine = Self.watching()
        var delays: [String] = []
        for _ in 0..<8 {
            let action = machine.streamEnded(random: 1)
            delays.append(action.step)
            #expect(machine.delayElapsed().step == "watch 10")
            _ = machine.streamOpened()
        }
        #expect(
            delays == [
                "wait 0.1 seconds", "wait 0.2 seconds", "wait 0.4 seconds", "wait 0.8 seconds",
                "wait 1.6 seconds", "wait 2.0 seconds", "wait 2.0 seconds", "wait 2.0 seconds",
            ]
        )
    }

    @Test("410 relists and emits exactly the difference between the view and the new list")
    func relistDifference() {
        var machine = Self.watching([Thing("a", rv: 1), Thing("b", rv: 2), Thing("c", rv: 3)])
        let expired = machine.event(
            .error(APIStatus(message: "too old resource version: 3 (40)", reason: "Expired", code: 410))
        )
        #expect(expired.step == "list -")
        let relist = machine.listPage(
            items: [Thing("a", rv: 1), Thing("b", rv: 25), Thing("d", rv: 30)],
            resourceVersion: "40",
            continueToken: nil
        )
        #expect(relist.summaries == ["modified b@25", "added d@30", "deleted c@3"])
        #expect(relist.step == "watch 40")
        #expect(machine.objects.map(\.metadata.name) == ["a", "b", "d"])
    }

    @Test("410 as an HTTP status of the watch request relists too")
    func goneStatus() {
        var machine = Self.watching()
        #expect(machine.failed(Machine.classify(apiError(410))).step == "list -")
    }

    @Test("429 waits for Retry-After (capped), then resumes the watch")
    func throttled() {
        var machine = Self.watching()
        #expect(machine.failed(Machine.classify(apiError(429, retryAfter: .seconds(3)))).step == "wait 3.0 seconds")
        #expect(machine.delayElapsed().step == "watch 10")
        _ = machine.streamOpened()
        #expect(machine.failed(Machine.classify(apiError(429, retryAfter: .seconds(999)))).step == "wait 30.0 seconds")
    }

    @Test("5xx and broken connections back off exponentially and give up after the retry budget")
    func giveUp() {
        var machine = Self.watching()
        var steps: [String] = []
        for error in [apiError(503), .unreachable(server: "s", detail: "refused"), apiError(500), apiError(502)] {
            let action = machine.failed(Machine.classify(error), random: 0)
            steps.append(action.step)
            if case .wait = action.next { _ = machine.delayElapsed() }
        }
        #expect(Array(steps.prefix(3)) == ["wait 0.05 seconds", "wait 0.1 seconds", "wait 0.2 seconds"])
        #expect(steps[3].hasPrefix("fail "))
        #expect(steps[3].contains("failed 4 times in a row"))
    }

    @Test("a stream that stalled relists: it may have lost events silently, and a resumed watch may stall again")
    func stalledStreamRelists() {
        var machine = Self.watching()
        _ = machine.event(.modified(Thing("a", rv: 11, value: 1)))
        let stalled = KubeClientError.timeout(request: request, detail: "no data received within the idle limit")
        #expect(machine.failed(Machine.classify(stalled), random: 1).step == "wait 0.1 seconds")
        #expect(machine.delayElapsed().step == "list -")
        // A list that fails for a passing reason is retried as a list, never as a resume of the stalled stream.
        #expect(machine.failed(Machine.classify(apiError(429)), random: 1).step.hasPrefix("wait"))
        #expect(machine.delayElapsed().step == "list -")
        // The list shows what the stalled stream never delivered, as changes to the consumer's view.
        let relisted = machine.listPage(
            items: [Thing("a", rv: 15, value: 2), Thing("c", rv: 16)],
            resourceVersion: "16",
            continueToken: nil
        )
        #expect(relisted.summaries == ["modified a@15", "added c@16", "deleted b@6"])
        #expect(relisted.step == "watch 16")
        // Other transient failures resume the watch from the last version, as before.
        _ = machine.streamOpened()
        #expect(machine.failed(Machine.classify(apiError(503)), random: 1).step == "wait 0.1 seconds")
        #expect(machine.delayElapsed().step == "watch 16")
    }

    @Test("a relist after 410 that fails for a passing reason is retried as a list")
    func relistRetried() {
        var machine = Self.watching()
        #expect(machine.failed(.expired).step == "list -")
        #expect(machine.failed(Machine.classify(apiError(503)), random: 1).step == "wait 0.1 seconds")
        #expect(machine.delayElapsed().step == "list -")
        let relisted = machine.listPage(items: [Thing("a", rv: 5)], resourceVersion: "20", continueToken: nil)
        #expect(relisted.summaries == ["deleted b@6"])
        #expect(relisted.step == "watch 20")
    }

    @Test("a delivered event resets the retry budget")
    func successResets() {
        var machine = Self.watching()
        for round in 0..<5 {
            for _ in 0..<3 {
                #expect(machine.failed(Machine.classify(apiError(503)), random: 0).step.hasPrefix("wait"))
                _ = machine.delayElapsed()
            }
            _ = machine.streamOpened()
            #expect(machine.event(.added(Thing("n\(round)", rv: 100 + round))).summaries.count == 1)
        }
    }

    @Test("a failure before the first list completes retries the list")
    func failureBeforeSync() {
        var machine = Machine(policy: Self.policy, request: request)
        _ = machine.start()
        #expect(machine.failed(Machine.classify(apiError(503)), random: 1).step == "wait 0.1 seconds")
        #expect(machine.delayElapsed().step == "list -")
        let action = machine.listPage(items: [Thing("a", rv: 1)], resourceVersion: "2", continueToken: nil)
        #expect(action.summaries == ["added a@1", "synced"])
    }

    @Test(
        "permanent errors end the watch at once",
        arguments: [401, 403, 404, 400]
    )
    func permanent(status: Int) {
        var machine = Self.watching()
        let step = machine.failed(Machine.classify(apiError(status))).step
        #expect(step.hasPrefix("fail "))
        #expect(step.contains("(\(status))") || step.contains("status \(status)"))
    }

    @Test("an ERROR event with a server error is retried; one with a client error is not")
    func errorEvents() {
        var machine = Self.watching()
        #expect(
            machine.event(.error(APIStatus(reason: "InternalError", code: 500)), random: 1).step == "wait 0.1 seconds"
        )
        _ = machine.delayElapsed()
        _ = machine.streamOpened()
        #expect(machine.event(.error(APIStatus(reason: "Forbidden", code: 403))).step.hasPrefix("fail"))
    }
}

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test("jittered exponential backoff between half and all of the capped delay")
    func backoff() {
        let policy = RetryPolicy(initialDelay: .milliseconds(200), maximumDelay: .seconds(10))
        #expect(policy.delay(attempt: 1, retryAfter: nil, random: 0) == .milliseconds(100))
        #expect(policy.delay(attempt: 1, retryAfter: nil, random: 1) == .milliseconds(200))
        #expect(policy.delay(attempt: 3, retryAfter: nil, random: 0.5) == .milliseconds(600))
        #expect(policy.delay(attempt: 10, retryAfter: nil, random: 1) == .seconds(10))
        #expect(policy.delay(attempt: 1000, retryAfter: nil, random: 0) == .seconds(5))
    }

    @Test("Retry-After wins over backoff and is capped")
    func retryAfter() {
        let policy = RetryPolicy(maximumRetryAfter: .seconds(60))
        #expect(policy.delay(attempt: 5, retryAfter: .seconds(2), random: 0.9) == .seconds(2))
        #expect(policy.delay(attempt: 1, retryAfter: .seconds(3600), random: 0.9) == .seconds(60))
    }
}
