import ArgumentParser
import KubeModel
import RolloutCoordinator
import RolloutReport

/// An error that knows its program error code; errors of the lower layers conform where they are mapped.
///
/// KubeClient's kubeconfig errors say `kubeconfig`, its HTTP errors `unauthorized`, `forbidden` or
/// `api-unavailable`; conformances are added here, in the command line, as those types land, so the
/// lower layers never depend on the report.
public protocol GateProgramError: Error, CustomStringConvertible {
    /// The report's `error.code` for this error.
    var programErrorCode: ProgramErrorCode { get }
}

/// The one place that turns any error into the report's error and the process's exit code.
public enum ErrorPresentation {
    /// Classifies `error`: usage and input errors are `invalid-input` (64), cancellation is
    /// `interrupted` (130), errors that know their code keep it, and anything else is `internal` (70).
    public static func classify(_ error: any Error) -> (error: ReportError, exitCode: GateExitCode) {
        let reportError = reportError(for: error)
        return (reportError, GateExitCode(error: reportError))
    }

    private static func reportError(for error: any Error) -> ReportError {
        switch error {
        case let error as any GateProgramError:
            return ReportError(program: error.programErrorCode, message: sentence(error.description))
        case let error as GateUsageError:
            return ReportError(program: .invalidInput, message: sentence(error.description))
        case let error as ManifestError:
            return ReportError(program: .invalidInput, message: error.description)
        case let error as ReportFileError:
            return ReportError(program: .invalidInput, message: error.description)
        case let error as LabelSelectorError:
            return ReportError(program: .invalidInput, message: sentence(error.description))
        case let error as GoDurationError:
            return ReportError(program: .invalidInput, message: sentence(error.description))
        case is CancellationError:
            return ReportError(program: .interrupted, message: "The gate was cancelled before it finished.")
        default:
            if RolloutStatusCommand.exitCode(for: error) == .validationFailure {
                return ReportError(program: .invalidInput, message: sentence(commandLineMessage(error)))
            }
            return ReportError(program: .internal, message: "Internal error (a bug, please report it): \(error).")
        }
    }

    /// ArgumentParser's message for a parse error, reduced to its first line.
    static func commandLineMessage(_ error: any Error) -> String {
        let message = RolloutStatusCommand.message(for: error)
        let firstLine = message.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init)
        return firstLine ?? "invalid command line"
    }

    /// Capitalises the first letter and ends with a period: messages are sentences.
    static func sentence(_ text: String) -> String {
        guard let first = text.first else { return text }
        var result = first.uppercased() + text.dropFirst()
        if !(result.hasSuffix(".") || result.hasSuffix("?") || result.hasSuffix("!")) { result += "." }
        return result
    }
}
