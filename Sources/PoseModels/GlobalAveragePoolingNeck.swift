import PoseNN
import PoseTensor

/// MMPose's `GlobalAveragePooling` neck: each `N × C × H × W` feature map → `N × C × 1 × 1`
/// (MMPose flattens to `N × C`; the following `Linear` flattens here).
public final class GlobalAveragePoolingNeck: Neck {
    private var pools: [GlobalAveragePool] = []
    public init() {}

    public func forward(_ feats: [Tensor], mode: ForwardMode) -> [Tensor] {
        while pools.count < feats.count { pools.append(GlobalAveragePool()) }
        return zip(pools, feats).map { $0.forward($1, mode: mode) }
    }

    public func backward(_ dys: [Tensor?]) -> [Tensor?] {
        zip(pools, dys).map { pool, dy in dy.map { pool.backward($0) } }
    }
}
