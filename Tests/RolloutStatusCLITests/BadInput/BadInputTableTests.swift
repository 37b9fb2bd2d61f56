import Foundation
import KubeSimulator
import RolloutReport
import TestSupport
import Testing

/// Every kind of bad input, given to the built binary as a pipeline would: flags, selectors, durations,
/// kinds, namespaces, kubeconfigs, manifests and the environment.
///
/// Each case must end with the documented exit code, exactly one line on stderr that names the culprit,
/// a report on stdout that `schema.json` accepts with `type: "program"`, no crash or stack trace, and
/// within 2 s of wall time: a gate that refuses its input does so at once.
@Suite("Bad input to the built binary", .timeLimit(.minutes(5)))
struct BadInputTableTests {
    static let cases: [BadInputCase] =
        flags + selectors + durations + kinds + namespaces + manifests
        + kubeconfigs + environments

    // MARK: Flags

    static let flags: [BadInputCase] = [
        .usage("an unknown flag", ["-l", "a=b", "--no-such-flag"], culprit: ["--no-such-flag"]),
        .usage("an unknown output format", ["-l", "a=b", "-o", "yaml"], culprit: ["yaml"]),
        .usage("a flag without its value", ["-l", "a=b", "--timeout"], culprit: ["--timeout"]),
        .usage("a count that is not a number", ["-l", "a=b", "--max-restarts", "many"], culprit: ["many"]),
        .usage("a negative restart count", ["-l", "a=b", "--max-restarts=-1"], culprit: ["--max-restarts"]),
        .usage("too many log lines", ["-l", "a=b", "--log-lines", "10001"], culprit: ["--log-lines", "10001"]),
        .usage("zero log bytes", ["-l", "a=b", "--log-bytes", "0"], culprit: ["--log-bytes"]),
        .usage("quiet and verbose", ["-l", "a=b", "-q", "-v"], culprit: ["--quiet", "--verbose"]),
        .usage(
            "one file for the report and JUnit",
            ["-l", "a=b", "--report-file", "{dir}/r", "--junit", "{dir}/r"],
            culprit: ["same file"]
        ),
        .usage("a stray argument", ["-l", "a=b", "stray"], culprit: ["stray"]),
        .usage("nothing to wait for", [], culprit: ["nothing to wait for", "-l", "-f"]),
        .usage("-R without -f", ["-l", "a=b", "-R"], culprit: ["-R"]),
        .usage("contexts that disagree", ["-l", "a=b", "--context", "x", "-kubecontext", "y"], culprit: ["disagree"]),
        .usage("an empty --kubeconfig", ["-l", "a=b", "--kubeconfig", ""], culprit: ["--kubeconfig"]),
        .usage(
            "restart limits given twice",
            ["-l", "a=b", "--max-restarts", "3", "-retry-limit", "4"],
            culprit: ["-retry-limit"]
        ),
    ]

    // MARK: Selectors

    static let selectors: [BadInputCase] = [
        .usage("an unclosed set", ["-l", "app in (web"], culprit: ["app in (web"]),
        .usage("an empty requirement", ["-l", "app=web,,tier=x"], culprit: ["app=web,,tier=x"]),
        .usage("a key ending in a dash", ["-l", "bad-=x"], culprit: ["bad-"]),
        .usage("a value with a space", ["-l", "app=has space"], culprit: ["space"]),
        .usage("an unknown operator", ["-l", "app ~ web"], culprit: ["~"]),
        .usage("a lone negation", ["-l", "!"], culprit: ["\"!\""]),
        .usage("a second operator", ["-l", "app=web=x"], culprit: ["app=web=x", "column 8"]),
        .usage("a name part over 63 characters", ["-l", String(repeating: "k", count: 64) + "=v"], culprit: ["kkkk"]),
        .usage("selectors that disagree", ["-l", "a=b", "-selector", "c=d"], culprit: ["disagree"]),
        .usage(
            "a selector with terminal escapes",
            ["-l", "app=\u{1B}[2J\u{1B}[31mred"],
            culprit: ["invalid label selector", "^["]
        ),
    ]

