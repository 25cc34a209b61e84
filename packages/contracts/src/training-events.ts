import type { SgdParameterGroup, TrainingMethod } from './training-method.js';

/** A JSON value, as stored in a checkpoint's `state.json`. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** Settings of an SGD optimizer; the names and meaning follow `torch.optim.SGD`. */
export interface SgdConfig {
  /** Learning rate. */
  readonly lr: number;
  /** Momentum factor; 0 (the default) disables momentum buffers. */
  readonly momentum?: number;
  /** L2 penalty added to the gradient as `weightDecay * param` (torch `weight_decay`). */
  readonly weightDecay?: number;
  /** Nesterov momentum (torch `nesterov`); needs `momentum > 0`. */
  readonly nesterov?: boolean;
  /**
   * Parameters with their own learning rate and weight decay (torch `param_groups`); the rest
   * use `lr` and `weightDecay`. Default: none.
   */
  readonly groups?: readonly SgdParameterGroup[];
}

/** {@link SgdConfig} with every default filled in, as optimizers report and checkpoints store it. */
export type ResolvedSgdConfig = Required<Omit<SgdConfig, 'groups'>> & {
  /** Present only when the optimizer has groups (checkpoints from before groups have none). */
  readonly groups?: readonly SgdParameterGroup[];
};

/** The result of evaluating a classifier. Accuracy values are fractions in [0, 1]. */
export interface EvaluationResult {
  /** Mean cross-entropy over all images. */
  readonly loss: number;
  readonly accuracy: number;
  /** Accuracy per true class; `null` for a class with no images in the data. */
  readonly perClassAccuracy: readonly (number | null)[];
  /** `confusionMatrix[trueClass][predictedClass]` = number of images. */
  readonly confusionMatrix: readonly (readonly number[])[];
  /** Number of images evaluated. */
  readonly count: number;
  readonly imagesPerSecond: number;
}

/** What a training run remembers about one finished epoch. */
export interface EpochRecord {
  readonly epoch: number;
  /** Step count at the end of the epoch. */
  readonly step: number;
  /** Mean training loss over the epoch's batches. */
  readonly trainLoss: number;
  /** Test evaluation without its timing (timing differs between runs). */
  readonly test?: Omit<EvaluationResult, 'imagesPerSecond'>;
}

/**
 * Where a run is, and every sum needed to continue it as if it had never stopped.
 * Epochs and batches are 0-based; `step` counts optimizer updates since the run began.
 */
export interface TrainingState {
  readonly epoch: number;
  /** Batches of `epoch` already trained; resume asks the source for `batches(epoch, batchInEpoch)`. */
  readonly batchInEpoch: number;
  readonly step: number;
  /** Sum and count of losses since the last report of this epoch (the tutorial's `running_loss`). */
  readonly runningLossSum: number;
  readonly runningLossCount: number;
  /** Sum and count of this epoch's losses, for the epoch's mean training loss. */
  readonly epochLossSum: number;
  readonly epochLossCount: number;
  readonly history: readonly EpochRecord[];
}

/** Emitted after every batch, once its loss is known. */
export interface BatchEndEvent {
  readonly type: 'batch-end';
  readonly epoch: number;
  /** 0-based batch index within the epoch. */
  readonly batch: number;
  /** Images in this batch (the last batch of an epoch may be smaller). */
  readonly batchSize: number;
  readonly step: number;
  readonly loss: number;
  /** This batch's images over the time since the previous batch ended, per second. */
  readonly imagesPerSecond: number;
}

/** The tutorial's running-loss print, every `reportEvery` batches of an epoch. */
export interface ReportEvent {
  readonly type: 'report';
  readonly epoch: number;
  readonly batch: number;
  readonly step: number;
  /** Mean loss over the last `reportEvery` batches. */
  readonly loss: number;
  /** `[epoch, batch] loss: x.xxx`, 1-based like the PyTorch tutorial's print. */
  readonly text: string;
}

/** Emitted after the last batch of an epoch and the test evaluation. */
export interface EpochEndEvent {
  readonly type: 'epoch-end';
  readonly epoch: number;
  readonly step: number;
  readonly trainLoss: number;
  readonly test?: EvaluationResult;
}

/** A consistent snapshot to store; the run continues after every listener has finished. */
export interface CheckpointEvent {
  readonly type: 'checkpoint';
  readonly epoch: number;
  readonly batchInEpoch: number;
  readonly step: number;
  readonly reason: 'interval' | 'epoch-end';
  readonly checkpoint: Checkpoint;
}

/** Everything a training run reports, discriminated by `type`. */
export type TrainingEvent = BatchEndEvent | ReportEvent | EpochEndEvent | CheckpointEvent;

/** The JSON part of a checkpoint (`state.json`). */
export interface CheckpointState extends TrainingState {
  /** Layout version of this object. */
  readonly format: 'cnnkit-checkpoint/1';
  readonly optimizer: ResolvedSgdConfig;
  /** The run's training method (loss, schedule, lookahead, …); absent: the plain loop. */
  readonly method?: TrainingMethod;
  /** The caller's run settings (seed, batch size, epochs, …), stored verbatim. */
  readonly config: { readonly [key: string]: JsonValue };
}

/** A complete, resumable snapshot of a run, as bytes and JSON. */
export interface Checkpoint {
  /** The classifier's `saveWeights()`: PyTorch-compatible safetensors. */
  readonly weights: Uint8Array;
  /** Safetensors of momentum buffers keyed by parameter name, with the SGD settings as metadata. */
  readonly optimizer: Uint8Array;
  /**
   * Safetensors of the weight average (lookahead's EMA) keyed by state_dict name; present
   * exactly when the state's `method` has `lookahead`.
   */
  readonly averaging?: Uint8Array;
  readonly state: CheckpointState;
}
