import PoseNN
import PoseTensor

/// Finite-difference verification of hand-written backward passes.
///
/// The loss is `Σ y · R` for a fixed random `R` shaped like the output, so dL/dy = R. Each
/// checked element is perturbed by ±`step` and the central difference compared with the
/// analytic gradient.
///
/// ReLU and max-pool make the loss piecewise smooth: where a perturbation crosses a kink the
/// central difference is no derivative at all. Such elements show a second difference far
/// larger than smooth curvature allows; they are skipped and another element is drawn, and a
/// check that skips more than a third of its elements (and more than two) fails, so kinks cannot hide a wrong
/// gradient.
///
/// The outputs are float32, so the loss carries rounding noise of about
/// ε·√Σ(y·R)²; divided by 2·step it bounds how well a central difference can agree. The absolute
/// tolerance is raised to eight times that floor for wide layers, where it exceeds the configured one.
public struct GradientCheck {
    /// One compared element.
    public struct Mismatch: CustomStringConvertible {
        /// The checked tensor: `input` (`input 1`, … for several inputs) or the parameter's name;
        /// with `(too many kinks: …)` appended when the check skipped too many elements.
        public let tensor: String
        /// The element's flat index in the tensor; −1 for a too-many-kinks entry.
        public let index: Int
        /// The backward pass's gradient of the element; NaN for a too-many-kinks entry.
        public let analytic: Double
        /// The central difference `(L(x + step) − L(x − step)) / (2 · step)`; NaN for a
        /// too-many-kinks entry.
        public let numeric: Double
        /// One line, `name[index]: analytic a, numeric n`, for test failure messages.
        public var description: String { "\(tensor)[\(index)]: analytic \(analytic), numeric \(numeric)" }
    }

    /// The perturbation added to and subtracted from each checked element; 5e-4 by default.
    public var step: Float = 5e-4
    /// The allowed difference relative to the larger of the two gradients' magnitudes; 2e-2 by default.
    public var relativeTolerance = 2e-2
    /// The allowed absolute difference, added to the relative one; 3e-3 by default, raised to
    /// eight times the float32 noise floor where that is larger (wide layers).
    public var absoluteTolerance = 3e-3
    /// Elements checked per tensor (all when the tensor is smaller).
    public var samplesPerTensor = 24
    /// Seeds `R` and the choice of elements, so a check is reproducible; 11 by default.
    public var seed: UInt64 = 11

    /// Creates a check with the default step, tolerances and sample count.
    public init() {}

    /// Checks dx and every parameter's gradient of `forward`/`backward` at input `x`.
    /// - Parameters:
    ///   - parameters: named parameters whose gradients to check (usually the layer's state).
    ///   - forward: runs the layer on `x` (training mode) and returns its output.
    ///   - backward: back-propagates dL/dy and returns dx (nil when dx is not checked).
    /// - Returns: every element outside tolerance; empty when the gradients agree.
    public func run(input x: Tensor, parameters: [(name: String, parameter: Parameter)],
                    forward: () -> Tensor, backward: (Tensor) -> Tensor?) -> [Mismatch] {
        var rng = RandomGenerator(seed: seed)
        let y0 = forward()
        let r = Tensor(zeros: y0.shape)
        rng.fillUniform(r, low: -1, high: 1)
        var energy = 0.0
        for i in 0..<y0.count { energy += Double(y0[i] * r[i]) * Double(y0[i] * r[i]) }
        let noiseFloor = 8 * Double(Float.ulpOfOne) * energy.squareRoot() / (2 * Double(step))
        let atol = max(absoluteTolerance, noiseFloor)
        for (_, p) in parameters { p.grad.zero() }
        let dxAnalytic = backward(r)?.clone()
        // snapshot every gradient now: the numeric passes may run code that accumulates again
        let analyticGrads = parameters.map { $0.parameter.grad.clone() }

        func loss() -> Double {
            let y = forward()
            var s = 0.0
            for i in 0..<y.count { s += Double(y[i]) * Double(r[i]) }
            return s
        }
        var mismatches: [Mismatch] = []
        func check(_ name: String, _ values: Tensor, _ analytic: Tensor) {
            var candidates = Array(0..<values.count)
            if values.count > samplesPerTensor {
                candidates = (0..<(3 * samplesPerTensor)).map { _ in Int(rng.next() % UInt64(values.count)) }
            }
            let wanted = min(samplesPerTensor, values.count)
            var checked = 0, skipped = 0
            for i in candidates where checked < wanted {
                let saved = values[i]
                let center = loss()
                values[i] = saved + step
                let plus = loss()
                values[i] = saved - step
                let minus = loss()
                values[i] = saved
                let numeric = (plus - minus) / (2 * Double(step))
                let kink = abs(plus - 2 * center + minus) / (2 * Double(step))
                if kink > atol + relativeTolerance * abs(numeric) {
                    skipped += 1
                    continue
                }
                checked += 1
                let a = Double(analytic[i])
                if abs(a - numeric) > atol + relativeTolerance * max(abs(a), abs(numeric)) {
                    mismatches.append(Mismatch(tensor: name, index: i, analytic: a, numeric: numeric))
                }
            }
            if skipped > max(2, checked / 2) {
                mismatches.append(Mismatch(tensor: name + " (too many kinks: \(skipped) skipped, \(checked) checked)",
                                           index: -1, analytic: .nan, numeric: .nan))
            }
        }
        if let dxAnalytic { check("input", x, dxAnalytic) }
        for ((name, p), grad) in zip(parameters, analyticGrads) where p.requiresGrad {
            check(name, p.value, grad)
        }
        return mismatches
    }

