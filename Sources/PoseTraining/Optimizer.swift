import PoseNN

/// Updates parameters in place from their gradients at a given learning rate.
public protocol Optimizer: AnyObject {
    /// Applies one update to every parameter that requires gradients.
    func step(learningRate: Float)
    /// The number of steps taken.
    var stepCount: Int { get }
}
