import { fileURLToPath } from 'node:url';
import { cifar10SampleUrl } from './sample-url.js';

/**
 * File-system path of `cifar-10-sample.tar.gz` in the installed package.
 *
 * @example
 * ```ts
 * import { openCifar10 } from '@cnnkit/datasets/node';
 * const { train, test } = await openCifar10(cifar10SamplePath()); // 2,000 and 500 images
 * ```
 */
export function cifar10SamplePath(): string {
  return fileURLToPath(cifar10SampleUrl);
}
