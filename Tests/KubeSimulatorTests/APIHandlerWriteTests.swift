import Foundation
import Testing

@testable import KubeSimulator

@Suite("API writes: create, update, patch, scale, delete, and their errors")
struct APIHandlerWriteTests {
    let fixture = HandlerFixture(objects: [Fixtures.deployment("web")])
    static let deployments = "/apis/apps/v1/namespaces/shop/deployments"

    static func body(_ value: JSONValue) -> String { value.serializedString() }

    @Test("a create gets 201, bookkeeping, defaults and an empty status; a second is 409 AlreadyExists")
    func create() throws {
        var object = Fixtures.deployment("api")
        object.setValue(["replicas": 9], at: ["status"])
        object.setValue("bogus", at: ["metadata", "uid"])
        let created = fixture.send("POST", Self.deployments, body: Self.body(object))
        #expect(created.status == 201)
        #expect(created.json["status"] == [:])
        #expect(created.json[path: ["metadata", "uid"]] != "bogus")
        #expect(created.json[path: ["spec", "strategy", "rollingUpdate", "maxSurge"]] == "25%")
        #expect(
            created.json[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["imagePullPolicy"]
                == "IfNotPresent"
        )
        let again = fixture.send("POST", Self.deployments, body: Self.body(object))
        #expect(again.status == 409)
        #expect(again.json["reason"] == "AlreadyExists")
        #expect(again.json["message"] == "deployments.apps \"api\" already exists")
    }

