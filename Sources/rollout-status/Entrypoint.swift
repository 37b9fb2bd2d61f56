import ArgumentParser
import RolloutStatusCLI

@main
enum Entrypoint {
    static func main() async {
        let code = await GateProgram.main()
        RolloutStatusCommand.exit(withError: code == .success ? nil : ExitCode(code.rawValue))
    }
}
