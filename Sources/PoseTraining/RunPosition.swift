/// A point of a run: `epoch` completed epochs plus `innerIteration` iterations of the next one,
/// `iteration` iterations in all.
public struct RunPosition: Sendable, Equatable, CustomStringConvertible {
    /// Completed epochs; while `innerIteration` > 0 it is also the 0-based index of the epoch
    /// in progress.
    public var epoch: Int
    /// Completed iterations over the whole run (one batch per rank each).
    public var iteration: Int
    /// Completed iterations of the epoch in progress; 0 at an epoch's end.
    public var innerIteration: Int

    /// The position after `epoch` whole epochs and `innerIteration` iterations of the next,
    /// `iteration` iterations in all (the caller keeps the three consistent).
    public init(epoch: Int, iteration: Int, innerIteration: Int) {
        self.epoch = epoch; self.iteration = iteration; self.innerIteration = innerIteration
    }

    /// The position as log lines and errors give it, epochs counted from 1: "the end of
    /// epoch 3 (iteration 300)", or "iteration 250 (50 into epoch 3)" within an epoch.
    public var description: String {
        innerIteration == 0 ? "the end of epoch \(epoch) (iteration \(iteration))"
                            : "iteration \(iteration) (\(innerIteration) into epoch \(epoch + 1))"
    }
}
