import ArgumentParser
import KubeSimulator

@main
enum Entrypoint {
    static func main() async {
        await KubeSimCommand.main()
    }
}
