import * as tf from '@tensorflow/tfjs-core';
import '@cnnkit/tfjs-gradients';
import type {
  BatchSource,
  EpochRecord,
  EvaluationResult,
  ImageBatch,
  JsonValue,
  TrainableClassifier,
  TrainingMethod,
  TrainingState,
} from '@cnnkit/contracts';
import { createCheckpoint } from './checkpoint.js';
import { evaluate } from './evaluate.js';
import { type GradientSource, localGradients } from './gradient-source.js';
import { learningRateFactor } from './learning-rate-schedule.js';
import type { LookaheadAveraging } from './lookahead-averaging.js';
import { NonFiniteLossError } from './non-finite-loss-error.js';
import type { SgdOptimizer } from './sgd-optimizer.js';
import { emitTrainingEvent, type TrainingEventSinks } from './training-events.js';
import { checkTrainingMethod, frozenParameters } from './training-method.js';
import { checkTrainingState, initialTrainingState } from './training-state.js';

/** Options of {@link train}. */
export interface TrainOptions extends TrainingEventSinks {
  readonly model: TrainableClassifier;
  /**
   * Built over `model.parameters`, or over some of them to keep the others frozen (only the
   * optimizer's parameters are differentiated and updated); restored from a checkpoint when
   * resuming.
   */
  readonly optimizer: SgdOptimizer;
  readonly trainData: BatchSource;
  /** Evaluated at the end of every epoch. */
  readonly testData?: BatchSource;
  /** Total number of epochs of the run (not "more epochs"): a resumed run stops at the same place. */
  readonly epochs: number;
  /** Batches per running-loss report, like the seed's `if i % 2000 == 1999`. Default 2000. */
  readonly reportEvery?: number;
  /** Where to start; a checkpoint's state to resume. Default: {@link initialTrainingState}. */
  readonly start?: TrainingState;
  /** Emit a `checkpoint` event every this many steps (inside an epoch). Default: never. */
  readonly checkpointEvery?: number;
  /** Emit a `checkpoint` event after each epoch-end. Default true. */
  readonly checkpointAtEpochEnd?: boolean;
  /** The caller's run settings (seed, batch size, …), stored verbatim in checkpoints. */
  readonly config?: { readonly [key: string]: JsonValue };
  /**
   * Loss, learning-rate schedule, lookahead, parameters trained only at first, and the final
   * evaluation's test-time augmentation; stored in checkpoints. Default: the plain loop
   * (mean cross-entropy, constant learning rate). Schedules and lookahead span
   * `epochs × trainData.batchesPerEpoch` steps, so a resumed run must keep `epochs`.
   */
  readonly method?: TrainingMethod;
  /**
   * The lookahead average, required exactly when `method.lookahead` is set: a new
   * `LookaheadAveraging.forModel(model, method.lookahead)` for a fresh run (made after any
   * data-dependent initialisation), or the one `restoreCheckpoint` returns.
   */
  readonly averaging?: LookaheadAveraging;
  /**
   * Stops training between batches; {@link train} then resolves with the state reached. The
   * step queued behind the one being reported when the signal fires still completes (see the
   * loss read-back note), so a run aborted from a `batch-end` of step s stops after step s + 1.
   */
  readonly signal?: AbortSignal;
  /**
   * Computes each step's loss and gradients. Default: {@link localGradients} of `model` on the
   * calling thread; `ReplicaGradients` of `@cnnkit/trainer/node` splits batches over threads.
   */
  readonly gradients?: GradientSource;
}

/** What {@link train} resolves with. */
export interface TrainResult {
  /** `'aborted'` when `signal` stopped the run; checkpoint `state` to continue later. */
  readonly stopReason: 'completed' | 'aborted';
  readonly state: TrainingState;
}

interface DispatchedStep {
  readonly epoch: number;
  readonly batch: number;
  readonly size: number;
  readonly loss: tf.Scalar;
  readonly lossValue: Promise<Float32Array | Int32Array | Uint8Array>;
}

// History goes into checkpoints and must be identical after a resume; throughput never is.
function withoutTiming(result: EvaluationResult): Omit<EvaluationResult, 'imagesPerSecond'> {
  const { imagesPerSecond: _timing, ...rest } = result;
  return rest;
}

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`train: ${name} must be an integer >= 1, got ${String(value)}.`);
  }
}

