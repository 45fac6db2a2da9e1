import PoseCLI

@main
struct Main {
    static func main() { PoseTestCommand.main(components: .stock) }
}
