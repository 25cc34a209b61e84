/**
 * The Node-only candidates of `@cnnkit/backends`: {@link tensorflowCandidate} for
 * `@tensorflow/tfjs-node`. Use them with the main entry's registry and candidates.
 *
 * @packageDocumentation
 */
export { tensorflowCandidate } from './tensorflow-candidate.js';
