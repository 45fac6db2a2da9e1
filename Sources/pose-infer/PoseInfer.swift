import ArgumentParser
import PoseCLI

@main
struct Main {
    static func main() {
        BLASSetup.configure()
        PoseInfer.main()
    }
}

struct PoseInfer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pose-infer",
        abstract: "Run a trained model on images.")

    @Argument(help: "Arguments (not yet implemented).")
    var arguments: [String] = []

    func run() throws {
        fail("pose-infer is not implemented yet in this build")
    }
}
