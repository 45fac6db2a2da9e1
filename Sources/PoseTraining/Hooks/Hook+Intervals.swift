/// MMEngine's interval helpers (`every_n_epochs`, `every_n_train_iters`, `every_n_inner_iters`,
/// `end_of_epoch`, `is_last_train_epoch`, `is_last_train_iter`), for hooks that act every N
/// epochs or iterations. Read in `afterTrainEpoch` they concern the epoch just trained; in
/// `beforeTrainIteration`/`afterTrainIteration` the current iteration.
extension Hook {
    /// Whether the epoch just trained, counted from 1 (`runner.epoch + 1`), is a multiple of `n`
    /// past `start`.
    public func everyNEpochs(_ runner: Trainer, _ n: Int, start: Int = 0) -> Bool {
        let count = runner.epoch + 1 - start
        return n > 0 && count >= 0 && count % n == 0
    }

    /// Whether the current iteration, counted over the run from 1, is a multiple of `n` past `start`.
    public func everyNTrainIterations(_ runner: Trainer, _ n: Int, start: Int = 0) -> Bool {
        let count = runner.iteration + 1 - start
        return n > 0 && count >= 0 && count % n == 0
    }

    /// Whether the current iteration, counted within its epoch from 1, is a multiple of `n`.
    public func everyNInnerIterations(_ runner: Trainer, _ n: Int) -> Bool {
        n > 0 && (runner.innerIteration + 1) % n == 0
    }

    /// Whether the current iteration is its epoch's last.
    public func isEndOfEpoch(_ runner: Trainer) -> Bool { runner.innerIteration + 1 == runner.iterationsPerEpoch }

    /// Whether the epoch being (or just) trained is the run's last.
    public func isLastTrainEpoch(_ runner: Trainer) -> Bool { runner.epoch + 1 == runner.maxEpochs }

    /// Whether the current iteration is the run's last.
    public func isLastTrainIteration(_ runner: Trainer) -> Bool {
        runner.iteration + 1 == runner.maxEpochs * runner.iterationsPerEpoch
    }
}
