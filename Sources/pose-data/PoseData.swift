import ArgumentParser
import PoseCLI

@main
struct Main {
    static func main() {
        BLASSetup.configure()
        PoseData.main()
    }
}

struct PoseData: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pose-data",
        abstract: "Generate and inspect datasets.")

    @Argument(help: "Arguments (not yet implemented).")
    var arguments: [String] = []

    func run() throws {
        fail("pose-data is not implemented yet in this build")
    }
}
