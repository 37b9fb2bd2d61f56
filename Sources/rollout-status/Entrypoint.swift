import ArgumentParser
import RolloutStatusCLI

@main
enum Entrypoint {
    static func main() async {
        await RolloutStatusCommand.main()
    }
}
