import type { TrainingState } from '@cnnkit/contracts';

/**
 * Thrown by {@link train} when a batch's loss is NaN or infinite. The failing update was not
 * applied: the model and optimizer hold the weights of `state`, the last good step, so the
 * caller can checkpoint them and retry with a smaller learning rate.
 *
 * @example
 * ```ts
 * // A learning rate far too large: the first step's update sends the weights to infinity.
 * const optimizer = new SgdOptimizer(model.parameters, { lr: 1e30 });
 * let stopped = false;
 * try {
 *   await train({ model, optimizer, trainData, epochs: 3 });
 * } catch (error) {
 *   if (!(error instanceof NonFiniteLossError)) throw error;
 *   stopped = true;
 *   error.state.step; // 1
 *   console.log(`loss ${error.loss} in epoch ${error.epoch + 1}: retry with lr < ${error.lr}`);
 * }
 * stopped; // true
 * ```
 */
export class NonFiniteLossError extends Error {
  override readonly name = 'NonFiniteLossError';

  constructor(
    readonly loss: number,
    readonly epoch: number,
    readonly batch: number,
    readonly lr: number,
    /** The state after the last good step; matches the model's current weights. */
    readonly state: TrainingState,
  ) {
    super(
      `Training loss became ${loss} at epoch ${epoch + 1}, batch ${batch + 1} (step ${state.step + 1}); ` +
        `the update was skipped and the weights of step ${state.step} kept. ` +
        `The learning rate ${lr} is probably too high: try ${lr / 10}, or check the input data for NaN values.`,
    );
  }
}
