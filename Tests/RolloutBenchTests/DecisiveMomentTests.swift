import Foundation
import KubeModel
import RolloutRules
import Testing

@testable import RolloutBench

/// The replay that finds the decisive change, over objects in the API server's shape.
@Suite struct DecisiveMomentTests {
    let fixture = RolloutFixture(deployments: 1, replicas: 2)
    var base: WallInstant { WallInstant(secondsSince1970: fixture.created.timeIntervalSince1970) }

    func decode<Object: Decodable>(_ type: Object.Type, _ object: [String: Any]) throws -> Object {
        try JSONDecoder().decode(type, from: JSONSerialization.data(withJSONObject: object))
    }

    /// Revision 2 observed, both pods created: the state right after the change.
    func initialRecords() throws -> [WitnessRecord] {
        [
            WitnessRecord(
                initial: true,
                object: .deployment(try decode(Deployment.self, fixture.deployment(1))),
                receivedAt: base
            ),
            WitnessRecord(
                initial: true,
                object: .replicaSet(try decode(ReplicaSet.self, fixture.replicaSet(1))),
                receivedAt: base
            ),
        ]
    }

    func podRecord(_ pod: Int, _ state: RolloutFixture.PodState, at seconds: Double) throws -> WitnessRecord {
        WitnessRecord(
            object: .pod(try decode(Pod.self, fixture.pod(1, pod, state, version: 2000 + Int(seconds * 10)))),
            receivedAt: base.adding(seconds: seconds)
        )
    }

