import Foundation
import KubeModel
import Testing

@Suite struct WorkloadDecodingTests {
    @Test func decodesADeploymentAsTheAPIServerReturnsIt() throws {
        let deployment = try Fixture.decode(Deployment.self, "deployment")
        #expect(deployment.metadata.name == "web")
        #expect(deployment.metadata.namespace == "shop")
        #expect(deployment.metadata.generation == 4)
        #expect(deployment.revision == "3")
        #expect(deployment.spec.replicas == 3)
        #expect(deployment.spec.selector?.matchLabels == ["app.kubernetes.io/name": "web"])
        #expect(
            deployment.spec.selector?.matchExpressions == [
                LabelSelectorRequirement(key: "tier", operator: "In", values: ["frontend", "edge"])
            ]
        )
        #expect(deployment.spec.template.metadata.labels?["tier"] == "frontend")
        #expect(deployment.spec.template.spec.containers.map(\.name) == ["main", "proxy"])
        #expect(deployment.spec.template.spec.containers.first?.image == "registry.example.com/web:1.4.2")
        #expect(deployment.spec.template.spec.initContainers.map(\.name) == ["migrate"])
        #expect(deployment.spec.strategy?.type == .rollingUpdate)
        #expect(deployment.spec.strategy?.rollingUpdate?.maxUnavailable == .string("25%"))
        #expect(deployment.spec.strategy?.rollingUpdate?.maxSurge == .int(1))
        #expect(deployment.spec.minReadySeconds == 5)
        #expect(deployment.spec.progressDeadlineSeconds == 600)
        #expect(deployment.spec.revisionHistoryLimit == 10)
        #expect(deployment.spec.paused == false)
        #expect(deployment.status.observedGeneration == 4)
        #expect(deployment.status.replicas == 4)
        #expect(deployment.status.updatedReplicas == 2)
        #expect(deployment.status.readyReplicas == 3)
        #expect(deployment.status.availableReplicas == 3)
        #expect(deployment.status.unavailableReplicas == 1)
        #expect(deployment.status.collisionCount == 1)
        let progressing = try #require(deployment.status.conditions.first(ofType: "Progressing"))
        #expect(progressing.status == .isTrue)
        #expect(progressing.reason == "ReplicaSetUpdated")
        #expect(progressing.lastUpdateTime == (try Fixture.time("2024-05-01T10:00:07Z")))
        #expect(progressing.lastTransitionTime == (try Fixture.time("2024-05-01T09:12:44Z")))
    }

    @Test func aDeploymentWithoutStatusDecodesWithZeroCounts() throws {
        let deployment = try Fixture.decode(Deployment.self, "deployment-fresh")
        #expect(deployment.spec.paused)
        #expect(deployment.status == DeploymentStatus())
        #expect(deployment.status.observedGeneration == 0)
        #expect(deployment.revision == nil)
    }

    @Test func decodesAReplicaSetWithItsOwnerAndReplicaFailure() throws {
        let replicaSet = try Fixture.decode(ReplicaSet.self, "replicaset")
        #expect(replicaSet.revision == "3")
        #expect(replicaSet.podTemplateHash == "6d4b9c7f8")
        #expect(replicaSet.metadata.isControlled(byUID: "5f0c7a1e-2d4b-4c8e-9a51-0d9a3c2b7e11"))
        #expect(!replicaSet.metadata.isControlled(byUID: "another"))
        #expect(replicaSet.spec.replicas == 3)
        #expect(replicaSet.status.replicas == 2)
        #expect(replicaSet.status.readyReplicas == 0)
        let failure = try #require(replicaSet.status.conditions.first(ofType: "ReplicaFailure"))
        #expect(failure.status == .isTrue)
        #expect(failure.reason == "FailedCreate")
        #expect(failure.message?.contains("exceeded quota: compute") == true)
    }

    @Test func decodesAListWithItsContinueToken() throws {
        let list = try JSONDecoder().decode(ObjectList<ReplicaSet>.self, from: Fixture.data("replicaset-list"))
        #expect(list.metadata.resourceVersion == "884400")
        #expect(list.metadata.remainingItemCount == 7)
        #expect(list.items.map(\.metadata.name) == ["web-5c9f8d7b6"])
        #expect(list.items.first?.spec.replicas == 0)
    }

    @Test func decodesAStatefulSetWithAPartition() throws {
        let statefulSet = try Fixture.decode(StatefulSet.self, "statefulset")
        #expect(statefulSet.spec.updateStrategy?.type == .rollingUpdate)
        #expect(statefulSet.spec.updateStrategy?.rollingUpdate?.partition == 1)
        #expect(statefulSet.spec.podManagementPolicy == "OrderedReady")
        #expect(statefulSet.status.currentRevision == "db-5b8c7d9f6")
        #expect(statefulSet.status.updateRevision == "db-7f6e5d4c3")
        #expect(statefulSet.status.updatedReplicas == 1)
        #expect(statefulSet.status.currentReplicas == 2)
        #expect(statefulSet.status.readyReplicas == 3)
    }

    @Test func decodesADaemonSetWithItsTemplateGeneration() throws {
        let daemonSet = try Fixture.decode(DaemonSet.self, "daemonset")
        #expect(daemonSet.spec.updateStrategy?.type == .onDelete)
        #expect(daemonSet.templateGeneration == "4")
        #expect(daemonSet.status.desiredNumberScheduled == 4)
        #expect(daemonSet.status.updatedNumberScheduled == 2)
        #expect(daemonSet.status.numberAvailable == 3)
        #expect(daemonSet.status.numberUnavailable == 1)
        #expect(daemonSet.status.observedGeneration == 5)
    }

    @Test func decodesAFailedJob() throws {
        let job = try Fixture.decode(Job.self, "job")
        #expect(job.spec.backoffLimit == 2)
        #expect(job.spec.completions == 1)
        #expect(job.spec.suspend == false)
        #expect(job.spec.template.spec.restartPolicy == "Never")
        #expect(job.status.failed == 3)
        #expect(job.status.succeeded == 0)
        #expect(job.status.active == 0)
        #expect(job.status.conditions.first(ofType: "Failed")?.reason == "BackoffLimitExceeded")
        #expect(job.status.conditions.first(ofType: "FailureTarget")?.status == .isTrue)
    }

    @Test func decodesANamespace() throws {
        let namespace = try Fixture.decode(Namespace.self, "namespace")
        #expect(namespace.metadata.name == "shop")
        #expect(namespace.status.phase == "Active")
        #expect(!Namespace.resource.isNamespaced)
        #expect(Namespace.resource.collectionPath(namespace: "x") == "/api/v1/namespaces")
    }

    @Test(arguments: [
        (Deployment.resource, "/apis/apps/v1/namespaces/shop/deployments"),
        (ReplicaSet.resource, "/apis/apps/v1/namespaces/shop/replicasets"),
        (StatefulSet.resource, "/apis/apps/v1/namespaces/shop/statefulsets"),
        (DaemonSet.resource, "/apis/apps/v1/namespaces/shop/daemonsets"),
        (Job.resource, "/apis/batch/v1/namespaces/shop/jobs"),
        (Pod.resource, "/api/v1/namespaces/shop/pods"),
        (Event.resource, "/api/v1/namespaces/shop/events"),
    ])
    func everyKindKnowsWhereItIsServed(resource: APIResource, path: String) {
        #expect(resource.collectionPath(namespace: "shop") == path)
    }

    @Test func unknownStrategyTypesAndStatusesDecodeWithoutFailing() throws {
        let json = #"""
            {"metadata": {"name": "x"}, "spec": {"updateStrategy": {"type": "Canary"}},
             "status": {"conditions": [{"type": "Ready", "status": "Maybe"}]}}
            """#
        let statefulSet = try JSONDecoder().decode(StatefulSet.self, from: Data(json.utf8))
        #expect(statefulSet.spec.updateStrategy?.type == UpdateStrategyType(rawValue: "Canary"))
        #expect(statefulSet.status.conditions.first?.status == .unknown)
    }

    @Test func encodingAndDecodingAgainKeepsEveryField() throws {
        let deployment = try Fixture.decode(Deployment.self, "deployment")
        let again = try JSONDecoder().decode(Deployment.self, from: JSONEncoder().encode(deployment))
        #expect(again == deployment)
        let pod = try Fixture.decode(Pod.self, "pod-crashloop")
        #expect(try JSONDecoder().decode(Pod.self, from: JSONEncoder().encode(pod)) == pod)
    }

    @Test func templatesCompareEqualIgnoringThePodTemplateHash() throws {
        let deployment = try Fixture.decode(Deployment.self, "deployment")
        var template = deployment.spec.template
        template.metadata.labels?["pod-template-hash"] = "6d4b9c7f8"
        #expect(template.isEquivalent(to: deployment.spec.template))
        template.spec.containers[0].image = "registry.example.com/web:1.4.3"
        #expect(!template.isEquivalent(to: deployment.spec.template))
    }
}
