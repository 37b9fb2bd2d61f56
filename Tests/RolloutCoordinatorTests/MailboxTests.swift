import Foundation
import RolloutRules
import Synchronization
import Testing

@testable import RolloutCoordinator

@Suite("Mailbox: the gate's inbox")
struct MailboxTests {
    @Test("everything posted before a take comes back in one batch, in order")
    func batches() async {
        let mailbox = Mailbox<Int>()
        for value in 1...5 { mailbox.post(value) }
        #expect(await mailbox.takeAll() == [1, 2, 3, 4, 5])
        mailbox.post(6)
        #expect(await mailbox.takeAll() == [6])
    }

    @Test("a take waits for the next post")
    func waits() async {
        let mailbox = Mailbox<Int>()
        await withTaskGroup(of: [Int].self) { group in
            group.addTask { await mailbox.takeAll() }
            // Posting from this task: the child either finds it queued or is woken by it.
            mailbox.post(7)
            #expect(await group.next() == [7])
        }
    }

    @Test("cancelling a waiting take ends it with an empty batch")
    func cancellation() async {
        let mailbox = Mailbox<Int>()
        await withTaskGroup(of: [Int].self) { group in
            group.addTask { await mailbox.takeAll() }
            group.cancelAll()
            #expect(await group.next() == [])
        }
    }
}

/// Counts evaluations, to show that a burst of changes is judged once per workload.
final class CountingEvaluator: WorkloadEvaluator {
    private let count = Mutex(0)
    let inner = AnnotationEvaluator()

    var evaluations: Int { count.withLock { $0 } }

    func evaluate(_ observation: RolloutObservation, now: Date) -> (verdict: RolloutVerdict, reevaluateAt: Date?) {
        count.withLock { $0 += 1 }
        return inner.evaluate(observation, now: now)
    }
}

@Suite("Batches of changes")
struct BatchTests {
    @Test("twenty pod updates handled together cost one evaluation of their workload")
    func burst() throws {
        let evaluator = CountingEvaluator()
        let web = WorkloadReference(kind: .deployment, namespace: "prod", name: "web")
        var harness = MachineHarness([.named(web)], evaluator: evaluator)
        let id = try harness.watch(.workloads(.deployment), namespace: "prod")
        let deployment = try Fixtures.deployment("web")
        let replicaSet = try Fixtures.replicaSet(of: deployment)
        harness.send(.changed(id, .deployment(.upserted(deployment))))
        harness.sync(id, .workloads(.deployment))
        try harness.syncDependents(in: "prod")
        let pods = try harness.watch(.pods, namespace: "prod")
        harness.send(.changed(try harness.watch(.replicaSets, namespace: "prod"), .replicaSet(.upserted(replicaSet))))
        let before = evaluator.evaluations
        let updates = try (0..<20).map {
            GateStateMachine.Input.changed(pods, .pod(.upserted(try Fixtures.readyPod("p\($0)", of: replicaSet))))
        }
        harness.actions += harness.machine.handle(updates, now: harness.now)
        #expect(evaluator.evaluations == before + 1)
        #expect(harness.machine.store.observation(of: web)?.pods.count == 20)
    }
}
