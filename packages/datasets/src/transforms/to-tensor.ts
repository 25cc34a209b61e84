import type { AnyImageBatch, BatchTransform, ImageBatch } from '../types.js';

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
  return (batch: AnyImageBatch): ImageBatch => {
    if (batch.pixels instanceof Float32Array) return batch as ImageBatch;
    const pixels = new Float32Array(batch.pixels.length);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (batch.pixels[i] as number) / 255;
    return { ...batch, pixels };
  };
}
