/**
 * Picks the TensorFlow.js backend that starts and trains correctly here, in one place. An app
 * lists its candidates (name, priority, a hint for users, `start()`), made with
 * {@link cpuCandidate}, {@link wasmCandidate}, {@link webglCandidate} and
 * {@link webgpuCandidate} from module loaders in the app (so its bundler resolves them, and a
 * backend the app does not install is never required); {@link createBackendRegistry} starts
 * each at most once, runs {@link checkBackendTrains} (one training step compared with the cpu
 * backend), and `select()` returns the first that works — or one error listing every
 * failure with its fix. Browser and Node; the Node-only tfjs-node candidate is in
 * `@cnnkit/backends/node`.
 *
 * @packageDocumentation
 */
export type {
  BackendAvailability,
  BackendCandidate,
  BackendDescription,
  BackendFailure,
  SelectedBackend,
} from './backend-candidate.js';
export { type BackendRegistry, createBackendRegistry } from './backend-registry.js';
export { BackendSelectionError } from './backend-selection-error.js';
export { checkBackendTrains, TRAINING_CHECK_TOLERANCE } from './check-backend-trains.js';
export { cpuCandidate } from './cpu-candidate.js';
export { type WasmStartInfo, wasmCandidate } from './wasm-candidate.js';
export { webglCandidate } from './webgl-candidate.js';
export { webgpuCandidate } from './webgpu-candidate.js';
