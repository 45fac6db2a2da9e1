import PoseNN
import PoseTensor

/// MMPose's `GlobalAveragePooling` neck: each `N × C × H × W` feature map → `N × C × 1 × 1`
/// (MMPose flattens to `N × C`; the following `Linear` flattens here).
public final class GlobalAveragePoolingNeck: Neck {
    private var pools: [GlobalAveragePool] = []
    /// The neck (no parameters or settings); it pools as many maps as it is given.
    public init() {}

    /// Each `N × C × H × W` map averaged to `N × C × 1 × 1`; keeps the input shapes.
    public func forward(_ feats: [Tensor], mode: ForwardMode) -> [Tensor] {
        while pools.count < feats.count { pools.append(GlobalAveragePool()) }
        return zip(pools, feats).map { $0.forward($1, mode: mode) }
    }

    /// Each gradient spread evenly over its map's `H × W` pixels; nil stays nil. No parameters.
    public func backward(_ dys: [Tensor?]) -> [Tensor?] {
        zip(pools, dys).map { pool, dy in dy.map { pool.backward($0) } }
    }
}