    @Test("generateName makes a name; a missing name is a 422 with the real message")
    func names() throws {
        var generated = Fixtures.pod("ignored")
        generated.setValue(nil, at: ["metadata", "name"])
        generated.setValue("job-", at: ["metadata", "generateName"])
        let response = fixture.send("POST", "/api/v1/namespaces/shop/pods", body: Self.body(generated))
        #expect(response.status == 201)
        #expect(response.json[path: ["metadata", "name"]]?.stringValue?.hasPrefix("job-") == true)
        #expect(response.json[path: ["status", "phase"]] == "Pending")
        var nameless = Fixtures.deployment("x")
        nameless.setValue(nil, at: ["metadata", "name"])
        let invalid = fixture.send("POST", Self.deployments, body: Self.body(nameless))
        #expect(invalid.status == 422)
        #expect(invalid.json["reason"] == "Invalid")
        #expect(
            invalid.json["message"]
                == "Deployment.apps \"\" is invalid: metadata.name: Required value: name or generateName is required"
        )
        let badName = fixture.send("POST", Self.deployments, body: Self.body(Fixtures.deployment("Not_Valid")))
        #expect(badName.status == 422)
    }

    @Test(
        "malformed create bodies get real-shaped 400 and 415 answers",
        arguments: [
            ("{not json", "application/json", 400),
            ("[1,2]", "application/json", 400),
            (#"{"apiVersion":"apps/v1","metadata":{"name":"x"}}"#, "application/json", 400),
            (#"{"apiVersion":"v1","kind":"Deployment","metadata":{"name":"x"}}"#, "application/json", 400),
            (#"{"apiVersion":"apps/v1","kind":"Pod","metadata":{"name":"x"}}"#, "application/json", 400),
            (
                #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x","namespace":"other"}}"#,
                "application/json", 400
            ),
            ("<xml/>", "application/xml", 415),
            ("", "application/json", 400),
        ]
    )
    func malformedBodies(body: String, contentType: String, status: Int) {
        let response = fixture.send("POST", Self.deployments, body: body, contentType: contentType)
        #expect(response.status == status, "\(response.text)")
        #expect(response.json["kind"] == "Status")
        #expect(response.json["code"] == .int(Int64(status)))
    }

    @Test("a create in a namespace that does not exist is a 404 for the namespace")
    func missingNamespace() {
        let response = fixture.send(
            "POST",
            "/apis/apps/v1/namespaces/ghost/deployments",
            body: Self.body(Fixtures.deployment("x", namespace: "ghost"))
        )
        #expect(response.status == 404)
        #expect(response.json["message"] == "namespaces \"ghost\" not found")
    }

    @Test("an update with a stale resourceVersion is a 409 Conflict; the main resource keeps the status")
    func update() throws {
        let current = fixture.send("GET", "\(Self.deployments)/web").json
        var changed = current
        changed.setValue(5, at: ["spec", "replicas"])
        changed.setValue(["replicas": 99], at: ["status"])
        let updated = fixture.send("PUT", "\(Self.deployments)/web", body: Self.body(changed))
        #expect(updated.status == 200)
        #expect(updated.json[path: ["spec", "replicas"]] == 5)
        #expect(updated.json[path: ["metadata", "generation"]] == 2)
        #expect(updated.json[path: ["status", "replicas"]] == nil)
        let stale = fixture.send("PUT", "\(Self.deployments)/web", body: Self.body(changed))
        #expect(stale.status == 409)
        #expect(stale.json["reason"] == "Conflict")
        var renamed = updated.json
        renamed.setValue("other", at: ["metadata", "name"])
        #expect(fixture.send("PUT", "\(Self.deployments)/web", body: Self.body(renamed)).status == 400)
    }

    @Test("a status update keeps the spec and does not raise the generation")
    func statusUpdate() throws {
        var current = fixture.send("GET", "\(Self.deployments)/web").json
        current.setValue(100, at: ["spec", "replicas"])
        current.setValue(["observedGeneration": 1, "replicas": 2], at: ["status"])
        let updated = fixture.send("PUT", "\(Self.deployments)/web/status", body: Self.body(current))
        #expect(updated.status == 200)
        #expect(updated.json[path: ["spec", "replicas"]] == 2)
        #expect(updated.json[path: ["status", "observedGeneration"]] == 1)
        #expect(updated.json[path: ["metadata", "generation"]] == 1)
    }

    @Test(
        "patches in each format kubectl sends",
        arguments: [
            ("application/merge-patch+json", #"{"spec":{"replicas":4}}"#, 4),
            ("application/strategic-merge-patch+json", #"{"spec":{"replicas":6}}"#, 6),
            ("application/json-patch+json", #"[{"op":"replace","path":"/spec/replicas","value":7}]"#, 7),
            ("application/apply-patch+yaml", "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 8\n", 8),
        ]
    )
    func patches(contentType: String, body: String, replicas: Int64) {
        let response = fixture.send("PATCH", "\(Self.deployments)/web", body: body, contentType: contentType)
        #expect(response.status == 200, "\(response.text)")
        #expect(response.json[path: ["spec", "replicas"]] == .int(replicas))
        #expect(response.json[path: ["metadata", "generation"]] == 2)
    }

    @Test("an unknown patch type is 415 listing the accepted ones; a patch of nothing is 404")
    func patchErrors() {
        let unsupported = fixture.send("PATCH", "\(Self.deployments)/web", body: "{}", contentType: "text/plain")
        #expect(unsupported.status == 415)
        #expect(unsupported.json["reason"] == "UnsupportedMediaType")
        let missing = fixture.send(
            "PATCH",
            "\(Self.deployments)/nope",
            body: "{}",
            contentType: "application/merge-patch+json"
        )
        #expect(missing.status == 404)
        let stale = fixture.send(
            "PATCH",
            "\(Self.deployments)/web",
            body: #"{"metadata":{"resourceVersion":"1"},"spec":{"replicas":3}}"#,
            contentType: "application/merge-patch+json"
        )
        #expect(stale.status == 409)
        let broken = fixture.send(
            "PATCH",
            "\(Self.deployments)/web",
            body: "{",
            contentType: "application/merge-patch+json"
        )
        #expect(broken.status == 400)
    }

    @Test("the scale subresource reads and writes spec.replicas as autoscaling/v1 Scale")
    func scale() throws {
        let scale = fixture.send("GET", "\(Self.deployments)/web/scale").json
        #expect(scale["kind"] == "Scale")
        #expect(scale["apiVersion"] == "autoscaling/v1")
        #expect(scale[path: ["spec", "replicas"]] == 2)
        #expect(scale[path: ["status", "selector"]] == "app=web")
        let patched = fixture.send(
            "PATCH",
            "\(Self.deployments)/web/scale",
            body: #"{"spec":{"replicas":3}}"#,
            contentType: "application/merge-patch+json"
        )
        #expect(patched.json[path: ["spec", "replicas"]] == 3)
        #expect(fixture.send("GET", "\(Self.deployments)/web").json[path: ["spec", "replicas"]] == 3)
        let negative = fixture.send(
            "PATCH",
            "\(Self.deployments)/web/scale",
            body: #"{"spec":{"replicas":-1}}"#,
            contentType: "application/merge-patch+json"
        )
        #expect(negative.status == 422)
    }

    @Test("a deployment delete answers a Success Status; a pod delete answers the pod, marked for deletion")
    func delete() throws {
        let deleted = fixture.send("DELETE", "\(Self.deployments)/web")
        #expect(deleted.status == 200)
        #expect(deleted.json["kind"] == "Status")
        #expect(deleted.json["status"] == "Success")
        #expect(deleted.json[path: ["details", "name"]] == "web")
        #expect(fixture.send("GET", "\(Self.deployments)/web").status == 404)
        #expect(fixture.send("DELETE", "\(Self.deployments)/web").status == 404)

        _ = fixture.send("POST", "/api/v1/namespaces/shop/pods", body: Self.body(Fixtures.pod("p")))
        let pod = fixture.send("DELETE", "/api/v1/namespaces/shop/pods/p")
        #expect(pod.json["kind"] == "Pod")
        #expect(pod.json[path: ["metadata", "deletionTimestamp"]] != nil)
        #expect(fixture.send("GET", "/api/v1/namespaces/shop/pods/p").status == 404)
    }

    @Test("a delete with a failed uid precondition is a 409")
    func deletePrecondition() {
        let response = fixture.send(
            "DELETE",
            "\(Self.deployments)/web",
            body: #"{"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"uid":"wrong"}}"#
        )
        #expect(response.status == 409)
    }

    @Test("deletecollection deletes what the selector matches")
    func deleteCollection() {
        _ = fixture.send("POST", "/api/v1/namespaces/shop/pods", body: Self.body(Fixtures.pod("a", labels: ["x": "1"])))
        _ = fixture.send("POST", "/api/v1/namespaces/shop/pods", body: Self.body(Fixtures.pod("b", labels: ["x": "2"])))
        let response = fixture.send("DELETE", "/api/v1/namespaces/shop/pods?labelSelector=x%3D1")
        #expect(response.json["items"]?.arrayValue?.count == 1)
        #expect(fixture.send("GET", "/api/v1/namespaces/shop/pods").json["items"]?.arrayValue?.count == 1)
    }

    @Test("a deny rule answers 403 with kube-apiserver's message shape")
    func forbidden() {
        let fixture = HandlerFixture(
            objects: [Fixtures.pod("web-1", namespace: "y")],
            denyRules: [
                AccessRule(users: ["x"], verbs: [.list, .get], resources: ["pods", "pods/log"], namespaces: ["y"])
            ]
        )
        let user = Identity(user: "x", groups: ["system:authenticated"])
        let list = fixture.send("GET", "/api/v1/namespaces/y/pods", identity: user)
        #expect(list.status == 403)
        #expect(
            list.json["message"]
                == "pods is forbidden: User \"x\" cannot list resource \"pods\" in API group \"\" in the namespace \"y\""
        )
        let log = fixture.send("GET", "/api/v1/namespaces/y/pods/web-1/log", identity: user)
        #expect(
            log.json["message"]
                == "pods \"web-1\" is forbidden: User \"x\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"y\""
        )
        #expect(fixture.send("GET", "/api/v1/pods", identity: user).status == 200)
        #expect(fixture.send("GET", "/api/v1/namespaces/y/pods").status == 200)
    }
}
