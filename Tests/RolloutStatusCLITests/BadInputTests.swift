import Foundation
import RolloutReport
import RolloutStatusCLI
import Testing

/// Every bad command line: exit 64, exactly one line on stderr, and a program report on stdout — never
/// ArgumentParser's usage dump, never a crash, and the runner never called.
@Suite struct BadInputTests {
    static let cases: [(arguments: [String], stderrContains: String)] = [
        (["-l", "app in (web"], "invalid label selector \"app in (web\""),
        (["-l", "app=web,,tier=x"], "expected a requirement after \",\""),
        (["-l", "bad-=x"], "key \"bad-\""),
        (["-l", "app=has space"], "found \"space\""),
        (["-l", "app ~ web"], "found \"~\" after key \"app\""),
        (["-f", "/no/such/manifest.yaml"], "/no/such/manifest.yaml: no such file or directory"),
        (["-l", "a=b", "--timeout", "banana"], "--timeout: invalid duration \"banana\""),
        (["-l", "a=b", "--timeout", "0s"], "--timeout must be longer than 0s"),
        (["-l", "a=b", "--timeout", "10x"], "unknown unit \"x\""),
        (["-l", "a=b", "--kind", "pod"], "unknown kind \"pod\" in --kind"),
        (["-l", "a=b", "-kind-filter", "cronjob"], "unknown kind \"cronjob\" in -kind-filter"),
        (["-A", "-n", "shop", "-l", "a=b"], "-A (all namespaces) cannot be combined with -n shop"),
        (["-namespace", "", "-n", "shop", "-l", "a=b"], "-namespace \"\" (all namespaces) cannot be combined"),
        (["-n", "", "-l", "a=b"], "invalid namespace \"\""),
        ([], "nothing to wait for"),
        (["-n", "shop"], "nothing to wait for"),
        (["-n", "Shop_1", "-l", "a=b"], "invalid namespace \"Shop_1\""),
        (["-l", "a=b", "--no-such-flag"], "Unknown option '--no-such-flag'"),
        (["-l", "a=b", "--max-restarts", "many"], "many"),
        (["-l", "a=b", "--max-restarts", "3", "-retry-limit", "4"], "--max-restarts and -retry-limit"),
        (["-l", "a=b", "-retry-limit", "-2"], "-retry-limit must be -1"),
        (["-l", "a=b", "--pending-deadline=-5s"], "--pending-deadline must not be negative"),
        (["-l", "a=b", "-interval", "often"], "-interval: invalid duration"),
        (["-l", "a=b", "--quiet", "--verbose"], "--quiet and --verbose contradict"),
        (["-l", "a=b", "--log-bytes", "0"], "--log-bytes must be 1 to 1048576"),
        (["-l", "a=b", "-o", "yaml"], "yaml"),
        (["-l", "a=b", "--context", "x", "-kubecontext", "y"], "disagree"),
        (["-A", "-f", "release.yaml"], "-A applies to a label selector"),
        (["-l", "a=b", "-R"], "-R applies to directories given to -f"),
        (["-l", "a=b", "--report-file", "r", "--junit", "r"], "name the same file"),
        (["-l", "a=b", "stray"], "unexpected argument 'stray'"),
    ]

    @Test(arguments: cases.indices)
    func badInputIsOneLineAProgramReportAndExit64(index: Int) async throws {
        let (arguments, expected) = Self.cases[index]
        let runner = ScriptedRunner(.report(Harness.succeeded))
        let run = await Harness.run(arguments, runner: runner)
        #expect(run.exitCode == .usage, "\(arguments)")
        #expect(run.stderr.count == 1, "\(arguments): \(run.stderr)")
        let line = try #require(run.stderr.first)
        #expect(line.hasPrefix("rollout-status: invalid-input: "))
        #expect(line.lowercased().contains(expected.lowercased()), "\(arguments): \(line)")
        #expect(!run.stdout.contains("USAGE"))
        let report = try run.report("bad-input-\(index)")
        #expect(!report.success)
        #expect(report.error?.code == .program(.invalidInput))
        #expect(report.error?.type == .program)
        #expect(report.results.isEmpty)
        #expect(runner.request == nil, "the runner must not be called for bad input")
    }

    @Test func aManifestWithAYAMLErrorShowsTheLine() async throws {
        let run = await Harness.run(
            ["-f", "-"],
            stdin: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: [unclosed\n"
        )
        #expect(run.exitCode == .usage)
        #expect(run.stderr.count == 1)
        let line = try #require(run.stderr.first)
        #expect(line.hasPrefix("rollout-status: invalid-input: -:"))
        #expect(line.contains("invalid YAML"))
        #expect(try run.report().error?.code == .program(.invalidInput))
    }

    @Test func manifestsWithoutWorkloadsAreAUsageError() async throws {
        let run = await Harness.run(["-f", "-"], stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
        #expect(run.exitCode == .usage)
        #expect(run.stderr.first?.contains("The manifests hold no Deployment to wait for") == true)
    }

    @Test func aManifestWithoutNamespaceAndSeveralNamespacesIsAmbiguous() async throws {
        let run = await Harness.run(
            ["-f", "-", "-n", "a,b"],
            stdin: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
        )
        #expect(run.exitCode == .usage)
        #expect(run.stderr.first?.contains("has no namespace, and -n names 2 (a,b); give it one.") == true)
    }
}
