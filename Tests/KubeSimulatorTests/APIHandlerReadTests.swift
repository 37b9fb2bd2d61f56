import Foundation
import Testing

@testable import KubeSimulator

@Suite("API reads: discovery, get, list, selectors, paging, logs, tables")
struct APIHandlerReadTests {
    static let objects: [JSONValue] = [
        Fixtures.deployment("web", labels: ["tier": "frontend"]),
        Fixtures.deployment("api", labels: ["tier": "backend"]),
        Fixtures.deployment("web", namespace: "payments", labels: ["tier": "frontend"]),
        Fixtures.pod("web-1", labels: ["app": "web"]),
        Fixtures.pod("web-2", labels: ["app": "web"], phase: "Pending"),
        Fixtures.pod("db-1", namespace: "payments", labels: ["app": "db"]),
        Fixtures.event("e1", involvedKind: "Pod", involvedName: "web-1", type: "Warning"),
        Fixtures.event("e2", involvedKind: "Deployment", involvedName: "web", type: "Normal"),
    ]

    let fixture = HandlerFixture(objects: Self.objects)

    @Test("legacy discovery lists the groups and resources kubectl maps")
    func legacyDiscovery() throws {
        let groups = fixture.send("GET", "/apis").json
        let names = groups["groups"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(names == ["apps", "batch", "events.k8s.io"])
        let apps = fixture.send("GET", "/apis/apps/v1").json
        let resources = try #require(apps["resources"]?.arrayValue)
        let deployments = try #require(resources.first { $0["name"] == "deployments" })
        #expect(deployments["shortNames"] == ["deploy"])
        #expect(deployments["namespaced"] == true)
        let scale = try #require(resources.first { $0["name"] == "deployments/scale" })
        #expect(scale["group"] == "autoscaling")
        #expect(scale["kind"] == "Scale")
        let core = fixture.send("GET", "/api/v1").json
        #expect(core["resources"]?.arrayValue?.contains { $0["name"] == "pods/log" } == true)
        #expect(fixture.send("GET", "/api").json["versions"] == ["v1"])
        #expect(fixture.send("GET", "/version").json["major"] == "1")
    }

    @Test("aggregated discovery answers kubectl's first request with the v2 document")
    func aggregatedDiscovery() throws {
        let accept =
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
            + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
        let response = fixture.send("GET", "/apis", accept: accept)
        #expect(response.contentType == Discovery.aggregatedContentType)
        let items = try #require(response.json["items"]?.arrayValue)
        let apps = try #require(items.first { $0[path: ["metadata", "name"]] == "apps" })
        let resources = try #require(apps[path: ["versions"]]?.arrayValue?.first?["resources"]?.arrayValue)
        #expect(resources.contains { $0["resource"] == "deployments" && $0["scope"] == "Namespaced" })
        let core = fixture.send("GET", "/api", accept: accept).json
        #expect(core["items"]?.arrayValue?.first?[path: ["metadata", "name"]] == "")
    }

    @Test("a get returns the object with bookkeeping; a missing one is a NotFound Status")
    func get() throws {
        let object = fixture.send("GET", "/apis/apps/v1/namespaces/shop/deployments/web").json
        #expect(object[path: ["metadata", "uid"]]?.stringValue?.isEmpty == false)
        #expect(object[path: ["metadata", "generation"]] == 1)
        #expect(object[path: ["spec", "progressDeadlineSeconds"]] == 600)
        let missing = fixture.send("GET", "/apis/apps/v1/namespaces/shop/deployments/nope")
        #expect(missing.status == 404)
        #expect(
            missing.json == [
                "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                "message": "deployments.apps \"nope\" not found", "reason": "NotFound",
                "details": ["name": "nope", "group": "apps", "kind": "deployments"], "code": 404,
            ]
        )
        #expect(fixture.send("GET", "/api/v1/namespaces/shop/pods/nope").json["message"] == "pods \"nope\" not found")
    }

