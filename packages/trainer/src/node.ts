/**
 * Node-only helpers of @cnnkit/trainer: crash-safe checkpoint directories and a
 * `metrics.jsonl` event log that a resumed run continues seamlessly.
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
