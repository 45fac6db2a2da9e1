import Testing
import PoseTensor

@Suite struct TensorPoolTests {
    @Test func releasedStorageIsReusedBySize() {
        let pool = TensorPool()
        var a: Tensor? = pool.tensor(shape: [4, 5])
        let address = a!.data
        #expect(pool.usage.live == 80 && pool.usage.allocations == 1)
        a = nil
        #expect(pool.usage.live == 0 && pool.usage.free == 80)
        let b = pool.tensor(shape: [2, 10])
        #expect(b.data == address, "the same element count takes the released buffer")
        #expect(pool.usage.allocations == 1 && pool.usage.free == 0)
        let c = pool.tensor(shape: [20])
        #expect(c.data != address && pool.usage.allocations == 2, "a buffer in use is not lent twice")
        #expect(pool.usage.peakLive == 160)
    }

    @Test func aSlightlySmallerRequestTakesTheClosestFreeBuffer() {
        let pool = TensorPool()
        var big: Tensor? = pool.tensor(shape: [120]), bigger: Tensor? = pool.tensor(shape: [200])
        let address = big!.data
        big = nil; bigger = nil
        let t = pool.tensor(shape: [100])
        #expect(t.data == address && t.count == 100, "120 is within a quarter of 100, 200 is not")
        #expect(pool.usage.allocations == 2)
        let u = pool.tensor(shape: [100])
        #expect(pool.usage.allocations == 3, "the 200-element buffer is too large for 100 (\(u.count))")
        _ = bigger
    }

    @Test func freshBuffersAreZeroAndViewsKeepStorageAlive() {
        let pool = TensorPool()
        var t: Tensor? = pool.tensor(shape: [3, 4])
        #expect(t!.array == [Float](repeating: 0, count: 12))
        t!.data.update(repeating: 7, count: 12)
        let view = t!.reshaped([12])
        t = nil
        #expect(pool.usage.live == 48, "a view holds the storage")
        #expect(view[11] == 7)
    }

    @Test func releasingFreeBuffersKeepsLiveOnes() {
        let pool = TensorPool()
        let kept = pool.tensor(shape: [8])
        var dropped: Tensor? = pool.tensor(shape: [16])
        dropped = nil
        pool.releaseFreeBuffers()
        #expect(pool.usage.free == 0 && pool.usage.live == 32 && kept.count == 8 && dropped == nil)
    }

    @Test func pooledTensorsComeFromTheBoundPool() {
        let pool = TensorPool()
        let t = TensorPool.$current.withValue(pool) { Tensor.pooled(shape: [5]) }
        #expect(pool.usage.live == 20 && t.count == 5)
    }
}
