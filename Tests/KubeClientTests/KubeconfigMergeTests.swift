import Foundation
import KubeClient
import Testing

/// kubectl's documented loading rules (`kubectl config --help`, "Organizing Cluster Access Using kubeconfig
/// Files"): `--kubeconfig` alone; else `KUBECONFIG` merged with the first file to set a name or
/// `current-context` winning; else `~/.kube/config`; `--context` overrides; relative paths resolve against
/// the file that names them; the context's namespace is the default namespace.
@Suite("Kubeconfig loading and merging")
struct KubeconfigMergeTests {
    static let first = """
        apiVersion: v1
        kind: Config
        current-context: first-ctx
        clusters:
        - name: shared
          cluster:
            server: https://first.example:6443
            insecure-skip-tls-verify: true
        - name: only-first
          cluster:
            server: https://only-first.example
            insecure-skip-tls-verify: true
        contexts:
        - name: first-ctx
          context:
            cluster: shared
            user: shared-user
            namespace: team-a
        - name: shared-ctx
          context:
            cluster: only-first
            user: shared-user
        users:
        - name: shared-user
          user:
            token: first-token
        """

    static let second = """
        apiVersion: v1
        kind: Config
        current-context: second-ctx
        clusters:
        - name: shared
          cluster:
            server: https://second.example:6443
        - name: only-second
          cluster:
            server: https://only-second.example:8443
            certificate-authority: certs/ca.crt
        contexts:
        - name: second-ctx
          context:
            cluster: only-second
            user: second-user
        - name: shared-ctx
          context:
            cluster: only-second
            user: second-user
            namespace: from-second
        users:
        - name: shared-user
          user:
            token: second-token
        - name: second-user
          user:
            username: admin
            password: hunter2
        """

    func files() throws -> InMemoryFileSystem {
        InMemoryFileSystem([
            "/cfg/one/config": Self.first,
            "/cfg/two/config": Self.second,
            "/cfg/two/certs/ca.crt": try Fixtures.text("pki/ca.crt"),
            "/home/tester/.kube/certs/ca.crt": try Fixtures.text("pki/ca.crt"),
        ])
    }

    @Test("the first file to define a name wins, whole entries, and the first current-context wins")
    func firstFileWins() throws {
        let environment = KubeClientEnvironment.test(
            variables: ["KUBECONFIG": "/cfg/one/config:/cfg/two/config"],
            files: try files()
        )
        let merged = try KubeconfigLoader.load(overrides: .init(), environment: environment)
        #expect(merged.files == ["/cfg/one/config", "/cfg/two/config"])
        #expect(merged.currentContext?.value == "first-ctx")
        #expect(merged.clusters["shared"]?.value.server == "https://first.example:6443")
        #expect(merged.clusters["shared"]?.file == "/cfg/one/config")
        #expect(merged.users["shared-user"]?.value.token?.exposedValue == "first-token")
        #expect(merged.contexts["shared-ctx"]?.value.namespace == nil, "entries are not merged field by field")
        #expect(merged.clusters["only-second"]?.file == "/cfg/two/config")

        let config = try ClientConfiguration.resolve(environment: environment)
        #expect(config.server.description == "https://first.example:6443")
        #expect(config.namespace == "team-a")
        #expect(config.provenance.contextSource == "current-context in /cfg/one/config")
        #expect(config.provenance.namespaceSource?.contains("first-ctx") == true)
        guard case .token(let token) = config.credentials else {
            Issue.record("expected the first file's token, got \(config.credentials.summary)")
            return
        }
        #expect(token.exposedValue == "first-token")
    }

    @Test("the order of KUBECONFIG decides, not the file names")
    func orderDecides() throws {
        let environment = KubeClientEnvironment.test(
            variables: ["KUBECONFIG": "/cfg/two/config:/cfg/one/config"],
            files: try files()
        )
        let config = try ClientConfiguration.resolve(environment: environment)
        #expect(config.provenance.context == "second-ctx")
        #expect(config.server.description == "https://only-second.example:8443")
    }

    @Test("--context selects a context defined only in a later file; relative paths resolve against that file")
    func contextFlagAndRelativePaths() throws {
        let environment = KubeClientEnvironment.test(
            variables: ["KUBECONFIG": "/cfg/one/config:/cfg/two/config"],
            files: try files()
        )
        let config = try ClientConfiguration.resolve(
            overrides: .init(context: "second-ctx"),
            environment: environment
        )
        #expect(config.provenance.contextSource == "--context")
        #expect(config.server.host == "only-second.example")
        #expect(config.server.port == 8443)
        #expect(config.tls.trustRoots?.count == 1, "certs/ca.crt was read from /cfg/two/certs/ca.crt")
        #expect(config.namespace == "default", "a context without a namespace means default")
        #expect(config.provenance.namespaceSource == "default")
        guard case .basic(let username, let password) = config.credentials else {
            Issue.record("expected basic auth, got \(config.credentials.summary)")
            return
        }
        #expect(username == "admin")
        #expect(password.exposedValue == "hunter2")
    }

    @Test("a missing file in KUBECONFIG is skipped; empty and repeated entries are ignored")
    func missingFilesSkipped() throws {
        let environment = KubeClientEnvironment.test(
            variables: ["KUBECONFIG": "/nope/config::/cfg/two/config:/cfg/two/config"],
            files: try files()
        )
        let merged = try KubeconfigLoader.load(overrides: .init(), environment: environment)
        #expect(merged.files == ["/cfg/two/config"])
        #expect(merged.currentContext?.value == "second-ctx")
    }

