import Foundation
import Synchronization

/// Decides who a request comes from: a client certificate signed by the simulator's CA, a bearer
/// token, or basic auth; with anonymous access off, anything else is a 401.
///
/// The token set is mutable at runtime so a test can rotate a token in the middle of a watch.
final class Authenticator: Sendable {
    private struct Credentials: Sendable {
        var tokens: [String: Identity]
        var basicUsers: [String: BasicUser]
        var anonymous: Bool
    }

    private let credentials: Mutex<Credentials>

    init(tokens: [String: Identity], basicUsers: [String: BasicUser], anonymous: Bool) {
        credentials = Mutex(Credentials(tokens: tokens, basicUsers: basicUsers, anonymous: anonymous))
    }

    /// Replaces the accepted bearer tokens.
    func setTokens(_ tokens: [String: Identity]) {
        credentials.withLock { $0.tokens = tokens }
    }

    /// The accepted bearer tokens.
    var tokens: [String: Identity] { credentials.withLock { $0.tokens } }

    /// The identity of a request, or nil for a 401.
    ///
    /// The order is kube-apiserver's: a valid client certificate wins, then the `Authorization` header.
    func authenticate(authorization: String?, certificateIdentity: Identity?) -> Identity? {
        if let certificateIdentity { return certificateIdentity }
        let state = credentials.withLock { $0 }
        guard let authorization, !authorization.isEmpty else {
            return state.anonymous ? Identity(user: "system:anonymous", groups: ["system:unauthenticated"]) : nil
        }
        let parts = authorization.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        switch parts[0].lowercased() {
        case "bearer":
            return state.tokens[parts[1].trimmingSpaces()]
        case "basic":
            guard let data = Data(base64Encoded: parts[1].trimmingSpaces()),
                let text = String(data: data, encoding: .utf8),
                let colon = text.firstIndex(of: ":")
            else { return nil }
            let user = String(text[..<colon])
            let password = String(text[text.index(after: colon)...])
            guard let entry = state.basicUsers[user], entry.password == password else { return nil }
            return entry.identity
        default:
            return nil
        }
    }
}

/// A basic-auth user: the password and who it authenticates as.
public struct BasicUser: Sendable, Hashable {
    /// The password.
    public var password: String
    /// The identity it grants.
    public var identity: Identity

    /// Creates a user.
    public init(password: String, identity: Identity) {
        self.password = password
        self.identity = identity
    }
}
