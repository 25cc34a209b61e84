/**
 * Node-only helpers of @cnnkit/trainer: crash-safe checkpoint directories, a
 * `metrics.jsonl` event log that a resumed run continues seamlessly, and data-parallel
 * training over model replicas on worker threads.
 *
 * @packageDocumentation
 */
export {
  CHECKPOINT_FILES,
  LATEST_FILE,
  loadCheckpoint,
  removeCheckpointLeftovers,
  type SaveCheckpointOptions,
  saveCheckpoint,
} from './checkpoint-files.js';
export { type MetricsLog, type MetricsLogOptions, openMetricsLog } from './metrics-log.js';
export {
  ReplicaGradients,
  type ReplicaGradientsOptions,
  shardSizes,
} from './replica-gradients.js';
export { serveTrainingReplica } from './serve-training-replica.js';
