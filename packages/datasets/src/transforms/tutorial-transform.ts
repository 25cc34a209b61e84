import type { BatchTransform } from '../types.js';
import { compose } from './compose.js';
import { normalize } from './normalize.js';
import { toTensor } from './to-tensor.js';

/**
 * The PyTorch CIFAR-10 tutorial's pipeline, `Compose([ToTensor(), Normalize((0.5, 0.5, 0.5),
 * (0.5, 0.5, 0.5))])`: pixels scaled to [-1, 1], no augmentation.
 *
 * @example
 * ```ts
 * const loader = new DataLoader(train, { batchSize: 4, shuffle: true, transform: tutorialTransform() });
 * ```
 */
export function tutorialTransform(): BatchTransform {
  return compose(toTensor(), normalize(0.5, 0.5));
}
