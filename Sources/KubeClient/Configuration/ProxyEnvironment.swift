import Foundation

/// `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` as Go's `net/http` (and so kubectl) reads them.
public enum ProxyEnvironment {
    /// The proxy for a server from the environment, and the variable it came from; `nil` when none applies
    /// or `NO_PROXY` excludes the server.
    public static func proxy(for server: ServerEndpoint, variables: [String: String]) -> (ProxySetting?, String?) {
        let names = server.scheme == "https" ? ["HTTPS_PROXY", "https_proxy"] : ["HTTP_PROXY", "http_proxy"]
        guard let name = names.first(where: { !(variables[$0] ?? "").isEmpty }), let value = variables[name] else {
            return (nil, nil)
        }
        let exclusions = variables["NO_PROXY"] ?? variables["no_proxy"] ?? ""
        if excludes(exclusions, host: server.host, port: server.port) { return (nil, nil) }
        guard let proxy = parse(value.contains("://") ? value : "http://\(value)") else { return (nil, nil) }
        return (proxy, "environment variable \(name)")
    }

    /// Whether a `NO_PROXY` list excludes a host: `*`, exact names, domain suffixes (`.example.com` or
    /// `example.com` both match `api.example.com`), IPv4 CIDR ranges, and `host:port` entries.
    public static func excludes(_ list: String, host: String, port: Int) -> Bool {
        let host = host.lowercased()
        for rawEntry in list.split(separator: ",") {
            var entry = rawEntry.trimmingCharacters(in: .whitespaces).lowercased()
            if entry.isEmpty { continue }
            if entry == "*" { return true }
            if let colon = entry.lastIndex(of: ":"), !entry.contains("/"), entry.filter({ $0 == ":" }).count == 1 {
                guard Int(entry[entry.index(after: colon)...]) == port else { continue }
                entry = String(entry[..<colon])
            }
            if entry.contains("/") {
                if let range = IPv4Range(entry), let address = IPv4Range.address(host), range.contains(address) {
                    return true
                }
                continue
            }
            if entry.hasPrefix("*.") { entry.removeFirst() }
            if host == entry { return true }
            let suffix = entry.hasPrefix(".") ? entry : ".\(entry)"
            if host.hasSuffix(suffix) { return true }
        }
        return false
    }

    /// Parses `http://user:pass@host:port`, `https://…` or `socks5://…`.
    public static func parse(_ text: String) -> ProxySetting? {
        guard let schemeEnd = text.range(of: "://") else { return nil }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        let kind: ProxySetting.Kind
        let defaultPort: Int
        switch scheme {
        case "http": (kind, defaultPort) = (.http, 80)
        case "https": (kind, defaultPort) = (.http, 443)
        case "socks5", "socks5h": (kind, defaultPort) = (.socks5, 1080)
        default: return nil
        }
        var rest = text[schemeEnd.upperBound...]
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var username: String?
        var password: Secret?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                username = String(userInfo[..<colon]).removingPercentEncoding
                password = Secret(String(userInfo[userInfo.index(after: colon)...]).removingPercentEncoding ?? "")
            } else {
                username = String(userInfo).removingPercentEncoding
            }
        }
        guard let endpoint = ServerEndpoint(url: "http://\(rest)") else { return nil }
        let port = rest.contains(":") && !rest.hasSuffix("]") ? endpoint.port : defaultPort
        return ProxySetting(kind: kind, host: endpoint.host, port: port, username: username, password: password)
    }
}

/// An IPv4 CIDR range from a `NO_PROXY` entry.
private struct IPv4Range {
    var network: UInt32
    var mask: UInt32

    init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let address = IPv4Range.address(String(parts[0])), let bits = Int(parts[1]),
            (0...32).contains(bits)
        else { return nil }
        mask = bits == 0 ? 0 : UInt32.max << (32 - bits)
        network = address & mask
    }

    func contains(_ address: UInt32) -> Bool { address & mask == network }

    static func address(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard let number = UInt8(octet) else { return nil }
            value = value << 8 | UInt32(number)
        }
        return value
    }
}
