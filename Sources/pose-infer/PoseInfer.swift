import PoseCLI

@main
struct Main {
    static func main() { PoseInferCommand.main(components: .stock) }
}