    @Test("a malformed file anywhere in KUBECONFIG is an error naming it")
    func malformedFileInListFails() throws {
        let files = try files()
        files.write("/cfg/bad/config", "clusters:\n- name: x\n  cluster: [unclosed\n")
        let environment = KubeClientEnvironment.test(
            variables: ["KUBECONFIG": "/cfg/one/config:/cfg/bad/config"],
            files: files
        )
        let error = #expect(throws: KubeClientError.self) {
            try KubeconfigLoader.load(overrides: .init(), environment: environment)
        }
        #expect(error?.description.contains("/cfg/bad/config") == true)
    }

    @Test("--kubeconfig wins over KUBECONFIG and ~/.kube/config, and must exist")
    func explicitFileWins() throws {
        let files = try files()
        files.write("/home/tester/.kube/config", Self.first)
        let environment = KubeClientEnvironment.test(variables: ["KUBECONFIG": "/cfg/one/config"], files: files)
        let config = try ClientConfiguration.resolve(
            overrides: .init(kubeconfigPath: "/cfg/two/config"),
            environment: environment
        )
        #expect(config.provenance.files == ["/cfg/two/config"])
        #expect(config.provenance.context == "second-ctx")

        let error = #expect(throws: KubeClientError.self) {
            try ClientConfiguration.resolve(overrides: .init(kubeconfigPath: "/cfg/missing"), environment: environment)
        }
        #expect(error?.description == "kubeconfig /cfg/missing: does not exist (--kubeconfig)")
    }

    @Test("without KUBECONFIG the home directory's .kube/config is read; KUBECONFIG replaces it")
    func homeDefault() throws {
        let files = try files()
        files.write("/home/tester/.kube/config", Self.second)
        let fromHome = try ClientConfiguration.resolve(environment: .test(files: files))
        #expect(fromHome.provenance.files == ["/home/tester/.kube/config"])
        #expect(fromHome.provenance.context == "second-ctx")

        let replaced = try ClientConfiguration.resolve(
            environment: .test(variables: ["KUBECONFIG": "/cfg/one/config"], files: files)
        )
        #expect(replaced.provenance.files == ["/cfg/one/config"])
    }

    @Test("in-cluster configuration when no kubeconfig defines anything and the pod environment is set")
    func inCluster() throws {
        let folder = "/pod/var/run/secrets/kubernetes.io/serviceaccount"
        let files = InMemoryFileSystem([
            "\(folder)/token": "pod-token\n",
            "\(folder)/ca.crt": try Fixtures.text("pki/ca.crt"),
            "\(folder)/namespace": "payments\n",
        ])
        let environment = KubeClientEnvironment.test(
            variables: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"],
            files: files
        )
        let config = try ClientConfiguration.resolve(environment: environment)
        #expect(config.server.description == "https://10.96.0.1:443")
        #expect(config.namespace == "payments")
        #expect(config.provenance.namespaceSource == "\(folder)/namespace")
        guard case .tokenFile(let path) = config.credentials else {
            Issue.record("expected the service-account token file, got \(config.credentials.summary)")
            return
        }
        #expect(path == "\(folder)/token")

        // A kubeconfig that defines something wins over the pod environment.
        files.write("/home/tester/.kube/config", Self.second)
        files.write("/home/tester/.kube/certs/ca.crt", try Fixtures.text("pki/ca.crt"))
        let fromFile = try ClientConfiguration.resolve(environment: environment)
        #expect(fromFile.provenance.context == "second-ctx")
    }

    @Test("in-cluster with an IPv6 service host and no namespace file")
    func inClusterIPv6() throws {
        let folder = "/pod/var/run/secrets/kubernetes.io/serviceaccount"
        let files = InMemoryFileSystem([
            "\(folder)/token": "pod-token",
            "\(folder)/ca.crt": try Fixtures.text("pki/ca.crt"),
        ])
        let config = try ClientConfiguration.resolve(
            environment: .test(
                variables: ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "6443"],
                files: files
            )
        )
        #expect(config.server.description == "https://[fd00::1]:6443")
        #expect(config.namespace == "default")
    }

    @Test("nothing configured anywhere is an error that says what to set")
    func nothingConfigured() {
        let error = #expect(throws: KubeClientError.self) {
            try ClientConfiguration.resolve(environment: .test())
        }
        #expect(error?.description.contains("no configuration") == true)
    }

    @Test("an empty kubeconfig file is accepted as empty, as kubectl does")
    func emptyFile() throws {
        let files = try files()
        files.write("/cfg/empty", "# nothing here\n")
        let environment = KubeClientEnvironment.test(
            variables: ["KUBECONFIG": "/cfg/empty:/cfg/two/config"],
            files: files
        )
        let config = try ClientConfiguration.resolve(environment: environment)
        #expect(config.provenance.files == ["/cfg/empty", "/cfg/two/config"])
        #expect(config.provenance.context == "second-ctx")
    }

    @Test("insecure-skip-tls-verify warns once through the diagnostics sink")
    func insecureWarns() throws {
        let recorder = DiagnosticsRecorder()
        let environment = KubeClientEnvironment.test(
            variables: ["KUBECONFIG": "/cfg/one/config"],
            files: try files(),
            diagnostics: recorder
        )
        let config = try ClientConfiguration.resolve(environment: environment)
        #expect(config.tls.verifiesServer == false)
        #expect(recorder.recorded.count == 1)
        #expect(recorder.recorded.first?.contains("insecure-skip-tls-verify") == true)
    }
}
