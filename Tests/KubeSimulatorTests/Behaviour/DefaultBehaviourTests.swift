import Foundation
import Testing

@testable import KubeSimulator

/// Scenario files run the behaviour model even without `workloads:`, so what a client applies rolls out;
/// `behaviour: none` keeps a pure timeline, and hand-written objects stay as the timeline scripts them.
@Suite("The behaviour model by default")
struct DefaultBehaviourTests {
    static let deployments = "/apis/apps/v1/namespaces/default/deployments"

    static func apply(_ fixture: HandlerFixture) {
        var deployment = Fixtures.deployment("api", namespace: "default")
        deployment.setValue(1, at: ["spec", "replicas"])
        #expect(fixture.send("POST", deployments, body: deployment.serializedString()).status == 201)
    }

    @Test("a Deployment applied into a scenario without workloads rolls out")
    func appliedDeploymentRollsOut() throws {
        let fixture = HandlerFixture(scenario: try Scenario.parse(yaml: "name: timeline-only\n", file: "t.yaml"))
        Self.apply(fixture)
        fixture.advance(to: .seconds(10))
        let deployment = try #require(fixture.cluster.object(kind: "Deployment", namespace: "default", name: "api"))
        #expect(KubectlRolloutStatus.deployment(deployment) == .done("deployment \"api\" successfully rolled out"))
        #expect(fixture.cluster.objects(kind: "Pod", namespace: "default").count == 1)
    }

    @Test("behaviour: none keeps the old meaning: nothing moves but the timeline")
    func pureTimeline() throws {
        let fixture = HandlerFixture(scenario: try Scenario.parse(yaml: "behaviour: none\n", file: "t.yaml"))
        Self.apply(fixture)
        fixture.advance(to: .seconds(10))
        let deployment = try #require(fixture.cluster.object(kind: "Deployment", namespace: "default", name: "api"))
        #expect(deployment["status"] == .object([:]))
        #expect(fixture.cluster.objects(kind: "Pod", namespace: "default").isEmpty)
    }

    @Test("the timeline example still plays exactly its script with the model installed")
    func timelineExampleIsUnchanged() throws {
        let scenario = try Scenario.load(file: RepositoryPaths.scenario("timeline-crashed-pod"))
        #expect(scenario.behaviour is BehaviourModel)
        var none = scenario
        none.behaviour = nil
        let withModel = HandlerFixture(scenario: scenario)
        let without = HandlerFixture(scenario: none)
        withModel.advance(to: .seconds(20))
        without.advance(to: .seconds(20))
        for kind in ["Deployment", "ReplicaSet", "Pod", "Event"] {
            let played = withModel.cluster.objects(kind: kind, namespace: "shop")
            let scripted = without.cluster.objects(kind: kind, namespace: "shop")
            #expect(played.map(\.metaName) == scripted.map(\.metaName), "\(kind)")
            #expect(played.map { $0["status"] } == scripted.map { $0["status"] }, "\(kind)")
        }
        let pod = try #require(withModel.cluster.object(kind: "Pod", namespace: "shop", name: "web-7d4b9c8f5d-x2x9k"))
        #expect(pod[path: ["status", "containerStatuses"]]?.arrayValue?.first?["restartCount"] == 1)
    }
}