/**
 * Trains `model` with cross-entropy loss and `optimizer`, epoch by epoch, reporting progress
 * as {@link @cnnkit/contracts!TrainingEvent}s and resuming from any {@link @cnnkit/contracts!TrainingState}.
 * Training steps run the model in training mode (`logits(images, { training: true })`:
 * BatchNorm uses batch statistics and updates its running ones); evaluations run it in
 * evaluation mode. `method` adds airbench's pieces: label smoothing and summed loss, a
 * per-step learning-rate schedule, lookahead weight averaging, parameters frozen after their
 * first epochs and test-time augmentation for the final evaluation.
 *
 * Loss read-back: each step's loss is read with the asynchronous `data()` while the next step
 * is already queued, so the device is not synchronised every batch. NaN detection stays exact
 * because every update is gated on the device by "all losses so far were finite": once a loss
 * is NaN/Inf that step and any step queued behind it leave parameters and momentum buffers
 * untouched, and {@link NonFiniteLossError} reports the failing batch. Reports and sums use the
 * exact float32 loss of every batch, in order.
 *
 * @throws {@link NonFiniteLossError} when a loss is NaN or infinite (weights are the last good ones).
 *
 * @example
 * ```ts
 * const optimizer = new SgdOptimizer(model.parameters, { lr: 0.001, momentum: 0.9 });
 * const result = await train({
 *   model, optimizer, trainData, testData, epochs: 2,
 *   onEvent: (event) => {
 *     if (event.type === 'report') console.log(event.text);
 *   },
 * });
 * result.state.step; // batches trained
 * optimizer.dispose();
 * ```
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const {
    model,
    optimizer,
    trainData,
    testData,
    epochs,
    reportEvery = 2000,
    checkpointEvery,
    checkpointAtEpochEnd = true,
    config = {},
    method = {},
    averaging,
    signal,
    gradients = localGradients(model),
  } = options;
  checkPositiveInteger('epochs', epochs);
  checkPositiveInteger('reportEvery', reportEvery);
  if (checkpointEvery !== undefined) checkPositiveInteger('checkpointEvery', checkpointEvery);
  const start = options.start ?? initialTrainingState();
  checkTrainingState(start, 'train start state');
  checkTrainingMethod(method, 'train method', model.parameters);
  if (Boolean(method.lookahead) !== Boolean(averaging)) {
    throw new Error(
      method.lookahead
        ? 'train: method.lookahead needs averaging: pass LookaheadAveraging.forModel(model, method.lookahead), or the averaging restoreCheckpoint returns.'
        : 'train: averaging was given but method.lookahead is not set; set method.lookahead or leave averaging out.',
    );
  }
  if (trainData.batchesPerEpoch < 1) {
    // Without this the run "finishes" at once and its untrained weights look like a result.
    throw new RangeError(
      `train: trainData has no batch in an epoch (${trainData.imagesPerEpoch} images per epoch): a data set smaller than one batch whose incomplete last batch is dropped; use a smaller batch size or more images.`,
    );
  }
  const totalSteps = epochs * trainData.batchesPerEpoch;
  const lrSchedule = method.lrSchedule ?? { type: 'constant' };

  let state: TrainingState = start;
  let dispatched = start.step; // steps queued so far: the schedule's step index
  const updated = new Set(optimizer.parameterNames);
  const optimized = model.parameters.filter((p) => updated.has(p.name));
  if (optimized.length !== updated.size) {
    const known = new Set(model.parameters.map((p) => p.name));
    throw new Error(
      `train: the optimizer updates ${optimizer.parameterNames.filter((n) => !known.has(n)).join(', ')}, which the model does not have; build the optimizer over model.parameters.`,
    );
  }
  // Sticky "every loss so far was finite" flag, so updates queued behind a NaN are skipped too.
  const healthy = tf.tidy(() => tf.variable(tf.scalar(true, 'bool'), false));
  const inFlight = new Set<DispatchedStep>();
  let lastSettled = performance.now();

  const dispatch = (batch: ImageBatch, epoch: number, index: number): DispatchedStep => {
    // One freezing mechanism, two sources: parameters left out of the optimizer are frozen for
    // the whole run (fine-tuning a head), method.freeze ones after their epochs. Neither gets a
    // gradient: backpropagation stops at them.
    const frozen = frozenParameters(method, epoch);
    const trained = optimized.filter((p) => !frozen.has(p.name));
    const lrFactor = learningRateFactor(lrSchedule, dispatched, totalSteps);
    dispatched++;
    const done = dispatched;
    const loss = tf.tidy(() => {
      const { value, grads } = gradients.compute(batch, trained, method.loss ?? {});
      const apply = tf.logicalAnd(tf.isFinite(value), healthy) as tf.Scalar;
      healthy.assign(apply);
      optimizer.step(grads, apply, frozen.size > 0 ? { lrFactor, skip: frozen } : { lrFactor });
      if (averaging) {
        if (averaging.updatesAt(done)) averaging.update(averaging.decayAt(done, totalSteps), apply);
        if (done === totalSteps) averaging.finish(apply);
      }
      return value;
    });
    const step: DispatchedStep = {
      epoch,
      batch: index,
      size: batch.size,
      loss,
      lossValue: loss.data(),
    };
    inFlight.add(step);
    return step;
  };

  const settle = async (pending: DispatchedStep): Promise<void> => {
    const loss = (await pending.lossValue)[0] as number;
    inFlight.delete(pending);
    pending.loss.dispose();
    if (!Number.isFinite(loss)) {
      throw new NonFiniteLossError(loss, pending.epoch, pending.batch, optimizer.config.lr, state);
    }
    const now = performance.now();
    const seconds = (now - lastSettled) / 1000;
    lastSettled = now;
    state = {
      ...state,
      batchInEpoch: pending.batch + 1,
      step: state.step + 1,
      runningLossSum: state.runningLossSum + loss,
      runningLossCount: state.runningLossCount + 1,
      epochLossSum: state.epochLossSum + loss,
      epochLossCount: state.epochLossCount + 1,
    };
    await emitTrainingEvent(options, {
      type: 'batch-end',
      epoch: pending.epoch,
      batch: pending.batch,
      batchSize: pending.size,
      step: state.step,
      loss,
      imagesPerSecond: seconds > 0 ? pending.size / seconds : 0,
    });
    if ((pending.batch + 1) % reportEvery === 0) {
      const mean = state.runningLossSum / state.runningLossCount;
      state = { ...state, runningLossSum: 0, runningLossCount: 0 };
      await emitTrainingEvent(options, {
        type: 'report',
        epoch: pending.epoch,
        batch: pending.batch,
        step: state.step,
        loss: mean,
        text: `[${pending.epoch + 1}, ${String(pending.batch + 1).padStart(5)}] loss: ${mean.toFixed(3)}`,
      });
    }
  };

  const emitCheckpoint = async (reason: 'interval' | 'epoch-end'): Promise<void> => {
    const checkpoint = createCheckpoint({ model, optimizer, state, config, method, averaging });
    await emitTrainingEvent(options, {
      type: 'checkpoint',
      epoch: state.epoch,
      batchInEpoch: state.batchInEpoch,
      step: state.step,
      reason,
      checkpoint,
    });
  };

  try {
    for (let epoch = start.epoch; epoch < epochs; epoch++) {
      let previous: DispatchedStep | undefined;
      const firstBatch = epoch === start.epoch ? start.batchInEpoch : 0;
      let index = firstBatch;
      let aborted = false;
      for await (const batch of trainData.batches(epoch, firstBatch)) {
        if (signal?.aborted) {
          aborted = true;
          break;
        }
        const current = dispatch(batch, epoch, index);
        if (previous) await settle(previous);
        previous = current;
        index++;
        const lastOfEpoch = index >= trainData.batchesPerEpoch;
        if (
          checkpointEvery !== undefined &&
          !lastOfEpoch &&
          (state.step + 1) % checkpointEvery === 0
        ) {
          await settle(current);
          previous = undefined;
          await emitCheckpoint('interval');
        }
      }
      if (previous) await settle(previous);
      if (aborted) return { stopReason: 'aborted', state };

      const last = epoch + 1 === epochs;
      const tta = last ? (method.testTimeAugmentation ?? 'none') : 'none';
      let test: EvaluationResult | undefined;
      if (testData) {
        await gradients.evaluating?.(true);
        test = await evaluate(model, testData, {
          numClasses: model.numClasses,
          ...(tta === 'none' ? {} : { testTimeAugmentation: tta }),
        });
        await gradients.evaluating?.(false);
      }
      const trainLoss = state.epochLossSum / state.epochLossCount;
      const record: EpochRecord = {
        epoch,
        step: state.step,
        trainLoss,
        ...(test ? { test: withoutTiming(test) } : {}),
      };
      state = {
        ...state,
        epoch: epoch + 1,
        batchInEpoch: 0,
        runningLossSum: 0,
        runningLossCount: 0,
        epochLossSum: 0,
        epochLossCount: 0,
        history: [...state.history, record],
      };
      await emitTrainingEvent(options, {
        type: 'epoch-end',
        epoch,
        step: state.step,
        trainLoss,
        ...(test ? { test } : {}),
      });
      if (checkpointAtEpochEnd) await emitCheckpoint('epoch-end');
    }
    return { stopReason: 'completed', state };
  } finally {
    for (const pending of inFlight) {
      await pending.lossValue.catch(() => undefined);
      pending.loss.dispose();
    }
    healthy.dispose();
  }
}
