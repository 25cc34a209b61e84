/**
 * Train cnnkit classifiers with TensorFlow.js: SGD with momentum (torch.optim.SGD semantics),
 * cross-entropy loss, an evented training loop that stops cleanly and resumes bit-exactly,
 * evaluation metrics and byte-level checkpoints. Works in browsers and Node; file I/O for
 * checkpoints and metrics logs lives in `@cnnkit/trainer/node`.
 *
 * @packageDocumentation
 */
export type {
  CreateCheckpointOptions,
  RestoreCheckpointOptions,
  RestoredTraining,
} from './checkpoint.js';
export { createCheckpoint, restoreCheckpoint } from './checkpoint.js';
export { crossEntropyLoss } from './cross-entropy.js';
export { type EvaluateOptions, evaluate } from './evaluate.js';
export { NonFiniteLossError } from './non-finite-loss-error.js';
export { type MomentumBufferValues, SgdOptimizer } from './sgd-optimizer.js';
export { type TrainOptions, type TrainResult, train } from './train.js';
export { type TrainingEventSinks, TrainingProgressEvent } from './training-events.js';
export { initialTrainingState } from './training-state.js';
