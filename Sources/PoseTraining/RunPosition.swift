/// A point of a run: `epoch` completed epochs plus `innerIteration` iterations of the next one,
/// `iteration` iterations in all.
public struct RunPosition: Sendable, Equatable, CustomStringConvertible {
    public var epoch: Int
    public var iteration: Int
    public var innerIteration: Int

    public init(epoch: Int, iteration: Int, innerIteration: Int) {
        self.epoch = epoch; self.iteration = iteration; self.innerIteration = innerIteration
    }

    public var description: String {
        innerIteration == 0 ? "the end of epoch \(epoch) (iteration \(iteration))"
                            : "iteration \(iteration) (\(innerIteration) into epoch \(epoch + 1))"
    }
}
