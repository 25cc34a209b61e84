/**
 * Node helpers of @cnnkit/cifar10-sample.
 *
 * @packageDocumentation
 */
export { cifar10SamplePath } from './sample-path.js';