    @Test("a list in one namespace and across all, as a typed List with a resourceVersion")
    func lists() throws {
        let inShop = fixture.send("GET", "/apis/apps/v1/namespaces/shop/deployments").json
        #expect(inShop["kind"] == "DeploymentList")
        #expect(inShop["apiVersion"] == "apps/v1")
        #expect(
            inShop["items"]?.arrayValue?.compactMap { $0[path: ["metadata", "name"]]?.stringValue } == ["api", "web"]
        )
        let version = try #require(inShop[path: ["metadata", "resourceVersion"]]?.stringValue)
        #expect(Int64(version) == fixture.cluster.resourceVersion)
        let all = fixture.send("GET", "/apis/apps/v1/deployments").json
        let keys = all["items"]?.arrayValue?.compactMap { item -> String? in
            guard let namespace = item[path: ["metadata", "namespace"]]?.stringValue,
                let name = item[path: ["metadata", "name"]]?.stringValue
            else { return nil }
            return "\(namespace)/\(name)"
        }
        #expect(keys == ["payments/web", "shop/api", "shop/web"])
    }

    @Test(
        "label and field selectors filter lists",
        arguments: [
            ("/apis/apps/v1/deployments?labelSelector=tier%3Dfrontend", 2),
            ("/apis/apps/v1/deployments?labelSelector=tier+in+(backend,db)", 1),
            ("/apis/apps/v1/deployments?labelSelector=tier!%3Dfrontend", 1),
            ("/apis/apps/v1/deployments?labelSelector=!tier", 0),
            ("/apis/apps/v1/deployments?fieldSelector=metadata.namespace%3Dpayments", 1),
            ("/apis/apps/v1/deployments?fieldSelector=metadata.name%3Dweb", 2),
            ("/api/v1/pods?fieldSelector=status.phase%3DRunning", 2),
            ("/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-1,metadata.name!%3Dweb-1", 2),
            ("/api/v1/namespaces/shop/events?fieldSelector=involvedObject.kind%3DPod,type%3DWarning", 1),
            ("/api/v1/namespaces/shop/events?fieldSelector=involvedObject.name%3Dweb", 1),
            ("/apis/events.k8s.io/v1/namespaces/shop/events?fieldSelector=regarding.kind%3DDeployment", 1),
        ]
    )
    func selectors(uri: String, count: Int) throws {
        let response = fixture.send("GET", uri)
        #expect(response.status == 200, "\(response.text)")
        #expect(response.json["items"]?.arrayValue?.count == count)
    }

    @Test("a bad selector is a 400 BadRequest, an unknown field label says so as the real server does")
    func badSelectors() {
        let badLabel = fixture.send("GET", "/api/v1/pods?labelSelector=app+in+web")
        #expect(badLabel.status == 400)
        #expect(badLabel.json["reason"] == "BadRequest")
        let badField = fixture.send("GET", "/api/v1/pods?fieldSelector=spec.bogus%3Dx")
        #expect(badField.status == 400)
        #expect(
            badField.json["message"]
                == .string(
                    "Unable to find \"/v1, Resource=pods\" that match label selector \"\", field selector "
                        + "\"spec.bogus=x\": field label not supported: spec.bogus"
                )
        )
    }

    @Test("paging with limit and continue returns every item once, from one consistent snapshot")
    func paging() throws {
        var pods: [JSONValue] = []
        for index in 0..<7 { pods.append(Fixtures.pod("p\(index)", namespace: "paged")) }
        let fixture = HandlerFixture(objects: pods)
        let first = fixture.send("GET", "/api/v1/namespaces/paged/pods?limit=3").json
        #expect(first["items"]?.arrayValue?.count == 3)
        #expect(first[path: ["metadata", "remainingItemCount"]] == 4)
        let listVersion = first[path: ["metadata", "resourceVersion"]]
        var token = try #require(first[path: ["metadata", "continue"]]?.stringValue)
        // Changes between pages must not show up in later pages of the same list.
        fixture.cluster.apply([
            .delete(kind: "Pod", namespace: "paged", name: "p5"), .upsert(Fixtures.pod("p9", namespace: "paged")),
        ])
        var names = first["items"]?.arrayValue?.compactMap { $0[path: ["metadata", "name"]]?.stringValue } ?? []
        while true {
            let page = fixture.send("GET", "/api/v1/namespaces/paged/pods?limit=3&continue=\(token)").json
            #expect(page[path: ["metadata", "resourceVersion"]] == listVersion)
            names += page["items"]?.arrayValue?.compactMap { $0[path: ["metadata", "name"]]?.stringValue } ?? []
            guard let next = page[path: ["metadata", "continue"]]?.stringValue else { break }
            token = next
        }
        #expect(names == ["p0", "p1", "p2", "p3", "p4", "p5", "p6"])
    }

    @Test("a continue token older than the retained history is a 410 Expired")
    func expiredContinue() throws {
        var pods: [JSONValue] = []
        for index in 0..<4 { pods.append(Fixtures.pod("p\(index)", namespace: "paged")) }
        let fixture = HandlerFixture(objects: pods)
        let first = fixture.send("GET", "/api/v1/namespaces/paged/pods?limit=2").json
        let token = try #require(first[path: ["metadata", "continue"]]?.stringValue)
        fixture.cluster.apply([.upsert(Fixtures.pod("late", namespace: "paged"))])
        fixture.cluster.expireHistory()
        let expired = fixture.send("GET", "/api/v1/namespaces/paged/pods?limit=2&continue=\(token)")
        #expect(expired.status == 410)
        #expect(expired.json["reason"] == "Expired")
        let garbage = fixture.send("GET", "/api/v1/namespaces/paged/pods?limit=2&continue=not-a-token")
        #expect(garbage.status == 400)
    }

    @Test("resourceVersionMatch=Exact reads the past; too old is 410, too new is 504")
    func exactReads() throws {
        let before = fixture.cluster.resourceVersion
        fixture.cluster.apply([.upsert(Fixtures.pod("new", namespace: "shop"))])
        let past = fixture.send(
            "GET",
            "/api/v1/namespaces/shop/pods?resourceVersion=\(before)&resourceVersionMatch=Exact"
        )
        #expect(past.json["items"]?.arrayValue?.count == 2)
        #expect(fixture.send("GET", "/api/v1/pods?resourceVersion=999999&resourceVersionMatch=Exact").status == 504)
        fixture.cluster.expireHistory()
        let old = fixture.send("GET", "/api/v1/pods?resourceVersion=1&resourceVersionMatch=Exact")
        #expect(old.status == 410)
        #expect(old.json["message"]?.stringValue?.hasPrefix("too old resource version: 1 (") == true)
        #expect(fixture.send("GET", "/api/v1/pods?resourceVersionMatch=Exact").status == 422)
    }

    @Test("pod logs: container choice, previous instance, tailLines, limitBytes, and the real error texts")
    func logs() throws {
        fixture.cluster.apply([
            .setLog(namespace: "shop", pod: "web-1", container: "app", current: "a\nb\nc\n", previous: "crash\n")
        ])
        let base = "/api/v1/namespaces/shop/pods/web-1/log"
        #expect(fixture.send("GET", "\(base)?container=app").text == "a\nb\nc\n")
        #expect(fixture.send("GET", "\(base)?container=app&previous=true").text == "crash\n")
        #expect(fixture.send("GET", "\(base)?container=app&tailLines=2").text == "b\nc\n")
        #expect(fixture.send("GET", "\(base)?container=app&limitBytes=3").text == "a\nb")
        let unnamed = fixture.send("GET", base)
        #expect(unnamed.status == 400)
        #expect(
            unnamed.json["message"] == "a container name must be specified for pod web-1, choose one of: [app sidecar]"
        )
        let unknown = fixture.send("GET", "\(base)?container=nope")
        #expect(unknown.status == 400)
        #expect(unknown.json["message"] == "container nope is not valid for pod web-1")
        let noPrevious = fixture.send("GET", "\(base)?container=sidecar&previous=true")
        #expect(noPrevious.json["message"] == "previous terminated container \"sidecar\" in pod \"web-1\" not found")
        #expect(fixture.send("GET", "/api/v1/namespaces/shop/pods/ghost/log").status == 404)
    }

    @Test("a container waiting to start has no log: 400 with the waiting reason")
    func waitingLog() {
        var pod = Fixtures.pod("pending-1")
        pod.setValue(
            [["name": "app", "state": ["waiting": ["reason": "ContainerCreating"]]]],
            at: ["status", "containerStatuses"]
        )
        fixture.cluster.apply([.upsert(pod)])
        let response = fixture.send("GET", "/api/v1/namespaces/shop/pods/pending-1/log?container=app")
        #expect(response.status == 400)
        #expect(
            response.json["message"] == "container \"app\" in pod \"pending-1\" is waiting to start: ContainerCreating"
        )
    }

    @Test("kubectl get's Table request gets columns and one row per object")
    func tables() throws {
        let accept =
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
        let table = fixture.send("GET", "/api/v1/namespaces/shop/pods", accept: accept).json
        #expect(table["kind"] == "Table")
        let columns = table["columnDefinitions"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(columns?.prefix(5) == ["Name", "Ready", "Status", "Restarts", "Age"])
        let rows = try #require(table["rows"]?.arrayValue)
        #expect(rows.count == 2)
        #expect(rows[0]["cells"]?.arrayValue?.prefix(4) == ["web-1", "0/2", "Running", "0"])
        #expect(rows[0][path: ["object", "kind"]] == "PartialObjectMetadata")
        let deployments = fixture.send("GET", "/apis/apps/v1/namespaces/shop/deployments/web", accept: accept).json
        #expect(deployments["rows"]?.arrayValue?.first?["cells"]?.arrayValue?.first == "web")
    }

    @Test("the events.k8s.io view converts stored core events")
    func eventsView() throws {
        let list = fixture.send("GET", "/apis/events.k8s.io/v1/namespaces/shop/events").json
        let first = try #require(list["items"]?.arrayValue?.first)
        #expect(first["apiVersion"] == "events.k8s.io/v1")
        #expect(first[path: ["regarding", "name"]] == "web-1")
        #expect(first["note"] == "Back-off restarting failed container")
        #expect(first["involvedObject"] == nil)
    }

    @Test(
        "Human durations as kubectl prints ages",
        arguments: [
            (5, "5s"), (125, "2m5s"), (600, "10m"), (7200, "120m"), (14400, "4h"), (30000, "8h"), (200_000, "2d7h"),
        ]
    )
    func humanDuration(seconds: Double, text: String) {
        #expect(TablePrinter.humanDuration(seconds) == text)
    }
}
