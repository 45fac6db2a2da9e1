import PoseNN
import PoseTensor

/// Updates parameters in place from their gradients at a given learning rate.
public protocol Optimizer: AnyObject {
    /// Applies one update to every parameter that requires gradients.
    func step(learningRate: Float)
    /// The number of steps taken.
    var stepCount: Int { get }
    /// Restores the step count after the state tensors were loaded.
    func restore(stepCount: Int)
    /// Named state buffers, each laid out like the parameter arena (for checkpoints).
    var stateTensors: [(name: String, tensor: Tensor)] { get }
}
