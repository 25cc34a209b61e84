import type { TensorKind } from './classifier.js';

/**
 * Parameters that get their own learning rate and weight decay, like one entry of
 * `torch.optim.SGD`'s `param_groups`. A parameter belongs to the first group whose `kinds` or
 * `names` list it; parameters no group lists use the optimizer's own settings.
 */
export interface SgdParameterGroup {
  /** Parameters of these kinds (e.g. `'norm-bias'` for BatchNorm biases). */
  readonly kinds?: readonly TensorKind[];
  /** Parameters with these names (PyTorch `state_dict` keys). */
  readonly names?: readonly string[];
  /** The group's learning rate is the optimizer's `lr` times this. Default 1. */
  readonly lrScale?: number;
  /** The group's torch `weight_decay` (coupled: added to the gradient as `weightDecay·p`). Default: the optimizer's. */
  readonly weightDecay?: number;
}

/**
 * A learning-rate multiplier for every step, as a JSON value so checkpoints can store it.
 * `piecewise-linear`: `points` are `[fraction of the run's steps, factor]` pairs, the first at
 * fraction 0 and the last at 1; the breakpoint of fraction `f` in a run of `T` steps is step
 * `floor(f·T)`, and (0-based) step `s` between breakpoints `a` and `b` gets
 * `v_a·(1 − t) + v_b·t` with `t = (s − a)/(b − a)`. airbench93's schedule (0.2 → 1 over the
 * first 23 % of the steps, then → 0.07) is `[[0, 0.2], [0.23, 1], [1, 0.07]]`; a warm-up is
 * `[[0, 0], [0.1, 1], [1, 1]]`, a one-cycle ramp `[[0, 0.1], [0.3, 1], [1, 0]]`.
 */
export type LearningRateSchedule =
  | { readonly type: 'constant' }
  | {
      readonly type: 'piecewise-linear';
      readonly points: readonly (readonly [fraction: number, factor: number])[];
    };

/** The training loss: cross-entropy, as `torch.nn.CrossEntropyLoss(label_smoothing, reduction)`. */
export interface LossSettings {
  /** PyTorch's `label_smoothing`: the target is `(1 − ε)·oneHot + ε/classes`. Default 0. */
  readonly labelSmoothing?: number;
  /** `'mean'` (default) or `'sum'` over the batch (airbench sums). */
  readonly reduction?: 'mean' | 'sum';
}

/**
 * airbench's lookahead: every `every` steps an exponential moving average of the weights and
 * float buffers moves toward them, `ema ← ema + (1 − d)·(w − ema)` with
 * `d = decay·(step/totalSteps)^power`, and the weights are reset to it; after the last step
 * the weights are the average. airbench93: every 5, decay 0.95⁵, power 3.
 */
export interface LookaheadSettings {
  readonly every: number;
  readonly decay: number;
  readonly power: number;
}

/**
 * Test-time augmentation of an evaluation: `'none'`; `'mirror'`, the mean of the logits of the
 * image and its mirror image; `'mirror-translate'` (airbench's level 2), that mean averaged
 * with the mirrored pairs of two 1-pixel translations (reflect padding 1, crops at (0, 0) and
 * (2, 2)).
 */
export type TestTimeAugmentation = 'none' | 'mirror' | 'mirror-translate';

/**
 * How a training step is computed beyond the optimizer's settings: the loss, the
 * learning-rate schedule, weight averaging, parameters trained only at the start, and the
 * final evaluation's test-time augmentation. Plain JSON, stored in checkpoints; every field is
 * optional and its absence is the PyTorch tutorial's plain loop.
 */
export interface TrainingMethod {
  readonly loss?: LossSettings;
  /** Multiplies the optimizer's learning rate, step by step over the whole run. Default constant. */
  readonly lrSchedule?: LearningRateSchedule;
  readonly lookahead?: LookaheadSettings;
  /**
   * Parameters trained only during the first n epochs of the run and frozen afterwards (no
   * update, no weight decay, momentum kept), by name: airbench's whitening bias,
   * `{ 'whiten.bias': 3 }`.
   */
  readonly trainedForEpochs?: { readonly [parameterName: string]: number };
  /** Applied to the evaluation after the last epoch; earlier epochs are evaluated plainly. */
  readonly testTimeAugmentation?: TestTimeAugmentation;
}
