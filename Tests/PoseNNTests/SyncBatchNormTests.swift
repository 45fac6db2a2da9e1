import Foundation
import Testing
import SwiftPoseTestSupport
@testable import PoseNN
import PoseTensor

/// Replicas as threads of one process: each `sumOverReplicas` waits until every replica has
/// contributed, then hands each the total (an in-process allreduce, as MPI's for SyncBN).
final class ThreadReplicaGroup: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var totals: [Double] = []
    private var result: [Double] = []
    private var pending = 0
    private var generation = 0

    init(size: Int) { self.size = size }

    /// A reducer for one replica of the group.
    func member() -> any ReplicaReducer { Member(group: self) }

    private final class Member: ReplicaReducer {
        let group: ThreadReplicaGroup
        init(group: ThreadReplicaGroup) { self.group = group }
        func sumOverReplicas(_ values: UnsafeMutableBufferPointer<Double>) { group.reduce(values) }
    }

    private func reduce(_ values: UnsafeMutableBufferPointer<Double>) {
        condition.lock()
        defer { condition.unlock() }
        let mine = generation
        if pending == 0 { totals = Array(repeating: 0, count: values.count) }
        for i in values.indices { totals[i] += values[i] }
        pending += 1
        if pending == size {
            // the last to arrive publishes; nobody can start the generation after next before
            // every replica has read this one
            result = totals
            pending = 0
            generation += 1
            condition.broadcast()
        } else {
            while generation == mine { condition.wait() }
        }
        for i in values.indices { values[i] = result[i] }
    }
}

/// A reducer over a single replica: the sums stay as they are, but the layer takes the SyncBN path.
final class SingleReplica: ReplicaReducer {
    func sumOverReplicas(_ values: UnsafeMutableBufferPointer<Double>) {}
}

@Suite struct SyncBatchNormTests {
    /// `count` images of `source` starting at `first`, as their own tensor.
    func images(_ source: Tensor, from first: Int, count: Int) -> Tensor {
        let per = source.count / source.shape[0]
        let t = Tensor(zeros: [count] + source.shape.dropFirst())
        t.data.update(from: source.data + first * per, count: count * per)
        return t
    }

    @Test(arguments: [false, true])
    func twoReplicasEqualOneLayerOverTheWholeBatch(relu: Bool) throws {
        let channels = 3, shape = [6, channels, 5, 3]
        var rng = RandomGenerator(seed: 11)
        let x = Tensor(zeros: shape), dy = Tensor(zeros: shape)
        rng.fillUniform(x, low: -1, high: 2)
        rng.fillUniform(dy, low: -1, high: 1)
        func layer() -> BatchNorm2d {
            let bn = BatchNorm2d(channels, relu: relu)
            for c in 0..<channels { bn.weight.value[c] = 0.5 + Float(c); bn.bias.value[c] = 0.1 * Float(c) }
            return bn
        }
        let whole = layer()
        let y = whole.forward(x, mode: .training).clone()
        let dx = whole.backward(dy).clone()

        // uneven shares (4 + 2 images): the reduced count, not the replica count, weighs them
        let group = ThreadReplicaGroup(size: 2)
        let shares = [(0, 4), (4, 2)]
        nonisolated(unsafe) let replicas = shares.map { _ in layer() }
        let results = UnsafeMutableBufferPointer<(Tensor, Tensor)?>.allocate(capacity: 2)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        nonisolated(unsafe) let out = results
        DispatchQueue.concurrentPerform(iterations: 2) { r in
            let bn = replicas[r]
            bn.reducer = group.member()
            let (first, count) = shares[r]
            let yr = bn.forward(images(x, from: first, count: count), mode: .training).clone()
            let dxr = bn.backward(images(dy, from: first, count: count)).clone()
            out[r] = (yr, dxr)
        }
        for (r, (first, count)) in shares.enumerated() {
            let (yr, dxr) = try #require(results[r])
            let wantY = images(y, from: first, count: count), wantDx = images(dx, from: first, count: count)
            for i in 0..<yr.count {
                #expect(abs(yr[i] - wantY[i]) <= 1e-5 * max(1, abs(wantY[i])), "y[\(i)] of replica \(r)")
                #expect(abs(dxr[i] - wantDx[i]) <= 1e-5 * max(1, abs(wantDx[i])), "dx[\(i)] of replica \(r)")
            }
            for c in 0..<channels {
                #expect(abs(replicas[r].runningMean[c] - whole.runningMean[c]) <= 1e-6)
                #expect(abs(replicas[r].runningVar[c] - whole.runningVar[c]) <= 1e-6)
            }
        }
        // each replica's dγ, dβ are its share's; their sum is the whole batch's (the trainer's
        // gradient average then divides both sides by the rank count)
        for c in 0..<channels {
            let dGamma = replicas[0].weight.grad[c] + replicas[1].weight.grad[c]
            let dBeta = replicas[0].bias.grad[c] + replicas[1].bias.grad[c]
            #expect(abs(dGamma - whole.weight.grad[c]) <= 1e-5 * max(1, abs(whole.weight.grad[c])))
            #expect(abs(dBeta - whole.bias.grad[c]) <= 1e-5 * max(1, abs(whole.bias.grad[c])))
        }
    }

    @Test(arguments: [false, true])
    func synchronizedPathPassesTheGradientCheck(relu: Bool) {
        let bn = BatchNorm2d(3, relu: relu)
        bn.reducer = SingleReplica()
        expectGradientsMatch(bn, inputShape: [3, 3, 4, 5])
    }

    @Test func inferenceNeverReduces() {
        final class Counting: ReplicaReducer {
            var calls = 0
            func sumOverReplicas(_ values: UnsafeMutableBufferPointer<Double>) { calls += 1 }
        }
        let bn = BatchNorm2d(2), counting = Counting()
        bn.reducer = counting
        let x = Tensor(repeating: 1, shape: [1, 2, 2, 2])
        _ = bn.forward(x, mode: .inference)
        bn.frozen = true
        _ = bn.backward(bn.forward(x, mode: .training))
        #expect(counting.calls == 0)
        bn.frozen = false
        _ = bn.backward(bn.forward(x, mode: .training))
        #expect(counting.calls == 2)
    }
}
