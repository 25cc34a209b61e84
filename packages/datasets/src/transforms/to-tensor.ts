import type { AnyImageBatch, BatchTransform, ImageBatch } from '../types.js';
import { byteLookupTable, lookUp, type PointwiseMap, pointwise } from './pointwise.js';

const scale: PointwiseMap = { input: 'bytes', map: (value) => value / 255 };

/**
 * torchvision's `ToTensor` for batches: bytes 0–255 become floats in [0, 1]. Float input is
 * passed through unchanged, so the step can sit anywhere after byte-level augmentations.
 *
 * @example
 * ```ts
 * const loader = new DataLoader(train, { batchSize: 4, transform: toTensor() });
 * ```
 */
export function toTensor(): BatchTransform {
  // One table of the 256 possible results: the same float32 values as dividing each byte.
  const table = byteLookupTable([scale], 1);
  const transform = (batch: AnyImageBatch): ImageBatch => {
    if (batch.pixels instanceof Float32Array) return batch as ImageBatch;
    return { ...batch, pixels: lookUp(batch.pixels, table, 1) };
  };
  return Object.assign(transform, { [pointwise]: scale });
}
