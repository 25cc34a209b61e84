/**
 * The contracts cnnkit's packages share, in one place: the classifier a trainer trains
 * (`TrainableClassifier`), the batches a loader yields (`ImageBatch`, `BatchSource`), the
 * events and checkpoints of a training run, and the optional fused kernels a backend may
 * provide (`FusedKernel` declarations with typed inputs, attributes and outputs, plus helpers
 * to run and to implement them). Browser and Node safe; `@tensorflow/tfjs-core` is a peer.
 *
 * @packageDocumentation
 */
export type {
  LogitsOptions,
  NamedParameter,
  TensorKind,
  TrainableClassifier,
} from './classifier.js';
export {
  type AnyFusedKernel,
  type BatchNormTrainAttrs,
  batchNormTrainGradKernel,
  batchNormTrainKernel,
  biasReluGradKernel,
  biasReluKernel,
  defineFusedKernel,
  type FusedKernel,
  type FusedKernelAttrs,
  type FusedKernelInputs,
  type FusedSgdAttrs,
  fusedSgdKernel,
  geluGradKernel,
  geluKernel,
  hasFusedKernel,
  type NoAttrs,
  runFusedKernel,
  softmaxCrossEntropyKernel,
} from './fused-kernels.js';
export type { BatchSource, ImageBatch } from './image-batch.js';
export type { ResizePolicy } from './resize-policy.js';
export type {
  BatchEndEvent,
  Checkpoint,
  CheckpointEvent,
  CheckpointState,
  EpochEndEvent,
  EpochRecord,
  EvaluationResult,
  JsonValue,
  ReportEvent,
  ResolvedSgdConfig,
  SgdConfig,
  TrainingEvent,
  TrainingState,
} from './training-events.js';
export type {
  LearningRateSchedule,
  LookaheadSettings,
  LossSettings,
  SgdParameterGroup,
  TestTimeAugmentation,
  TrainingMethod,
} from './training-method.js';
