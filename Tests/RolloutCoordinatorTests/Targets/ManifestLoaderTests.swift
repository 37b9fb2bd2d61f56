import Foundation
import RolloutCoordinator
import RolloutReport
import Testing

@Suite struct ManifestLoaderTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    @Test func helmStyleReleaseGivesItsDeploymentsAndSkipsTheRest() throws {
        let set = try ManifestLoader().load(paths: [Self.fixture("helm-release.yaml")], recursive: false)
        #expect(set.workloads.map(\.name) == ["web", "ledger"])
        #expect(set.workloads.map(\.namespace) == ["shop", "payments"])
        #expect(set.workloads.allSatisfy { $0.kind == .deployment })
        let path = Self.fixture("helm-release.yaml")
        #expect(set.workloads.map(\.source) == ["\(path):22", "\(path):47"])
        #expect(set.skipped.map(\.kind) == ["Service"])
        #expect(set.skipped.first?.source == "\(path):7")
        #expect(set.skipped.first?.reason == "Service is not a workload kind the gate waits for.")
    }

    @Test func kindListItemsAreExpanded() throws {
        let set = try ManifestLoader(kinds: [.deployment, .statefulSet]).load(
            paths: [Self.fixture("list.json")],
            recursive: false
        )
        #expect(set.workloads.map(\.kind) == [.statefulSet, .deployment])
        #expect(set.workloads.map(\.name) == ["cache", "api"])
        #expect(set.workloads.map(\.namespace) == ["data", nil])
        #expect(set.skipped.map(\.name) == ["api-config"])
    }

    @Test func workloadsOfUnselectedKindsAreSkippedWithTheReason() throws {
        let set = try ManifestLoader(kinds: [.deployment]).load(paths: [Self.fixture("list.json")], recursive: false)
        #expect(set.workloads.map(\.name) == ["api"])
        let skipped = try #require(set.skipped.first { $0.kind == "StatefulSet" })
        #expect(skipped.reason == "StatefulSet is not among the selected kinds (--kind deployment).")
    }

    @Test func aDirectoryListsManifestFilesSortedAndNotRecursivelyByDefault() throws {
        let set = try ManifestLoader(kinds: Set(WorkloadKind.allCases)).load(
            paths: [Self.fixture("chart/templates")],
            recursive: false
        )
        #expect(set.workloads.map(\.name) == ["api", "migrate-7"])
    }

    @Test func recursiveDescendsIntoSubdirectories() throws {
        let set = try ManifestLoader(kinds: Set(WorkloadKind.allCases)).load(
            paths: [Self.fixture("chart")],
            recursive: true
        )
        #expect(set.workloads.map(\.name) == ["api", "migrate-7", "log-agent"])
        #expect(set.workloads.map(\.kind) == [.deployment, .job, .daemonSet])
    }

    @Test func theSameWorkloadNamedTwiceIsOneTarget() throws {
        let path = Self.fixture("helm-release.yaml")
        let set = try ManifestLoader().load(paths: [path, path], recursive: false)
        #expect(set.workloads.count == 2)
    }

    @Test func standardInputIsReadForDash() throws {
        let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: from-stdin\n"
        let loader = ManifestLoader(standardInput: { Data(yaml.utf8) })
        let set = try loader.load(paths: ["-"], recursive: false)
        #expect(
            set.workloads == [ManifestWorkload(kind: .deployment, namespace: nil, name: "from-stdin", source: "-:1")]
        )
    }

    @Test func standardInputCanBeNamedOnlyOnce() {
        let loader = ManifestLoader(standardInput: { Data() })
        #expect(throws: ManifestError(path: "-", problem: "standard input can be read only once")) {
            try loader.load(paths: ["-", "-"], recursive: false)
        }
    }

    @Test func aYAMLErrorNamesTheFileAndLine() throws {
        let path = Self.fixture("bad/syntax-error.yaml")
        let error = try #require(throws: ManifestError.self) {
            try ManifestLoader().load(paths: [path], recursive: false)
        }
        #expect(error.path == path)
        #expect(error.line == 7)
        #expect(error.description.hasPrefix("\(path):7:"))
        #expect(error.description.contains("invalid YAML"))
        #expect(!error.description.contains("\n"))
    }

    @Test func aWorkloadWithoutANameIsAnErrorAtItsLine() throws {
        let path = Self.fixture("bad/no-name.yaml")
        let error = try #require(throws: ManifestError.self) {
            try ManifestLoader().load(paths: [path], recursive: false)
        }
        #expect(error.description == "\(path):7: Deployment has no metadata.name.")
    }

    @Test func aDocumentThatIsNotAMappingIsAnError() throws {
        let path = Self.fixture("bad/scalar.yaml")
        let error = try #require(throws: ManifestError.self) {
            try ManifestLoader().load(paths: [path], recursive: false)
        }
        #expect(error.line == 2)
        #expect(error.problem.hasPrefix("document 1 is not a Kubernetes object"))
    }

    @Test func aMissingFileIsOneLine() {
        #expect(throws: ManifestError(path: "/no/such/release.yaml", problem: "no such file or directory")) {
            try ManifestLoader().load(paths: ["/no/such/release.yaml"], recursive: false)
        }
    }

    @Test func binaryDataIsRefusedWithOneLine() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("garbage-\(UUID().uuidString).yaml")
        var bytes = [UInt8](repeating: 0, count: 4096)
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index &* 7919 &+ 13) }
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let error = try #require(throws: ManifestError.self) {
            try ManifestLoader().load(paths: [url.path], recursive: false)
        }
        #expect(error.description.contains("is not a text manifest"))
    }

    @Test func aFileLargerThanTheCapIsRefusedBeforeItIsRead() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("huge-\(UUID().uuidString).yaml")
        // A sparse 50 MB file: refusing it must not depend on reading it.
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: 50_000_000)
        try handle.close()
        defer { try? FileManager.default.removeItem(at: url) }
        let error = try #require(throws: ManifestError.self) {
            try ManifestLoader().load(paths: [url.path], recursive: false)
        }
        #expect(error.problem == "is larger than the 16 MiB a manifest input may have")
    }

    @Test func oversizedStandardInputIsRefused() throws {
        let loader = ManifestLoader(maxInputBytes: 1024, standardInput: { Data(repeating: 0x61, count: 5000) })
        let error = try #require(throws: ManifestError.self) { try loader.load(paths: ["-"], recursive: false) }
        #expect(error.path == "-")
    }

    @Test func aSymlinkLoopIsDetected() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("loop-\(UUID().uuidString)")
        let inner = root.appendingPathComponent("inner")
        try FileManager.default.createDirectory(at: inner, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n".write(
            to: root.appendingPathComponent("a.yaml"),
            atomically: true,
            encoding: .utf8
        )
        try FileManager.default.createSymbolicLink(
            at: inner.appendingPathComponent("back"),
            withDestinationURL: root
        )
        let error = try #require(throws: ManifestError.self) {
            try ManifestLoader().load(paths: [root.path], recursive: true)
        }
        #expect(error.problem.hasPrefix("symbolic link loop"))
    }

    @Test func aDirectoryWithoutManifestsIsAnError() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(throws: ManifestError.self) { try ManifestLoader().load(paths: [root.path], recursive: false) }
    }

    @Test(arguments: [
        ("apps/v1", "Deployment", true), ("batch/v1", "Job", true), ("extensions/v1beta1", "Deployment", false),
        ("v1", "Pod", false), ("networking.k8s.io/v1", "Ingress", false),
    ])
    func onlyWorkloadsOfTheReadGroupsBecomeTargets(apiVersion: String, kind: String, isTarget: Bool) throws {
        let yaml = "apiVersion: \(apiVersion)\nkind: \(kind)\nmetadata:\n  name: x\n  namespace: n\n"
        let set = try ManifestLoader(kinds: Set(WorkloadKind.allCases)).parse(yaml, path: "inline.yaml")
        #expect(set.workloads.count == (isTarget ? 1 : 0))
        #expect(set.skipped.count == (isTarget ? 0 : 1))
    }

    @Test func scalarsThatLookLikeOtherTypesStayStrings() throws {
        // YAML 1.1 would read these names as a boolean and a number; Kubernetes reads strings.
        let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: \"on\"\n  namespace: \"0755\"\n"
        let set = try ManifestLoader().parse(yaml, path: "inline.yaml")
        #expect(set.workloads.first?.name == "on")
        #expect(set.workloads.first?.namespace == "0755")
    }
}