    // MARK: Durations

    static let durations: [BadInputCase] = [
        .usage("a word for a timeout", ["-l", "a=b", "--timeout", "banana"], culprit: ["--timeout", "banana"]),
        .usage("a zero timeout", ["-l", "a=b", "--timeout", "0s"], culprit: ["--timeout"]),
        .usage("an unknown unit", ["-l", "a=b", "--timeout", "10x"], culprit: ["\"x\""]),
        .usage("a negative timeout", ["-l", "a=b", "--timeout=-5s"], culprit: ["--timeout"]),
        .usage("a timeout past Go's range", ["-l", "a=b", "--timeout", "9999999999h"], culprit: ["out of range"]),
        .usage(
            "a negative pending deadline",
            ["-l", "a=b", "--pending-deadline=-5s"],
            culprit: ["--pending-deadline"]
        ),
        .usage("a bad -interval", ["-l", "a=b", "-interval", "often"], culprit: ["-interval", "often"]),
        .usage("a bad grace", ["-l", "a=b", "--image-pull-grace", "5parsecs"], culprit: ["--image-pull-grace"]),
    ]

    // MARK: Kinds

    static let kinds: [BadInputCase] = [
        .usage("a kind the gate does not wait for", ["-l", "a=b", "--kind", "pod"], culprit: ["\"pod\"", "--kind"]),
        .usage("an empty kind in a list", ["-l", "a=b", "--kind", "deployment,"], culprit: ["--kind"]),
        .usage("a bad -kind-filter", ["-l", "a=b", "-kind-filter", "cronjob"], culprit: ["cronjob", "-kind-filter"]),
    ]

    // MARK: Namespaces

    static let namespaces: [BadInputCase] = [
        .usage("an upper-case namespace", ["-n", "Shop_1", "-l", "a=b"], culprit: ["Shop_1"]),
        .usage("an empty namespace", ["-n", "", "-l", "a=b"], culprit: ["invalid namespace"]),
        .usage("an empty namespace in a list", ["-n", "a,,b", "-l", "a=b"], culprit: ["invalid namespace"]),
        .usage(
            "a namespace over 63 characters",
            ["-n", String(repeating: "n", count: 64), "-l", "a=b"],
            culprit: ["nnnn"]
        ),
        .usage("-A with -n", ["-A", "-n", "shop", "-l", "a=b"], culprit: ["-A", "shop"]),
    ]

    // MARK: Manifests

