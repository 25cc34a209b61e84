/**
 * Node helpers of @cnnkit/airbench-cifar10.
 *
 * @packageDocumentation
 */
export { airbenchCifar10WeightsPath } from './weights-path.js';
