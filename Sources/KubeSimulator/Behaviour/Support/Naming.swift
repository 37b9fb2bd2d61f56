import Foundation

/// The names and identifiers the real controllers and runtime generate, made deterministic.
///
/// Kubernetes hashes pod templates with FNV-32a and spells the number in a "safe" alphabet without
/// vowels (`bcdfghjklmnpqrstvwxz2456789`), so `web-66b6c48dd5` is a ReplicaSet name and `web-66b6c48dd5-x7k2p`
/// a pod. Generated suffixes here come from hashes of stable inputs instead of a random source, so a
/// scenario produces the same names on every run and tests can name objects.
enum Naming {
    /// The alphabet of `k8s.io/apimachinery/pkg/util/rand`: no vowels, no confusable digits.
    static let safeAlphabet = Array("bcdfghjklmnpqrstvwxz2456789")

    /// FNV-1a, 32 bits, the hash `controller.ComputeHash` uses for pod templates.
    static func fnv32a(_ bytes: some Sequence<UInt8>, seed: UInt32 = 2_166_136_261) -> UInt32 {
        var hash = seed
        for byte in bytes {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return hash
    }

    /// FNV-1a, 64 bits, for identifiers longer than a template hash.
    static func fnv64a(_ text: String) -> UInt64 {
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 1_099_511_628_211
        }
        return hash
    }

    /// `rand.SafeEncodeString`: each character of the decimal string mapped into the safe alphabet.
    ///
    /// Applied to a decimal number, as upstream does, so hashes only ever use ten of the letters.
    static func safeEncode(_ text: String) -> String {
        String(text.utf8.map { safeAlphabet[Int($0) % safeAlphabet.count] })
    }

    /// The `pod-template-hash` of a pod template: FNV-32a over its canonical JSON, plus the collision count.
    static func templateHash(_ template: JSONValue, collisionCount: Int64? = nil) -> String {
        var bytes = template.canonicalJSON()
        if let collisionCount {
            // Upstream writes the count's bytes after the template; any stable extra input works the same way.
            bytes += Array("#\(collisionCount)".utf8)
        }
        return safeEncode(String(fnv32a(bytes)))
    }

    /// A `generateName` suffix: five characters of the safe alphabet, from a stable seed.
    static func suffix(_ seed: String, length: Int = 5) -> String {
        var value = fnv64a(seed)
        var characters: [Character] = []
        for _ in 0..<length {
            characters.append(safeAlphabet[Int(value % UInt64(safeAlphabet.count))])
            value /= UInt64(safeAlphabet.count)
        }
        return String(characters)
    }

    /// A hex string of `length` characters derived from `seed`, for container IDs and image digests.
    static func hex(_ seed: String, length: Int = 64) -> String {
        var text = ""
        var round = 0
        while text.count < length {
            let value = fnv64a("\(round):\(seed)")
            let chunk = String(value, radix: 16)
            text += String(repeating: "0", count: 16 - chunk.count) + chunk
            round += 1
        }
        return String(text.prefix(length))
    }

    /// The fully qualified reference containerd reports for an image (`nginx:1.27` → `docker.io/library/nginx:1.27`).
    static func qualifiedImage(_ image: String) -> String {
        var reference = image
        let firstComponent = reference.split(separator: "/", maxSplits: 1).first.map(String.init) ?? reference
        let hasRegistry =
            reference.contains("/")
            && (firstComponent.contains(".") || firstComponent.contains(":") || firstComponent == "localhost")
        if !hasRegistry {
            reference = reference.contains("/") ? "docker.io/" + reference : "docker.io/library/" + reference
        }
        let lastComponent = reference.split(separator: "/").last ?? ""
        if !lastComponent.contains(":") && !reference.contains("@") {
            reference += ":latest"
        }
        return reference
    }

    /// The `imageID` containerd reports: the repository with a digest.
    static func imageID(_ image: String) -> String {
        let qualified = qualifiedImage(image)
        let repository: Substring
        if let at = qualified.firstIndex(of: "@") {
            repository = qualified[..<at]
        } else if let slash = qualified.lastIndex(of: "/"), let colon = qualified[slash...].lastIndex(of: ":") {
            repository = qualified[..<colon]
        } else {
            repository = Substring(qualified)
        }
        return "\(repository)@sha256:\(hex("image:" + qualified))"
    }

    /// The default `imagePullPolicy`: `Always` for `:latest` or untagged images, else `IfNotPresent`.
    static func defaultPullPolicy(_ image: String) -> String {
        if image.contains("@") { return "IfNotPresent" }
        let last = image.split(separator: "/").last ?? Substring(image)
        guard let colon = last.lastIndex(of: ":") else { return "Always" }
        return last[last.index(after: colon)...] == "latest" ? "Always" : "IfNotPresent"
    }

    /// Whether the image reference parses, the check the kubelet makes before pulling.
    ///
    /// Mirrors the docker reference grammar's commonest failures: upper case in the repository,
    /// empty components, and characters outside the grammar.
    static func imageNameProblem(_ image: String) -> String? {
        if image.isEmpty { return "invalid reference format" }
        var repository = Substring(image)
        if let at = repository.firstIndex(of: "@") { repository = repository[..<at] }
        if let slash = repository.lastIndex(of: "/"), let colon = repository[slash...].lastIndex(of: ":") {
            repository = repository[..<colon]
        } else if !repository.contains("/"), let colon = repository.lastIndex(of: ":") {
            repository = repository[..<colon]
        }
        let components = repository.split(separator: "/", omittingEmptySubsequences: false)
        let path =
            components.count > 1 && (components[0].contains(".") || components[0].contains(":"))
            ? components.dropFirst() : components[...]
        for component in path {
            if component.isEmpty { return "invalid reference format" }
            if component.contains(where: { $0.isUppercase }) {
                return "invalid reference format: repository name (\(path.joined(separator: "/"))) must be lowercase"
            }
            let allowed = component.allSatisfy { $0.isLowercase || $0.isNumber || "._-".contains($0) }
            if !allowed { return "invalid reference format" }
        }
        return nil
    }
}

extension JSONValue {
    /// The value as JSON with object keys sorted, so equal documents give equal bytes.
    ///
    /// Used for template hashes and template comparison; the store's own serializer may order keys
    /// differently, which must not change a hash.
    func canonicalJSON() -> [UInt8] {
        var out: [UInt8] = []
        writeCanonical(into: &out)
        return out
    }

    private func writeCanonical(into out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let value): out += Array((value ? "true" : "false").utf8)
        case .int(let value): out += Array(String(value).utf8)
        case .double(let value): out += Array(String(value).utf8)
        case .string(let value):
            out.append(UInt8(ascii: "\""))
            for byte in value.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                out.append(byte)
            }
            out.append(UInt8(ascii: "\""))
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.writeCanonical(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.string(key).writeCanonical(into: &out)
                out.append(UInt8(ascii: ":"))
                members[key]?.writeCanonical(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}
