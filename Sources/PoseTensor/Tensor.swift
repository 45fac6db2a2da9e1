import Foundation

/// A dense float32 array in row-major (NCHW for images) order.
///
/// A tensor either owns its 64-byte aligned storage or is a view into storage kept alive by
/// `base` (for example one parameter inside a flat parameter arena), or storage lent by a
/// `TensorPool`, which gets it back when the tensor goes. Tensors have reference semantics.
public final class Tensor: @unchecked Sendable {
    /// The extent of each dimension, outermost first.
    public let shape: [Int]
    /// The number of elements, the product of `shape`.
    public let count: Int
    /// The first element.
    public let data: UnsafeMutablePointer<Float>
    private let ownsMemory: Bool
    private let base: AnyObject?
    /// The pool the storage returns to, and the storage's element capacity, for pooled tensors.
    private let pool: TensorPool?
    private let capacity: Int

    /// Allocates a zero-filled tensor.
    public init(zeros shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        self.shape = shape
        self.count = Tensor.elementCount(shape)
        self.data = Tensor.allocateZeroed(count)
        self.ownsMemory = true
        self.base = nil
        self.pool = nil
        self.capacity = count
    }

    /// Allocates a tensor filled with `value`.
    public convenience init(repeating value: Float, shape: [Int]) {
        self.init(zeros: shape)
        data.update(repeating: value, count: count)
    }

    /// Allocates a tensor holding a copy of `values`, which must have `shape`'s element count.
    public convenience init(_ values: [Float], shape: [Int]) {
        self.init(zeros: shape)
        precondition(values.count == count, "\(values.count) values for shape \(shape)")
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
    }

    /// A view of `count(shape)` elements at `pointer`, kept valid by holding `base`.
    public init(viewing pointer: UnsafeMutablePointer<Float>, shape: [Int], base: AnyObject?) {
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.data = pointer
        self.ownsMemory = false
        self.base = base
        self.pool = nil
        self.capacity = count
    }

    /// A tensor on storage of `capacity` elements lent by `pool`, which gets it back on deinit.
    init(pooled pointer: UnsafeMutablePointer<Float>, capacity: Int, shape: [Int], pool: TensorPool) {
        self.shape = shape
        self.count = shape.reduce(1, *)
        precondition(count <= capacity, "pooled buffer of \(capacity) for shape \(shape)")
        self.data = pointer
        self.ownsMemory = false
        self.base = nil
        self.pool = pool
        self.capacity = capacity
    }

    deinit {
        if let pool {
            pool.recycle(data, capacity: capacity)
        } else if ownsMemory {
            Tensor.freeStorage(data, count: count)
        }
    }

    /// The product of a shape's dimensions; one that does not fit in memory's address range
    /// ends the process with an out-of-memory error rather than an overflow trap.
    static func elementCount(_ shape: [Int]) -> Int {
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            if overflow || product > Int.max / 8 { MemoryBudget.outOfMemory(bytes: Int.max, elements: Int.max, heldBefore: MemoryBudget.liveTensorBytes) }
            count = product
        }
        return count
    }

    /// Frees storage from `allocateZeroed`.
    static func freeStorage(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        free(pointer)
        MemoryBudget.releaseTensorStorage(max(count, 1) * MemoryLayout<Float>.stride)
    }

    /// 64-byte aligned storage for `count` floats, zero-filled; counted against
    /// `MemoryBudget.limitBytes`.
    static func allocateZeroed(_ count: Int) -> UnsafeMutablePointer<Float> {
        var raw: UnsafeMutableRawPointer?
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        MemoryBudget.reserveTensorStorage(bytes, elements: count)
        guard posix_memalign(&raw, 64, bytes) == 0, let raw else {
            MemoryBudget.outOfMemory(bytes: bytes, elements: count, heldBefore: MemoryBudget.liveTensorBytes - bytes)
        }
        let pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
        return pointer
    }

    /// The elements as a buffer pointer.
    @inlinable public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: data, count: count)
    }

    /// A copy of the elements as an array.
    public var array: [Float] { Array(buffer) }

    /// Reads or writes one element by flat index.
    @inlinable public subscript(index: Int) -> Float {
        get { data[index] }
        set { data[index] = newValue }
    }

    /// A view with another shape of the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        return Tensor(viewing: data, shape: newShape, base: self)
    }

    /// Sets every element to zero.
    public func zero() { data.update(repeating: 0, count: count) }

    /// Copies the elements of `other`, which must have the same count.
    public func copy(from other: Tensor) {
        precondition(other.count == count, "copy from \(other.shape) into \(shape)")
        data.update(from: other.data, count: count)
    }

    /// A new tensor with a copy of the elements.
    public func clone() -> Tensor {
        let t = Tensor(zeros: shape)
        t.copy(from: self)
        return t
    }

    /// The dimension at `axis`; negative axes count from the end.
    public func dim(_ axis: Int) -> Int { shape[axis < 0 ? shape.count + axis : axis] }
}

extension Tensor {
    /// Returns `existing` when it already has `shape`, otherwise a new zeroed tensor.
    /// Layers use this to keep their buffers across steps.
    public static func reuse(_ existing: Tensor?, shape: [Int]) -> Tensor {
        if let existing, existing.shape == shape { return existing }
        return Tensor(zeros: shape)
    }

    /// A tensor of `shape` from `TensorPool.current`, with unspecified elements; its storage goes
    /// back to the pool when the last reference to it is dropped. Layers take their outputs and
    /// gradients from here.
    public static func pooled(shape: [Int]) -> Tensor {
        TensorPool.current.tensor(shape: shape)
    }
}
