import Foundation
import Synchronization

/// Recycles the storage of activations and gradients by size, as PyTorch's caching allocators do.
///
/// A gradient lives from the layer that writes it to the layer that consumes it, and an
/// activation until the backward pass of the layers that saved it, so a training step needs
/// far fewer buffers at once than one output and one gradient per layer: the backward pass frees
/// activations as it goes and its gradients take their place. A pooled tensor hands its storage
/// back when its last reference goes; the next request for the same element count takes it
/// again, so the steady-state step allocates nothing and touches no fresh pages.
///
/// Buffers are matched exactly by element count, which is what repeats from step to step. A
/// request for a size the pool has no buffer for takes the smallest free one that is at most a
/// quarter larger, so a smaller last batch of an epoch reuses the full batch's buffers.
public final class TensorPool: Sendable {
    /// The process's pool.
    public static let shared = TensorPool()

    /// The pool `Tensor.pooled` draws from: `shared`, unless a caller (a test measuring one
    /// model's use) binds its own with `TensorPool.$current.withValue(pool) { … }`.
    @TaskLocal public static var current = TensorPool.shared

    private struct FreeLists: ~Copyable {
        /// Free buffers' addresses by element capacity (addresses, so the lists are `Sendable`).
        var buffers: [Int: [UInt]] = [:]
        var freeBytes = 0
        var liveBytes = 0
        var peakBytes = 0
        var allocations = 0
        var allocatedBytes = 0
    }

    private let state = Mutex(FreeLists())
    /// Whether released storage is kept for reuse (false: freed at once).
    private let recycles: Bool

    /// A pool; with `recycles: false` released storage is freed at once, so `usage.allocatedBytes`
    /// counts every tensor a pass made (what a training pass would keep for its backward).
    public init(recycles: Bool = true) { self.recycles = recycles }

    /// A tensor of `shape` whose elements are unspecified (zero when newly allocated).
    public func tensor(shape: [Int]) -> Tensor {
        let count = Tensor.elementCount(shape)
        let taken: (address: UInt, capacity: Int)? = state.withLock { lists in
            var capacity = count
            if lists.buffers[count]?.isEmpty ?? true {
                let limit = count + count / 4
                guard let best = lists.buffers.lazy.filter({ $0.key > count && $0.key <= limit && !$0.value.isEmpty })
                    .map(\.key).min() else { return nil }
                capacity = best
            }
            let address = lists.buffers[capacity]!.removeLast()
            lists.freeBytes -= capacity * 4
            lists.liveBytes += capacity * 4
            lists.peakBytes = max(lists.peakBytes, lists.liveBytes)
            return (address, capacity)
        }
        if let taken, let pointer = UnsafeMutablePointer<Float>(bitPattern: taken.address) {
            return Tensor(pooled: pointer, capacity: taken.capacity, shape: shape, pool: self)
        }
        let fresh = Tensor.allocateZeroed(count)
        state.withLock { lists in
            lists.liveBytes += count * 4
            lists.peakBytes = max(lists.peakBytes, lists.liveBytes)
            lists.allocations += 1
            lists.allocatedBytes += count * 4
        }
        return Tensor(pooled: fresh, capacity: count, shape: shape, pool: self)
    }

    /// Takes back the storage of a pooled tensor that was released.
    func recycle(_ pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        guard recycles else {
            state.withLock { $0.liveBytes -= capacity * 4 }
            Tensor.freeStorage(pointer, count: capacity)
            return
        }
        let address = UInt(bitPattern: pointer)
        state.withLock { lists in
            lists.buffers[capacity, default: []].append(address)
            lists.freeBytes += capacity * 4
            lists.liveBytes -= capacity * 4
        }
    }

    /// Frees every buffer no tensor holds now (after a run, or between models in one process).
    public func releaseFreeBuffers() {
        state.withLock { lists in
            for (capacity, addresses) in lists.buffers {
                for a in addresses { Tensor.freeStorage(UnsafeMutablePointer<Float>(bitPattern: a)!, count: capacity) }
            }
            lists.buffers = [:]
            lists.freeBytes = 0
        }
    }

    /// Bytes held by live pooled tensors, bytes kept for reuse, the most ever live at once, and
    /// how many buffers (and bytes) were newly allocated (not taken from the free lists) so far.
    public var usage: (live: Int, free: Int, peakLive: Int, allocations: Int, allocatedBytes: Int) {
        state.withLock { ($0.liveBytes, $0.freeBytes, $0.peakBytes, $0.allocations, $0.allocatedBytes) }
    }
}
