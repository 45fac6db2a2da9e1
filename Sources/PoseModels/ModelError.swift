import PoseData

/// A model that cannot be built as asked; the message names the argument and what is accepted.
public struct ModelError: Error, CustomStringConvertible, Equatable {
    /// The one-line explanation, naming the config key and what it accepts.
    public let message: String
    /// An error with `message`.
    public init(_ message: String) { self.message = message }
    /// The `message` itself, as logs and the command line print it.
    public var description: String { message }
}

extension ModelError {
    /// A head whose `N × C × h × w` heatmaps (`maps`) are not the size `codec` makes or decodes:
    /// the codec's `heatmap_size` is (`width`, `height`). `model` names the model in the message.
    public static func heatmapSize(model: String, maps: [Int], codec: any KeypointCodec, width: Int, height: Int) -> ModelError {
        ModelError("\(model) predicts heatmaps of \(maps[1])×\(maps[2])×\(maps[3]) (C×H×W) for input_size \(codec.inputSize) but the codec's heatmap_size is (\(width), \(height)); set heatmap_size to (\(maps[3]), \(maps[2])) or change the head")
    }
}