    /// Checks a block with several inputs and outputs (parallel branches, fuse layers) with
    /// respect to `inputs[checkedInput]` and every parameter. The outputs are flattened into
    /// one vector, so a single loss covers all of them.
    /// - Parameters:
    ///   - forward: runs the block on `inputs` (training mode) and returns its outputs.
    ///   - backward: back-propagates one dL/dy per output and returns one dx per input.
    public func run(inputs: [Tensor], checkedInput: Int, parameters: [(name: String, parameter: Parameter)],
                    forward: () -> [Tensor], backward: ([Tensor]) -> [Tensor]) -> [Mismatch] {
        run(input: inputs[checkedInput], parameters: parameters,
            forward: {
                let ys = forward()
                let flat = Tensor(zeros: [ys.reduce(0) { $0 + $1.count }])
                var offset = 0
                for y in ys { (flat.data + offset).update(from: y.data, count: y.count); offset += y.count }
                return flat
            },
            backward: { dy in
                // backward needs the caches of a forward pass with the unperturbed inputs
                var offset = 0
                let dys = forward().map { y -> Tensor in
                    let t = Tensor(zeros: y.shape)
                    t.data.update(from: dy.data + offset, count: y.count)
                    offset += y.count
                    return t
                }
                return backward(dys)[checkedInput].clone()
            })
    }

    /// Checks a block with several inputs and outputs against every input and every parameter:
    /// `run(inputs:checkedInput:...)` once per input, the parameters checked on the first pass
    /// only. Mismatches name the input (`input 1`) they belong to.
    public func run(inputs: [Tensor], parameters: [(name: String, parameter: Parameter)],
                    forward: () -> [Tensor], backward: ([Tensor]) -> [Tensor]) -> [Mismatch] {
        inputs.indices.flatMap { i in
            run(inputs: inputs, checkedInput: i, parameters: i == 0 ? parameters : [], forward: forward, backward: backward)
                .map { m in m.tensor == "input" ? Mismatch(tensor: "input \(i)", index: m.index, analytic: m.analytic, numeric: m.numeric) : m }
        }
    }

    /// Checks a `Layer` and all of its parameters.
    public func run(_ layer: Layer, input x: Tensor, checkInput: Bool = true) -> [Mismatch] {
        run(input: x, parameters: layer.stateDict().parameters,
            forward: { layer.forward(x, mode: .training) },
            backward: { dy in
                let dx = layer.backward(dy)
                return checkInput ? dx : nil
            })
    }
}
