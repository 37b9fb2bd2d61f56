import ArgumentParser

/// What the gate prints and writes: the report's format, report files, verbosity.
public struct OutputOptions: ParsableArguments {
    /// The stdout format.
    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable {
        /// The JSON report (default), for scripts.
        case json
        /// A summary table, for people.
        case text
    }

    /// `--output`.
    @Option(name: [.short, .long], help: "What stdout carries: json (the report) or text (a summary table).")
    public var output: Format = .json

    /// `--report-file`.
    @Option(name: .long, help: ArgumentHelp("Also write the JSON report to this file.", valueName: "path"))
    public var reportFile: String?

    /// `--junit`.
    @Option(name: .long, help: ArgumentHelp("Write a JUnit XML report (one test case per target).", valueName: "path"))
    public var junit: String?

    /// `--quiet`.
    @Flag(name: [.short, .long], help: "Print no progress on stderr.")
    public var quiet = false

    /// `--verbose`.
    @Flag(name: [.short, .long], help: "Print every observation on stderr.")
    public var verbose = false

    /// Creates the options (ArgumentParser requirement).
    public init() {}
}
