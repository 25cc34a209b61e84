import type {
  Checkpoint,
  CheckpointState,
  JsonValue,
  NamedParameter,
  TrainableClassifier,
  TrainingMethod,
  TrainingState,
} from '@cnnkit/contracts';
import { LookaheadAveraging } from './lookahead-averaging.js';
import { decodeOptimizerState, encodeOptimizerState } from './optimizer-state-codec.js';
import { SgdOptimizer } from './sgd-optimizer.js';
import { checkTrainingMethod } from './training-method.js';
import { checkTrainingState } from './training-state.js';

/** What {@link createCheckpoint} snapshots. */
export interface CreateCheckpointOptions {
  readonly model: TrainableClassifier;
  readonly optimizer: SgdOptimizer;
  /** Must describe the model's current weights, e.g. a {@link TrainResult}'s `state`. */
  readonly state: TrainingState;
  /** The caller's run settings (seed, batch size, …), stored verbatim. */
  readonly config?: { readonly [key: string]: JsonValue };
  /** The run's training method; stored so a resumed run computes its steps the same way. */
  readonly method?: TrainingMethod;
  /** The lookahead average, required when `method.lookahead` is set. */
  readonly averaging?: LookaheadAveraging;
}

/** Options of {@link restoreCheckpoint}. */
export interface RestoreCheckpointOptions {
  /**
   * The parameters the run's optimizer updated (default `model.parameters`): a run that kept
   * some frozen passes the same subset it started with.
   */
  readonly parameters?: readonly NamedParameter[];
}

/** What {@link restoreCheckpoint} gives back to continue a run. */
export interface RestoredTraining {
  /** A new optimizer over `parameters` (default `model.parameters`) with the checkpoint's momentum buffers. */
  readonly optimizer: SgdOptimizer;
  /** Pass as `start` to {@link train}. */
  readonly state: TrainingState;
  readonly config: { readonly [key: string]: JsonValue };
  /** The run's training method (`{}` for a plain run); pass it to {@link train}. */
  readonly method: TrainingMethod;
  /** With a lookahead method: the average as it was, to pass to {@link train}. */
  readonly averaging?: LookaheadAveraging;
}

/**
 * Snapshots model weights and buffers, momentum buffers, the lookahead average and the
 * training state and method into a {@link @cnnkit/contracts!Checkpoint}.
 * Pure: bytes and JSON out, nothing written anywhere.
 *
 * @example
 * ```ts
 * const result = await train({ model, optimizer, trainData, epochs: 1, signal });
 * const checkpoint = createCheckpoint({ model, optimizer, state: result.state, config: { seed: 0 } });
 * ```
 */
export function createCheckpoint(options: CreateCheckpointOptions): Checkpoint {
  const { model, optimizer, state, config = {}, method, averaging } = options;
  if (Boolean(method?.lookahead) !== Boolean(averaging)) {
    throw new Error(
      'createCheckpoint: pass averaging exactly when method.lookahead is set (the average is part of the run).',
    );
  }
  const {
    epoch,
    batchInEpoch,
    step,
    runningLossSum,
    runningLossCount,
    epochLossSum,
    epochLossCount,
    history,
  } = state;
  const checkpointState: CheckpointState = {
    format: 'cnnkit-checkpoint/1',
    epoch,
    batchInEpoch,
    step,
    runningLossSum,
    runningLossCount,
    epochLossSum,
    epochLossCount,
    history,
    optimizer: optimizer.config,
    // No `method` key for a plain run, so its state.json is as before.
    ...(method && Object.keys(method).length > 0 ? { method } : {}),
    config,
  };
  return {
    weights: model.saveWeights(),
    optimizer: encodeOptimizerState(optimizer.exportMomentumBuffers(), optimizer.config),
    ...(averaging ? { averaging: averaging.saveAverages() } : {}),
    state: structuredClone(checkpointState),
  };
}

/**
 * Loads a checkpoint's weights into `model` and rebuilds its optimizer and training state,
 * so that {@link train} continues exactly where the checkpointed run was.
 *
 * @example
 * ```ts
 * const { optimizer, state } = restoreCheckpoint(checkpoint, freshModel);
 * await train({ model: freshModel, optimizer, trainData, epochs: 2, start: state });
 * ```
 */
export function restoreCheckpoint(
  checkpoint: Checkpoint,
  model: TrainableClassifier,
  options: RestoreCheckpointOptions = {},
): RestoredTraining {
  const { state } = checkpoint;
  if (state?.format !== 'cnnkit-checkpoint/1') {
    throw new Error(
      `Unsupported checkpoint state format ${JSON.stringify(state?.format)}; expected "cnnkit-checkpoint/1".`,
    );
  }
  checkTrainingState(state, 'checkpoint state');
  const method = state.method ?? {};
  checkTrainingMethod(method, 'checkpoint method', model.parameters);
  if (method.lookahead && !checkpoint.averaging) {
    throw new Error(
      'The checkpoint trains with lookahead but holds no average (averaging.safetensors); it is incomplete.',
    );
  }
  const buffers = decodeOptimizerState(checkpoint.optimizer, 'checkpoint optimizer state');
  model.loadWeights(checkpoint.weights);
  const optimizer = new SgdOptimizer(options.parameters ?? model.parameters, state.optimizer);
  let averaging: LookaheadAveraging | undefined;
  try {
    optimizer.importMomentumBuffers(buffers);
    if (method.lookahead) {
      averaging = LookaheadAveraging.forModel(model, method.lookahead);
      averaging.loadAverages(checkpoint.averaging as Uint8Array, 'checkpoint lookahead average');
    }
  } catch (error) {
    optimizer.dispose();
    averaging?.dispose();
    throw error;
  }
  const { format: _format, optimizer: _optimizer, method: _method, config, ...training } = state;
  return {
    optimizer,
    state: structuredClone(training),
    config: structuredClone(config),
    method: structuredClone(method),
    ...(averaging ? { averaging } : {}),
  };
}
