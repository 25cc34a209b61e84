/**
 * Train cnnkit classifiers with TensorFlow.js: SGD with momentum, weight decay and parameter
 * groups (torch.optim.SGD semantics), cross-entropy loss with label smoothing, per-step
 * learning-rate schedules, lookahead weight averaging, test-time augmentation, an evented
 * training loop that stops cleanly and resumes bit-exactly, evaluation metrics and
 * byte-level checkpoints. Works in browsers and Node; file I/O for checkpoints and metrics
 * logs lives in `@cnnkit/trainer/node`.
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
export {
  combineShardGradients,
  type GradientSource,
  localGradients,
  type ShardGradients,
  type StepGradients,
} from './gradient-source.js';
export { labelSmoothedCrossEntropy } from './label-smoothed-cross-entropy.js';
export { checkLearningRateSchedule, learningRateFactor } from './learning-rate-schedule.js';
export { LookaheadAveraging } from './lookahead-averaging.js';
export { NonFiniteLossError } from './non-finite-loss-error.js';
export {
  type MomentumBufferValues,
  SgdOptimizer,
  type SgdStepOptions,
} from './sgd-optimizer.js';
export { augmentedLogits } from './test-time-augmentation.js';
export { type TrainOptions, type TrainResult, train } from './train.js';
export { type TrainingEventSinks, TrainingProgressEvent } from './training-events.js';
export { initialTrainingState } from './training-state.js';
