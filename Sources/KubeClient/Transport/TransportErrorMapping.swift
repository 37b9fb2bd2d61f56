import AsyncHTTPClient
import NIOCore
import NIOPosix
import NIOSSL

/// Sorts what AsyncHTTPClient, NIO and BoringSSL throw into ``KubeClientError`` cases.
///
/// The distinctions matter to users: an untrusted server certificate (fix the CA or the name) is not a
/// rejected client certificate (fix the credentials) and neither is an unreachable server (fix the network).
/// Under TLS 1.3 a rejected client certificate arrives after the handshake as a bare `BoringSSLError`, not
/// as `NIOSSLError.handshakeFailed`, so both are inspected.
enum TransportErrorMapping {
    static func map(_ error: any Error, request: RequestDescription) -> KubeClientError {
        let server = request.server
        if let error = error as? KubeClientError { return error }
        if error is CancellationError { return .cancelled }
        if let error = error as? HTTPClientError {
            switch error {
            case .cancelled, .requestStreamCancelled: return .cancelled
            case .readTimeout:
                return .timeout(request: request, detail: "no data received within the idle limit; the stream stalled")
            case .deadlineExceeded: return .timeout(request: request, detail: "the request deadline passed")
            case .connectTimeout: return .unreachable(server: server, detail: "the connection attempt timed out")
            case .tlsHandshakeTimeout: return .unreachable(server: server, detail: "the TLS handshake timed out")
            case .getConnectionFromPoolTimeout:
                return .unreachable(server: server, detail: "no connection could be obtained in time")
            case .remoteConnectionClosed:
                return .unreachable(server: server, detail: "the server closed the connection")
            case .proxyAuthenticationRequired:
                return .unreachable(server: server, detail: "the proxy requires authentication")
            case .invalidProxyResponse, .httpProxyHandshakeTimeout, .socksHandshakeTimeout:
                return .unreachable(server: server, detail: "the proxy did not open a tunnel (\(error))")
            default: return .unreachable(server: server, detail: "\(error)")
            }
        }
        if let error = error as? NIOSSLError {
            if case .handshakeFailed(let inner) = error { return tls(inner, server: server) }
            return .tlsHandshake(server: server, detail: "\(error)")
        }
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            return .tlsVerification(
                server: server,
                detail:
                    "the certificate does not name the server's host (set tls-server-name if it should use another name)"
            )
        }
        if let error = error as? BoringSSLError { return tls(error, server: server) }
        if error is NIOConnectionError || error is IOError || error is SocketAddressError || error is ChannelError {
            return .unreachable(server: server, detail: "\(error)")
        }
        let text = String(describing: error)
        if text.contains("Connection refused") || text.contains("UnknownHost") || text.contains("connect") {
            return .unreachable(server: server, detail: text)
        }
        return .unreachable(server: server, detail: text)
    }

    private static func tls(_ error: BoringSSLError, server: String) -> KubeClientError {
        let text = "\(error)"
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return .tlsVerification(server: server, detail: text)
        }
        if text.contains("CERTIFICATE_REQUIRED") || text.contains("UNKNOWN_CA") || text.contains("BAD_CERTIFICATE")
            || text.contains("CERTIFICATE_UNKNOWN")
        {
            return .tlsHandshake(
                server: server,
                detail: "the server rejected the client certificate (\(text))"
            )
        }
        return .tlsHandshake(server: server, detail: text)
    }
}