    static let manifests: [BadInputCase] = [
        .usage("a missing manifest", ["-f", "{dir}/nope.yaml"], culprit: ["{dir}/nope.yaml", "no such file"]),
        .usage(
            "a YAML syntax error names the line",
            ["-f", "{dir}/bad.yaml"],
            culprit: ["{dir}/bad.yaml:", "invalid YAML", "line 4"]
        ) {
            try BadInputFixtures.write(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: [unclosed\n",
                $0,
                "bad.yaml"
            )
        },
        .usage(
            "malformed JSON",
            ["-f", "{dir}/bad.json"],
            culprit: ["{dir}/bad.json", "invalid YAML"]
        ) { try BadInputFixtures.write("{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\",", $0, "bad.json") },
        .usage(
            "a name of the wrong type",
            ["-f", "{dir}/types.yaml"],
            culprit: ["{dir}/types.yaml", "metadata.name is not a string"]
        ) {
            try BadInputFixtures.write(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: [a, b]\n",
                $0,
                "types.yaml"
            )
        },
        .usage(
            "a document that is a list",
            ["-f", "{dir}/seq.yaml"],
            culprit: ["{dir}/seq.yaml", "not a Kubernetes object"]
        ) { try BadInputFixtures.write("- apiVersion: apps/v1\n- kind: Deployment\n", $0, "seq.yaml") },
        .usage(
            "an object without a kind",
            ["-f", "{dir}/nokind.yaml"],
            culprit: ["{dir}/nokind.yaml", "no kind"]
        ) { try BadInputFixtures.write("apiVersion: apps/v1\nmetadata: {name: web}\n", $0, "nokind.yaml") },
        .usage(
            "a Deployment without a name",
            ["-f", "{dir}/noname.yaml"],
            culprit: ["{dir}/noname.yaml", "metadata.name"]
        ) { try BadInputFixtures.write("apiVersion: apps/v1\nkind: Deployment\nmetadata: {}\n", $0, "noname.yaml") },
        .usage(
            "List items that are not a sequence",
            ["-f", "{dir}/list.yaml"],
            culprit: ["{dir}/list.yaml", "items"]
        ) { try BadInputFixtures.write("apiVersion: v1\nkind: List\nitems: {a: b}\n", $0, "list.yaml") },
        .usage(
            "duplicate keys",
            ["-f", "{dir}/dup.yaml"],
            culprit: ["{dir}/dup.yaml"]
        ) { try BadInputFixtures.write("apiVersion: apps/v1\nkind: Deployment\nkind: Service\n", $0, "dup.yaml") },
        .usage(
            "binary garbage",
            ["-f", "{dir}/garbage.yaml"],
            culprit: ["{dir}/garbage.yaml", "binary"]
        ) { directory in
            var generator = SeededGenerator(seed: 7)
            let bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) } + [0]
            try Data(bytes).write(to: directory.appendingPathComponent("garbage.yaml"))
        },
        .usage(
            "text that is not UTF-8",
            ["-f", "{dir}/latin1.yaml"],
            culprit: ["{dir}/latin1.yaml", "UTF-8"]
        ) {
            try Data([0x6B, 0x69, 0x6E, 0x64, 0x3A, 0x20, 0xE9, 0xE8, 0x0A]).write(
                to: $0.appendingPathComponent("latin1.yaml")
            )
        },
        .usage(
            "a 50 MB file",
            ["-f", "{dir}/huge.yaml"],
            culprit: ["{dir}/huge.yaml", "larger than"]
        ) { directory in
            let url = directory.appendingPathComponent("huge.yaml")
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
            let handle = try FileHandle(forWritingTo: url)
            try handle.truncate(atOffset: 50 << 20)
            try handle.close()
        },
        .usage(
            "50 MB on standard input",
            ["-f", "-"],
            culprit: ["-:", "larger than"],
            stdin: Data(repeating: UInt8(ascii: "a"), count: 50 << 20)
        ),
        .usage(
            "standard input twice",
            ["-f", "-", "-f", "-"],
            culprit: ["standard input"],
            stdin: Data(BadInputFixtures.deployment.utf8)
        ),
        .usage(
            "a symbolic link loop under -R",
            ["-R", "-f", "{dir}/manifests"],
            culprit: ["{dir}/manifests", "loop"]
        ) { directory in
            try BadInputFixtures.write(BadInputFixtures.deployment, directory, "manifests/sub/web.yaml")
            try FileManager.default.createSymbolicLink(
                atPath: directory.appendingPathComponent("manifests/sub/back").path,
                withDestinationPath: directory.appendingPathComponent("manifests").path
            )
        },
        .usage(
            "a directory without manifests",
            ["-f", "{dir}/empty"],
            culprit: ["{dir}/empty", ".yaml"]
        ) {
            try FileManager.default.createDirectory(
                at: $0.appendingPathComponent("empty"),
                withIntermediateDirectories: true
            )
        },
        .usage(
            "manifests without a workload",
            ["-f", "{dir}/cm.yaml"],
            culprit: ["no Deployment", "1 other"]
        ) { try BadInputFixtures.write("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n", $0, "cm.yaml") },
        .usage(
            "a Deployment of a removed API version",
            ["-f", "{dir}/old.yaml"],
            culprit: ["no Deployment"]
        ) {
            try BadInputFixtures.write(
                "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: web}\n",
                $0,
                "old.yaml"
            )
        },
        .usage(
            "a manifest without namespace and two -n",
            ["-n", "a,b", "-f", "{dir}/nons.yaml"],
            culprit: ["web", "has no namespace"]
        ) {
            try BadInputFixtures.write(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n",
                $0,
                "nons.yaml"
            )
        },
    ]

    // MARK: Kubeconfigs

    static let kubeconfigs: [BadInputCase] = [
        BadInputCase(
            name: "a missing --kubeconfig",
            arguments: ["-l", "app=web", "--kubeconfig", "{dir}/nope"],
            exit: 3,
            code: "kubeconfig",
            culprit: ["{dir}/nope", "does not exist"]
        ),
        .configuration(
            "a kubeconfig YAML syntax error names the line",
            culprit: ["{dir}/config", "YAML syntax error at line"]
        ) { _ in
            "apiVersion: v1\nclusters:\n- name: c\n  cluster: {server: x\ncontexts: []\n"
        },
        .configuration("a list where a mapping belongs", culprit: ["{dir}/config", "clusters"]) { _ in
            "apiVersion: v1\nclusters: {a: b}\n"
        },
        .configuration("binary garbage as a kubeconfig", culprit: ["{dir}/config"]) { _ in
            String(decoding: (0..<512).map { UInt8(truncatingIfNeeded: $0 &* 37) }, as: UTF8.self)
        },
        .configuration(
            "an unknown context",
            culprit: ["\"nowhere\"", "not defined"],
            arguments: ["--context", "nowhere"]
        ) { _ in
            BadInputFixtures.kubeconfig()
        },
        .configuration("an unknown cluster", culprit: ["cluster \"gone\"", "not defined"]) { _ in
            BadInputFixtures.kubeconfig().replacingOccurrences(of: "cluster: c\n", with: "cluster: gone\n")
        },
        .configuration("an unknown user", culprit: ["user \"ghost\"", "not defined"]) { _ in
            BadInputFixtures.kubeconfig().replacingOccurrences(of: "user: u\n", with: "user: ghost\n")
        },
        .configuration("no current-context", culprit: ["current-context"]) { _ in
            BadInputFixtures.kubeconfig(head: "")
        },
        .configuration("a server URL without a scheme", culprit: ["server", "127.0.0.1:6443"]) { _ in
            BadInputFixtures.kubeconfig(cluster: "server: 127.0.0.1:6443")
        },
        .configuration("invalid base64", culprit: ["certificate-authority-data", "base64"]) { _ in
            BadInputFixtures.kubeconfig(
                cluster: "server: https://127.0.0.1:9\n    certificate-authority-data: '%%%not-base64'"
            )
        },
        .configuration("a CA that is not a certificate", culprit: ["certificate-authority-data", "certificate"]) { _ in
            let text = Data("hello, I am not PEM".utf8).base64EncodedString()
            return BadInputFixtures.kubeconfig(
                cluster: "server: https://127.0.0.1:9\n    certificate-authority-data: \(text)"
            )
        },
        .configuration("a missing CA file", culprit: ["{dir}/ca.crt", "certificate-authority"]) { _ in
            BadInputFixtures.kubeconfig(cluster: "server: https://127.0.0.1:9\n    certificate-authority: ca.crt")
        },
        .configuration(
            "a key that does not match the certificate",
            culprit: ["client-key-data"],
            mustNotAppear: []
        ) { _ in
            let pki = try SimulatorPKI()
            let first = try pki.issueClientCertificate(user: "a", groups: [], keyType: .ec)
            let second = try pki.issueClientCertificate(user: "b", groups: [], keyType: .ec)
            let certificate = Data(first.certificatePEM.utf8).base64EncodedString()
            let key = Data(second.privateKeyPEM.utf8).base64EncodedString()
            return BadInputFixtures.kubeconfig(
                user: "client-certificate-data: \(certificate)\n    client-key-data: \(key)"
            )
        },
        .configuration("a certificate without a key", culprit: ["users[\"u\"]", "no client key"]) { _ in
            let pki = try SimulatorPKI()
            let issued = try pki.issueClientCertificate(user: "a", groups: [], keyType: .ec)
            return BadInputFixtures.kubeconfig(
                user: "client-certificate-data: \(Data(issued.certificatePEM.utf8).base64EncodedString())"
            )
        },
        .configuration("a token and a password", culprit: ["only one authentication method"]) { _ in
            BadInputFixtures.kubeconfig(user: "token: abc\n    username: admin\n    password: pw")
        },
        .configuration("a CA and insecure-skip-tls-verify", culprit: ["insecure-skip-tls-verify"]) { _ in
            BadInputFixtures.kubeconfig(
                cluster:
                    "server: https://127.0.0.1:9\n    insecure-skip-tls-verify: true\n    certificate-authority-data: \(try BadInputFixtures.caData())"
            )
        },
        .configuration("a removed auth-provider", culprit: ["auth-provider", "gcp"]) { _ in
            BadInputFixtures.kubeconfig(user: "auth-provider: {name: gcp}")
        },
        .configuration("a missing token file", culprit: ["tokenFile", "{dir}/token"]) { _ in
            BadInputFixtures.kubeconfig(user: "tokenFile: token")
        },
        .configuration("an invalid proxy-url", culprit: ["proxy-url"]) { _ in
            BadInputFixtures.kubeconfig(cluster: "server: https://127.0.0.1:9\n    proxy-url: 'ftp://proxy'")
        },
        .configuration("exec v1 without interactiveMode", culprit: ["interactiveMode"]) { _ in
            BadInputFixtures.kubeconfig(
                user: "exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/true}"
            )
        },
        .configuration("an unsupported exec apiVersion", culprit: ["exec.apiVersion", "v1alpha1"]) { _ in
            BadInputFixtures.kubeconfig(
                user: "exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: /bin/true}"
            )
        },
        .configuration(
            "a missing exec plugin shows its installHint",
            culprit: ["exec plugin", "no-such-plugin", "brew install no-such-plugin"]
        ) { _ in
            BadInputFixtures.kubeconfig(
                user: """
                    exec:
                          apiVersion: client.authentication.k8s.io/v1beta1
                          command: no-such-plugin
                          installHint: brew install no-such-plugin
                    """
            )
        },
        .configuration(
            "an exec plugin printing invalid JSON",
            culprit: ["user \"u\"", "exec plugin \"./plugin\"", "ExecCredential"],
            mustNotAppear: ["CANARY-plugin-output-61d2"]
        ) { directory in
            try BadInputFixtures.script(
                "#!/bin/sh\necho '{\"status\": {\"token\": \"CANARY-plugin-output-61d2\"'\n",
                at: directory.appendingPathComponent("plugin")
            )
            return BadInputFixtures.kubeconfig(
                user: "exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: ./plugin}"
            )
        },
        .configuration(
            "an exec plugin that fails shows its stderr and exit status",
            culprit: ["exec plugin \"./plugin\"", "exit status 3", "token expired, run login"],
            mustNotAppear: ["CANARY-plugin-stdout-9b0e"]
        ) { directory in
            try BadInputFixtures.script(
                "#!/bin/sh\necho CANARY-plugin-stdout-9b0e\necho 'token expired, run login' >&2\nexit 3\n",
                at: directory.appendingPathComponent("plugin")
            )
            return BadInputFixtures.kubeconfig(
                user: "exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: ./plugin}"
            )
        },
    ]

    // MARK: Environment

    static let environments: [BadInputCase] = [
        BadInputCase(
            name: "KUBECONFIG pointing at a directory",
            arguments: ["-l", "app=web"],
            environment: ["KUBECONFIG": "{dir}/kube"],
            exit: 3,
            code: "kubeconfig",
            culprit: ["{dir}/kube", "directory"],
            setup: {
                try FileManager.default.createDirectory(
                    at: $0.appendingPathComponent("kube"),
                    withIntermediateDirectories: true
                )
            }
        ),
        BadInputCase(
            name: "an empty HOME",
            arguments: ["-l", "app=web"],
            environment: ["HOME": ""],
            exit: 3,
            code: "kubeconfig",
            culprit: ["no configuration", "KUBECONFIG"]
        ),
        BadInputCase(
            name: "a HOME without a kubeconfig",
            arguments: ["-l", "app=web"],
            environment: ["HOME": "{dir}"],
            exit: 3,
            code: "kubeconfig",
            culprit: ["no configuration"]
        ),
        BadInputCase(
            name: "KUBECONFIG naming only missing files",
            arguments: ["-l", "app=web"],
            environment: ["KUBECONFIG": "{dir}/a:{dir}/b"],
            exit: 3,
            code: "kubeconfig",
            culprit: ["no configuration"]
        ),
        BadInputCase(
            name: "KUBECONFIG with an unreadable entry among good ones",
            arguments: ["-l", "app=web"],
            environment: ["KUBECONFIG": "{dir}/good:{dir}/kube"],
            exit: 3,
            code: "kubeconfig",
            culprit: ["{dir}/kube", "directory"],
            setup: { directory in
                try BadInputFixtures.write(BadInputFixtures.kubeconfig(), directory, "good")
                try FileManager.default.createDirectory(
                    at: directory.appendingPathComponent("kube"),
                    withIntermediateDirectories: true
                )
            }
        ),
    ]

    // MARK: The test

    @Test("the table has at least 40 cases, each named once")
    func tableSize() {
        #expect(Self.cases.count >= 40)
        let names = Dictionary(grouping: Self.cases.map(\.name), by: { $0 }).filter { $0.value.count > 1 }.keys
        #expect(names.isEmpty, "named twice: \(names.sorted())")
    }

    /// One at a time: the 2 s bound is about this process, not about 80 of them sharing two cores.
    @Test(.serialized, arguments: cases)
    func badInput(_ testCase: BadInputCase) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bad-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try testCase.setup(directory)
        func expand(_ text: String) -> String { text.replacingOccurrences(of: "{dir}", with: directory.path) }

        var environment = ["PATH": "/usr/bin:/bin", "HOME": directory.appendingPathComponent("home").path]
        for (name, value) in testCase.environment { environment[name] = expand(value) }
        for name in testCase.unset { environment[name] = nil }
        let result = try await GateProcess.run(
            testCase.arguments.map(expand),
            environment: environment,
            stdin: testCase.stdin,
            workingDirectory: directory
        )

        #expect(!result.signalled, "the gate crashed with signal \(result.status)")
        #expect(result.status == testCase.exit, "exit status; stderr: \(result.stderr)")
        #expect(result.duration < .seconds(2), "took \(result.duration)")
        #expect(result.stderrLines.count == 1, "stderr: \(result.stderr)")
        let line = result.stderrLines.first ?? ""
        #expect(line.hasPrefix("rollout-status: \(testCase.code): "), "stderr: \(line)")
        for word in testCase.culprit.map(expand) {
            #expect(line.lowercased().contains(word.lowercased()), "\"\(word)\" not in: \(line)")
        }
        for marker in ["Fatal error", "Stack dump", "stack trace", "Segmentation", "Illegal instruction", "0x0000"] {
            #expect(!result.stderr.contains(marker), "a crash marker in stderr: \(result.stderr)")
        }
        #expect(!result.stderr.contains("\u{1B}"), "a raw escape on stderr")
        for secret in testCase.mustNotAppear {
            #expect(!result.stderr.contains(secret) && !result.stdoutText.contains(secret), "\(secret) leaked")
        }

        let report = try ReportEncoder().decode(result.stdout)
        #expect(!report.success)
        #expect(report.error?.type == .program)
        #expect(report.error?.code.rawValue == testCase.code)
        #expect(report.results.isEmpty)
        let problems = try await ReportSchema.problems(result.stdout, label: "bad-input-\(testCase.name)")
        #expect(problems.isEmpty, "\(problems)")
    }
}
