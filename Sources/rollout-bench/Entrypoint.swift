import ArgumentParser
import RolloutBench

@main
enum Entrypoint {
    static func main() async {
        await BenchCommand.main()
    }
}
