import ArgumentParser
import PoseCLI

@main
struct Main {
    static func main() {
        BLASSetup.configure()
        PoseTrain.main()
    }
}

struct PoseTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pose-train",
        abstract: "Train a top-down pose model from an MMPose-style config, alone or under mpirun.")

    @Argument(help: "Arguments (not yet implemented).")
    var arguments: [String] = []

    func run() throws {
        fail("pose-train is not implemented yet in this build")
    }
}
