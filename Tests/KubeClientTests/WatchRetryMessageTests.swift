import KubeModel
import Testing

@testable import KubeClient

@Suite("Watch retry lines")
struct WatchRetryMessageTests {
    typealias Iterator = KubeWatch<Thing>.Iterator
    static let watch = RequestDescription(verb: "watch", resource: "pods", namespace: "shop", server: "https://k:6443")

    @Test("a lost connection names the watch, so one of several retrying watches can be told apart")
    func connectionErrorsNameTheWatch() {
        let line = Iterator.retryMessage(
            .unreachable(server: "https://k:6443", detail: "connection refused"),
            Self.watch
        )
        #expect(
            line == "watch pods in namespace \"shop\" at https://k:6443 cannot reach the server (connection refused)"
        )
        let handshake = Iterator.retryMessage(.tlsHandshake(server: "https://k:6443", detail: "EOF"), Self.watch)
        #expect(handshake.hasPrefix("watch pods in namespace \"shop\" at https://k:6443: TLS handshake"))
    }

    @Test("errors that already name the request are printed as they are")
    func requestErrorsUnchanged() {
        let timeout = KubeClientError.timeout(request: Self.watch, detail: "the stream stalled")
        #expect(Iterator.retryMessage(timeout, Self.watch) == timeout.description)
        let throttled = KubeClientError.api(
            APIFailure(status: 429, request: Self.watch, apiStatus: nil, retryAfter: nil)
        )
        #expect(Iterator.retryMessage(throttled, Self.watch) == throttled.description)
    }
}
