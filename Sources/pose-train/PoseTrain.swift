import PoseCLI

@main
struct Main {
    static func main() { PoseTrainCommand.main(components: .stock) }
}
