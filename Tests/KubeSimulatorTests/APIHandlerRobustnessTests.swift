import Foundation
import Testing

@testable import KubeSimulator

@Suite("Malformed requests get real-shaped Status answers, never a crash")
struct APIHandlerRobustnessTests {
    let fixture = HandlerFixture(objects: [Fixtures.deployment("web"), Fixtures.pod("web-1")])

    @Test(
        "unknown paths are 404 NotFound Status objects",
        arguments: [
            "/", "/nope", "/api/v2", "/api/v1/gizmos", "/apis/apps/v2/deployments", "/apis/unknown.io/v1",
            "/api/v1/namespaces/shop/pods/web-1/exec", "/api/v1/namespaces/shop/pods/a/b/c/d",
            "/apis/apps/v1/namespaces",
            "/openapi/v2",
        ]
    )
    func unknownPaths(path: String) {
        let response = fixture.send("GET", path)
        #expect(response.status == 404)
        #expect(response.json["kind"] == "Status")
        #expect(response.json["reason"] == "NotFound")
    }

    @Test(
        "garbage query strings are 400 BadRequest",
        arguments: [
            "/api/v1/pods?limit=abc", "/api/v1/pods?watch=maybe", "/api/v1/pods?labelSelector=%zz",
            "/api/v1/pods?resourceVersion=-5&watch=1", "/api/v1/pods?resourceVersionMatch=Sometimes&resourceVersion=1",
            "/api/v1/namespaces/shop/pods/web-1/log?tailLines=x", "/api/v1/pods?labelSelector=((((",
        ]
    )
    func garbageQueries(uri: String) {
        let response = fixture.send("GET", uri)
        #expect(response.status == 400, "\(uri): \(response.text)")
        #expect(response.json["kind"] == "Status")
    }

    @Test("unsupported methods on a resource are 405")
    func methods() {
        #expect(fixture.send("POST", "/apis/apps/v1/namespaces/shop/deployments/web").status == 405)
        #expect(fixture.send("PUT", "/apis/apps/v1/namespaces/shop/deployments").status == 405)
        #expect(fixture.send("BREW", "/apis/apps/v1/namespaces/shop/deployments").status == 405)
    }

    @Test("a protobuf-only Accept is 406, as the simulator speaks JSON only")
    func notAcceptable() {
        let response = fixture.send("GET", "/api/v1/pods", accept: "application/vnd.kubernetes.protobuf")
        #expect(response.status == 406)
    }

    @Test("thousands of random requests never crash and always answer a Status or an object")
    func fuzz() {
        var random = SplitMix64(seed: 42)
        let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
        let segments = [
            "api", "apis", "v1", "apps", "namespaces", "shop", "pods", "deployments", "web", "web-1", "log", "status",
            "scale", "watch", "%", "..", "", "events.k8s.io", "batch", "jobs", "\u{0}", "ü",
        ]
        let queries = [
            "watch=1", "limit=-1", "limit=99999999999999999999", "continue=%%%", "labelSelector=a+in+(b",
            "fieldSelector==",
            "resourceVersion=abc", "timeoutSeconds=-3", "container=", "previous=yes", "allowWatchBookmarks=1",
            "sendInitialEvents=true", "resourceVersionMatch=NotOlderThan", "&&&", "=", "a=b=c",
        ]
        let bodies = [
            "", "{", "[]", "null", #"{"kind":"Deployment"}"#,
            #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"fz"}}"#, "\u{FF}",
        ]
        let contentTypes = ["application/json", "application/merge-patch+json", "text/plain", "application/yaml"]
        for _ in 0..<3000 {
            let depth = Int(random.next() % 7)
            let path =
                "/"
                + (0..<depth).map { _ in segments[Int(random.next() % UInt64(segments.count))] }.joined(separator: "/")
            let query = (0..<Int(random.next() % 3)).map { _ in queries[Int(random.next() % UInt64(queries.count))] }
                .joined(separator: "&")
            let method = methods[Int(random.next() % UInt64(methods.count))]
            let uri = query.isEmpty ? path : "\(path)?\(query)"
            let response = fixture.send(
                method,
                uri,
                body: bodies[Int(random.next() % UInt64(bodies.count))],
                contentType: contentTypes[Int(random.next() % UInt64(contentTypes.count))]
            )
            // -1 marks a watch plan, a legitimate answer to a watch request.
            #expect((200..<600).contains(response.status) || response.status == -1, "\(method) \(uri)")
            if response.status >= 400 {
                #expect(response.json["kind"] == "Status", "\(method) \(uri): \(response.text)")
            }
        }
    }

    @Test("watch plans: where the stream starts, and invalid combinations")
    func watchPlans() throws {
        let current = fixture.cluster.resourceVersion
        let fromNow = try fixture.watch("/api/v1/pods?watch=1&resourceVersion=\(current)").get()
        #expect(fromNow.start == .after(current))
        #expect(try fixture.watch("/api/v1/pods?watch=true").get().start == .initialState)
        #expect(try fixture.watch("/api/v1/pods?watch=true&resourceVersion=0").get().start == .initialState)
        let watchList = try fixture.watch(
            "/api/v1/pods?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true"
        ).get()
        #expect(watchList.start == .initialState)
        #expect(watchList.initialEventsEnd)
        #expect(try fixture.watch("/api/v1/watch/namespaces/shop/pods?timeoutSeconds=5").get().timeout == .seconds(5))
        let single = try fixture.watch("/api/v1/watch/namespaces/shop/pods/web-1").get()
        #expect(single.filter.fields.terms.contains { $0.field == "metadata.name" && $0.value == "web-1" })
        #expect(throws: HandlerFailure.self) { try fixture.watch("/api/v1/pods?watch=1&sendInitialEvents=true").get() }
        #expect(throws: HandlerFailure.self) { try fixture.watch("/api/v1/pods?watch=1&resourceVersion=x").get() }
    }
}
