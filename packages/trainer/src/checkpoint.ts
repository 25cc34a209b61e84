import type {
  Checkpoint,
  CheckpointState,
  JsonValue,
  NamedParameter,
  SgdConfig,
  TrainableClassifier,
  TrainingState,
} from '@cnnkit/contracts';
import { decodeOptimizerState, encodeOptimizerState } from './optimizer-state-codec.js';
import { SgdOptimizer } from './sgd-optimizer.js';
import { checkTrainingState } from './training-state.js';

/** What {@link createCheckpoint} snapshots. */
export interface CreateCheckpointOptions {
  readonly model: TrainableClassifier;
  readonly optimizer: SgdOptimizer;
  /** Must describe the model's current weights, e.g. a {@link TrainResult}'s `state`. */
  readonly state: TrainingState;
  /** The caller's run settings (seed, batch size, …), stored verbatim. */
  readonly config?: { readonly [key: string]: JsonValue };
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
}

/**
 * Snapshots model weights, momentum buffers and training state into a {@link @cnnkit/contracts!Checkpoint}.
 * Pure: bytes and JSON out, nothing written anywhere.
 *
 * @example
 * ```ts
 * const result = await train({ model, optimizer, trainData, epochs: 1, signal });
 * const checkpoint = createCheckpoint({ model, optimizer, state: result.state, config: { seed: 0 } });
 * ```
 */
export function createCheckpoint(options: CreateCheckpointOptions): Checkpoint {
  const { model, optimizer, state, config = {} } = options;
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
    config,
  };
  return {
    weights: model.saveWeights(),
    optimizer: encodeOptimizerState(optimizer.exportMomentumBuffers(), optimizer.config),
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
  const buffers = decodeOptimizerState(checkpoint.optimizer, 'checkpoint optimizer state');
  model.loadWeights(checkpoint.weights);
  const optimizer = new SgdOptimizer(
    options.parameters ?? model.parameters,
    state.optimizer as SgdConfig,
  );
  try {
    optimizer.importMomentumBuffers(buffers);
  } catch (error) {
    optimizer.dispose();
    throw error;
  }
  const { format: _format, optimizer: _optimizer, config, ...training } = state;
  return { optimizer, state: structuredClone(training), config: structuredClone(config) };
}