    @Test func aCrashPastTheRestartLimitIsTheDecisiveChange() throws {
        var records = try initialRecords()
        records += try [
            podRecord(0, .created, at: 1), podRecord(1, .created, at: 1.1), podRecord(0, .running, at: 2),
            podRecord(1, .running, at: 2.1), podRecord(0, .crashing, at: 7.25), podRecord(1, .ready, at: 8),
        ]
        let moment = try #require(
            DecisiveMoment.find(
                in: records,
                namespace: fixture.namespace,
                name: "svc-1",
                after: base,
                until: base.adding(seconds: 20),
                thresholds: .default,
                changed: false
            )
        )
        #expect(moment.instant == base.adding(seconds: 7.25))
        #expect(moment.basis == .received)
        #expect(moment.verdict == "process-crashing")
        #expect(moment.change.hasPrefix("Pod throughput/svc-1-"))
    }

    @Test func thePublishTimeReplacesTheReceiveTimeWhenKnown() throws {
        var records = try initialRecords()
        records += try [podRecord(0, .created, at: 1), podRecord(0, .crashing, at: 3)]
        // The simulator published each change 100 ms before the witness received it.
        let moment = try #require(
            DecisiveMoment.find(
                in: records,
                namespace: fixture.namespace,
                name: "svc-1",
                after: base,
                until: base.adding(seconds: 20),
                thresholds: .default,
                changed: false,
                publishedAt: { $0.initial ? nil : $0.receivedAt.adding(seconds: -0.1) }
            )
        )
        #expect(moment.basis == .published)
        #expect(moment.instant == base.adding(seconds: 2.9))
        // The witness's own arrival time stays beside it: the simulator's delivery delay.
        #expect(moment.receivedAt == base.adding(seconds: 3))
    }

    @Test func theDeploymentReachingCompleteIsTheDecisiveChangeOfASuccess() throws {
        var records = try initialRecords()
        records += try [podRecord(0, .ready, at: 1), podRecord(1, .ready, at: 1.5)]
        var complete = fixture.deployment(1)
        var status = try #require(complete["status"] as? [String: Any])
        status["readyReplicas"] = 2
        status["availableReplicas"] = 2
        status["unavailableReplicas"] = 0
        complete["status"] = status
        records.append(
            WitnessRecord(
                object: .deployment(try decode(Deployment.self, complete)),
                receivedAt: base.adding(seconds: 1.6)
            )
        )
        let moment = try #require(
            DecisiveMoment.find(
                in: records,
                namespace: fixture.namespace,
                name: "svc-1",
                after: base,
                until: base.adding(seconds: 20),
                thresholds: .default,
                changed: false
            )
        )
        #expect(moment.verdict == "succeeded")
        #expect(moment.instant == base.adding(seconds: 1.6))
        #expect(moment.change.hasPrefix("Deployment throughput/svc-1"))
    }

    @Test func aPendingDeadlinePassesBetweenChanges() throws {
        var records = try initialRecords()
        var pod = fixture.pod(1, 0, .created, version: 2001)
        pod["status"] = [
            "phase": "Pending",
            "conditions": [
                [
                    "type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                    "message": "0/3 nodes are available: 3 Insufficient cpu.",
                    "lastTransitionTime": fixture.timestamp(1),
                ]
            ],
        ]
        records.append(WitnessRecord(object: .pod(try decode(Pod.self, pod)), receivedAt: base.adding(seconds: 1.4)))
        var thresholds = RolloutThresholds.default
        thresholds.pendingDeadline = .seconds(2)
        let moment = try #require(
            DecisiveMoment.find(
                in: records,
                namespace: fixture.namespace,
                name: "svc-1",
                after: base,
                until: base.adding(seconds: 20),
                thresholds: thresholds,
                changed: false
            )
        )
        #expect(moment.basis == .threshold)
        #expect(moment.verdict == "scheduling")
        // The condition's lastTransitionTime (whole seconds, as the API writes it) plus the deadline.
        #expect(moment.instant == base.adding(seconds: 3))
    }

    @Test func changesBeforeTheBenchmarksChangeAreNotDecisive() throws {
        var records = try initialRecords()
        records += try [podRecord(0, .crashing, at: 1)]
        let moment = DecisiveMoment.find(
            in: records,
            namespace: fixture.namespace,
            name: "svc-1",
            after: base.adding(seconds: 5),
            until: base.adding(seconds: 20),
            thresholds: .default,
            changed: false
        )
        #expect(moment == nil)
    }

    @Test func thePreviousFinishedRolloutIsNotJudgedBeforeTheNewGenerationIsSeen() throws {
        // Before the change: generation 1, observed and complete.
        var previous = fixture.deployment(1)
        var metadata = try #require(previous["metadata"] as? [String: Any])
        metadata["generation"] = 1
        previous["metadata"] = metadata
        var status = try #require(previous["status"] as? [String: Any])
        status["observedGeneration"] = 1
        status["readyReplicas"] = 2
        status["availableReplicas"] = 2
        previous["status"] = status
        var records = [
            WitnessRecord(initial: true, object: .deployment(try decode(Deployment.self, previous)), receivedAt: base)
        ]
        // The new ReplicaSet arrives on its stream before the Deployment's new generation on its own.
        records.append(
            WitnessRecord(
                object: .replicaSet(try decode(ReplicaSet.self, fixture.replicaSet(1))),
                receivedAt: base.adding(seconds: 0.01)
            )
        )
        records.append(try podRecord(0, .crashing, at: 0.5))
        records.append(
            WitnessRecord(
                object: .deployment(try decode(Deployment.self, fixture.deployment(1))),
                receivedAt: base.adding(seconds: 0.6)
            )
        )
        let moment = try #require(
            DecisiveMoment.find(
                in: records,
                namespace: fixture.namespace,
                name: "svc-1",
                after: base,
                until: base.adding(seconds: 20),
                thresholds: .default
            )
        )
        #expect(moment.verdict == "process-crashing")
        #expect(moment.instant == base.adding(seconds: 0.6))
    }

    @Test func manyTargetsAreDecidedInOnePass() throws {
        let many = RolloutFixture(deployments: 3, replicas: 1)
        var records: [WitnessRecord] = []
        for index in 1...3 {
            var deployment = many.deployment(index)
            var status = try #require(deployment["status"] as? [String: Any])
            status["readyReplicas"] = 1
            status["availableReplicas"] = 1
            deployment["status"] = status
            records.append(
                WitnessRecord(
                    object: .deployment(try decode(Deployment.self, deployment)),
                    receivedAt: base.adding(seconds: Double(index))
                )
            )
        }
        let targets = Set((1...4).map { DeploymentName(namespace: many.namespace, name: "svc-\($0)") })
        let found = DecisiveMoment.findAll(
            in: records,
            targets: targets,
            after: base,
            until: base.adding(seconds: 10),
            thresholds: .default
        )
        #expect(found.count == 3)
        #expect(found[DeploymentName(namespace: many.namespace, name: "svc-3")]?.instant == base.adding(seconds: 3))
        #expect(found[DeploymentName(namespace: many.namespace, name: "svc-4")] == nil)
    }
}

