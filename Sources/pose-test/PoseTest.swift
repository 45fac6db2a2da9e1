import ArgumentParser
import PoseCLI

@main
struct Main {
    static func main() {
        BLASSetup.configure()
        PoseTest.main()
    }
}

struct PoseTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pose-test",
        abstract: "Evaluate a checkpoint on a config's test set.")

    @Argument(help: "Arguments (not yet implemented).")
    var arguments: [String] = []

    func run() throws {
        fail("pose-test is not implemented yet in this build")
    }
}
