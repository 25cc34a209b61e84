/**
 * A small class-balanced CIFAR-10 sample in the official binary layout, shipped as a file:
 * 2,000 training images (200 per class) and 500 test images (50 per class). Read it with
 * `@cnnkit/datasets` (`cifar10FromArchiveBytes` in browsers, `openCifar10` in Node).
 *
 * @packageDocumentation
 */
export {
  CIFAR10_SAMPLE_SHA256,
  CIFAR10_SAMPLE_SOURCE_SHA256,
  CIFAR10_SAMPLE_TEST_COUNT,
  CIFAR10_SAMPLE_TEST_PER_CLASS,
  CIFAR10_SAMPLE_TRAIN_COUNT,
  CIFAR10_SAMPLE_TRAIN_PER_CLASS,
} from './sample-facts.js';
export { cifar10SampleUrl } from './sample-url.js';