/// The simulator's journal entries matched to what the witness recorded.
@Suite struct PublishTimesTests {
    let fixture = RolloutFixture(deployments: 1, replicas: 1)

    func podRecord(version: Int) throws -> WitnessRecord {
        let object = try JSONDecoder().decode(
            Pod.self,
            from: JSONSerialization.data(withJSONObject: fixture.pod(1, 0, .running, version: version))
        )
        return WitnessRecord(object: .pod(object), receivedAt: WallInstant(nanoseconds: 9_000))
    }

    @Test func aRecordFindsThePublishTimeOfItsOwnResourceVersion() throws {
        let record = try podRecord(version: 2001)
        let name = record.object.metadata.name
        let times = PublishTimes([
            PublishedChange(
                kind: "Pod",
                namespace: fixture.namespace,
                name: name,
                resourceVersion: "2000",
                publishedAtNanos: 1
            ),
            PublishedChange(
                kind: "Pod",
                namespace: fixture.namespace,
                name: name,
                resourceVersion: "2001",
                publishedAtNanos: 2
            ),
            PublishedChange(kind: "Pod", namespace: "other", name: name, resourceVersion: "2002", publishedAtNanos: 3),
        ])
        #expect(times.instant(of: record) == WallInstant(nanoseconds: 2))
        #expect(times.instant(of: try podRecord(version: 2002)) == nil)
    }

    @Test func mergedJournalsKeepEveryEntryAndTheLargestDropCount() throws {
        let record = try podRecord(version: 7)
        var times = PublishTimes(
            [
                PublishedChange(
                    kind: "Deployment",
                    namespace: "a",
                    name: "web",
                    resourceVersion: "7",
                    publishedAtNanos: 5
                )
            ],
            dropped: 2
        )
        #expect(times.instant(of: record) == nil)
        times.merge(
            PublishTimes(
                [
                    PublishedChange(
                        kind: "Pod",
                        namespace: fixture.namespace,
                        name: record.object.metadata.name,
                        resourceVersion: "7",
                        publishedAtNanos: 6
                    )
                ],
                dropped: 1
            )
        )
        #expect(times.count == 2)
        #expect(times.dropped == 2)
        #expect(times.instant(of: record) == WallInstant(nanoseconds: 6))
    }

    @Test func aJournalPageDecodesFromTheSimulatorsShape() throws {
        let body = Data(
            """
            {"entries":[{"kind":"Pod","namespace":"bench","name":"web-1","resourceVersion":"42","type":"MODIFIED",
            "publishedAtNanos":1764096000123456789,"publishedAt":"2025-11-25T18:40:00.123456Z",
            "signals":["CrashLoopBackOff"]}],"oldestResourceVersion":"1","dropped":0}
            """.utf8
        )
        struct Page: Decodable { var entries: [PublishedChange] }
        let entry = try #require(try JSONDecoder().decode(Page.self, from: body).entries.first)
        #expect(entry.resourceVersion == "42")
        #expect(entry.publishedAtNanos == 1_764_096_000_123_456_789)
        #expect(entry.signals == ["CrashLoopBackOff"])
    }
}
